import { type GateKernels, copyIn, copyOut, paddedWidth, withMemory } from '../wasm/gateKernels.js';
import type { RecurrentWorkspace } from './workspace.js';

/**
 * The elementwise part of a GRU step in the reset-after (PyTorch / cuDNN) form on the WebAssembly
 * SIMD gate kernels: each step's rows are copied into the kernel memory, computed there and the
 * results copied back. The kernel memory is laid out once per sequence (blocks padded to whole
 * f32x4 vectors).
 */
export class GruGatePass {
  private readonly padded: number;
  private readonly size: number;
  private readonly at: Record<'gates' | 'recurrent' | 'hPrevious' | 'recurrentN' | 'h' | 'dh' | 'dInput' | 'dRecurrent' | 'direct', number>;

  /** The pass for `batch` rows of hidden size `hiddenSize`, or null where WebAssembly SIMD is unavailable or its memory cannot grow that far. */
  static create(workspace: RecurrentWorkspace, batch: number, hiddenSize: number): GruGatePass | null {
    const kernels = workspace.gateKernels();
    return kernels ? withMemory(() => new GruGatePass(kernels, batch, hiddenSize)) : null;
  }

  private constructor(private readonly kernels: GateKernels, batch: number, private readonly hiddenSize: number) {
    const padded = paddedWidth(hiddenSize);
    const state = batch * padded;
    this.padded = padded;
    const gates = 0;
    const recurrent = gates + 3 * state;
    const hPrevious = recurrent + 3 * state;
    const recurrentN = hPrevious + state;
    const h = recurrentN + state;
    const dh = h + state;
    const dInput = dh + state;
    const dRecurrent = dInput + 3 * state;
    const direct = dRecurrent + 3 * state;
    this.size = direct + state;
    this.at = { gates, recurrent, hPrevious, recurrentN, h, dh, dInput, dRecurrent, direct };
    kernels.reserve(this.size);
  }

  /**
   * Forward of the first `rows` rows of one step: the input-side gates `gates[gateOffset…]`
   * (`X·W_ihᵀ + b_ih`, `[B, 3H]`), the recurrent side `recurrent [B, 3H]` (`h·W_hhᵀ + b_hh`) and the
   * previous state `hidden[previousOffset…]` in; `h` to `hidden[currentOffset…]` and, when `keep`,
   * the activated `r, z, n` back in place and `W_hn h + b_hn` to `recurrentN[stepOffset…]`. With
   * `lengths`, rows past their length at `t` are left as they are.
   */
  forward(
    t: number, rows: number, lengths: Int32Array | null, keep: boolean, gates: Float32Array, gateOffset: number, recurrent: Float32Array,
    hidden: Float32Array, previousOffset: number, currentOffset: number, recurrentN: Float32Array, stepOffset: number,
  ): void {
    const { hiddenSize: H, padded: P, at } = this;
    const memory = this.kernels.reserve(this.size);
    copyIn(gates, gateOffset, memory, at.gates, rows, 3, H, P);
    copyIn(recurrent, 0, memory, at.recurrent, rows, 3, H, P);
    copyIn(hidden, previousOffset, memory, at.hPrevious, rows, 1, H, P);
    this.kernels.exports.gruForward(rows, P, 4 * at.gates, 4 * at.recurrent, 4 * at.hPrevious, 4 * at.recurrentN, 4 * at.h);
    copyOut(memory, at.h, hidden, currentOffset, rows, 1, H, P, lengths, t);
    if (!keep) return;
    copyOut(memory, at.gates, gates, gateOffset, rows, 3, H, P, lengths, t);
    copyOut(memory, at.recurrentN, recurrentN, stepOffset, rows, 1, H, P, lengths, t);
  }

  /**
   * The first backward pass of the first `rows` rows of one step: the activated gates, the previous state,
   * `W_hn h + b_hn` and `dh [B, H]` in; `dInput[gateOffset…] = [dr, dz, dn]` and
   * `dRecurrent[gateOffset…] = [dr, dz, r ⊙ dn]` (rows past their length at `t` left as they are),
   * and `direct = z ⊙ dh` to the first `rows` rows of `direct [B, H]`, the part of `dh_{t−1}` that
   * bypasses the recurrent product.
   */
  backward(
    t: number, rows: number, lengths: Int32Array | null, gates: Float32Array, gateOffset: number, hidden: Float32Array, previousOffset: number,
    recurrentN: Float32Array, stepOffset: number, dh: Float32Array, dInput: Float32Array, dRecurrent: Float32Array, direct: Float32Array,
  ): void {
    const { hiddenSize: H, padded: P, at } = this;
    const memory = this.kernels.reserve(this.size);
    copyIn(gates, gateOffset, memory, at.gates, rows, 3, H, P);
    copyIn(hidden, previousOffset, memory, at.hPrevious, rows, 1, H, P);
    copyIn(recurrentN, stepOffset, memory, at.recurrentN, rows, 1, H, P);
    copyIn(dh, 0, memory, at.dh, rows, 1, H, P);
    this.kernels.exports.gruBackward(rows, P, 4 * at.gates, 4 * at.hPrevious, 4 * at.recurrentN, 4 * at.dh, 4 * at.dInput, 4 * at.dRecurrent, 4 * at.direct);
    copyOut(memory, at.dInput, dInput, gateOffset, rows, 3, H, P, lengths, t);
    copyOut(memory, at.dRecurrent, dRecurrent, gateOffset, rows, 3, H, P, lengths, t);
    copyOut(memory, at.direct, direct, 0, rows, 1, H, P, null, t);
  }
}
