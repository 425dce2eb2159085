import { type GateKernels, copyIn, copyOut, paddedWidth, withMemory } from '../wasm/gateKernels.js';
import type { RecurrentWorkspace } from './workspace.js';

/**
 * The elementwise part of an Elman step with tanh on the WebAssembly SIMD gate kernels: each
 * step's rows are copied into the kernel memory, computed there and the results copied back
 * (blocks padded to whole f32x4 vectors). relu stays scalar: it is already cheap.
 */
export class RnnGatePass {
  private readonly padded: number;
  private readonly size: number;
  private readonly at: Record<'pre' | 'bias' | 'h' | 'dh' | 'dPre', number>;

  /** The pass for `batch` rows of hidden size `hiddenSize` with the bias `bias` (`b_ih + b_hh`,
   * `[H]`, or null), or null where WebAssembly SIMD is unavailable or its memory cannot grow that far. */
  static create(workspace: RecurrentWorkspace, batch: number, hiddenSize: number, bias: Float32Array | null): RnnGatePass | null {
    const kernels = workspace.gateKernels();
    return kernels ? withMemory(() => new RnnGatePass(kernels, batch, hiddenSize, bias)) : null;
  }

  private constructor(private readonly kernels: GateKernels, batch: number, private readonly hiddenSize: number, bias: Float32Array | null) {
    const padded = paddedWidth(hiddenSize);
    const state = batch * padded;
    this.padded = padded;
    this.at = { pre: 0, bias: state, h: state + padded, dh: 2 * state + padded, dPre: 3 * state + padded };
    this.size = 4 * state + padded;
    const memory = kernels.reserve(this.size);
    if (bias) copyIn(bias, 0, memory, this.at.bias, 1, 1, hiddenSize, padded);
    else memory.fill(0, this.at.bias, this.at.bias + padded);
  }

  /** Forward of the first `rows` rows of one step: `h = tanh(pre + bias)` from `pre[preOffset…]`
   * to `hidden[currentOffset…]` (with `lengths`, rows past their length at `t` are left as they are). */
  forward(t: number, rows: number, lengths: Int32Array | null, pre: Float32Array, preOffset: number, hidden: Float32Array, currentOffset: number): void {
    const { hiddenSize: H, padded: P, at } = this;
    const memory = this.kernels.reserve(this.size);
    copyIn(pre, preOffset, memory, at.pre, rows, 1, H, P);
    this.kernels.exports.tanhForward(rows, P, 4 * at.pre, 4 * at.bias, 4 * at.h);
    copyOut(memory, at.h, hidden, currentOffset, rows, 1, H, P, lengths, t);
  }

  /** Backward of the first `rows` rows of one step: `dPre = (1 − h²) ⊙ dh` from
   * `hidden[currentOffset…]` and `dh [B, H]` to `dPre[preOffset…]` (rows past their length left as they are). */
  backward(t: number, rows: number, lengths: Int32Array | null, hidden: Float32Array, currentOffset: number, dh: Float32Array, dPre: Float32Array, preOffset: number): void {
    const { hiddenSize: H, padded: P, at } = this;
    const memory = this.kernels.reserve(this.size);
    copyIn(hidden, currentOffset, memory, at.h, rows, 1, H, P);
    copyIn(dh, 0, memory, at.dh, rows, 1, H, P);
    this.kernels.exports.tanhBackward(rows, P, 4 * at.h, 4 * at.dh, 4 * at.dPre);
    copyOut(memory, at.dPre, dPre, preOffset, rows, 1, H, P, lengths, t);
  }
}
