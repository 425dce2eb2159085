import { type GateKernels, copyIn, copyOut, paddedWidth, withMemory } from '../wasm/gateKernels.js';
import type { RecurrentWorkspace } from './workspace.js';

/**
 * The elementwise part of an LSTM step (no peephole) on the WebAssembly SIMD gate kernels: each
 * step's rows are copied into the kernel memory, computed there and the results copied back.
 * The kernel memory is laid out once per sequence (blocks padded to whole f32x4 vectors).
 */
export class LstmGatePass {
  private readonly padded: number;
  private readonly size: number;
  private readonly at: Record<'gates' | 'bias' | 'cPrevious' | 'c' | 'tanhC' | 'h' | 'dm' | 'dc' | 'dGates', number>;

  /** The pass for `batch` rows of hidden size `hiddenSize` with the gate bias `bias` (`b_ih + b_hh`,
   * `[4H]`, or null), or null where WebAssembly SIMD is unavailable or its memory cannot grow that far. */
  static create(workspace: RecurrentWorkspace, batch: number, hiddenSize: number, bias: Float32Array | null): LstmGatePass | null {
    const kernels = workspace.gateKernels();
    return kernels ? withMemory(() => new LstmGatePass(kernels, batch, hiddenSize, bias)) : null;
  }

  private constructor(private readonly kernels: GateKernels, batch: number, private readonly hiddenSize: number, bias: Float32Array | null) {
    const padded = paddedWidth(hiddenSize);
    const state = batch * padded;
    this.padded = padded;
    // forward and backward share the layout; the gate gradients follow the forward's arrays
    const gates = 0;
    const bias4 = gates + 4 * state;
    const cPrevious = bias4 + 4 * padded;
    const c = cPrevious + state;
    const tanhC = c + state;
    const h = tanhC + state;
    const dm = h + state;
    const dc = dm + state;
    const dGates = dc + state;
    this.size = dGates + 4 * state;
    this.at = { gates, bias: bias4, cPrevious, c, tanhC, h, dm, dc, dGates };
    const memory = kernels.reserve(this.size);
    if (bias) copyIn(bias, 0, memory, bias4, 1, 4, hiddenSize, padded);
    else memory.fill(0, bias4, bias4 + 4 * padded);
  }

  /**
   * Forward of the first `rows` rows of one step: `gates[gateOffset…]` (pre-activations without
   * bias, `[B, 4H]`) and the previous cell state `cells[previousOffset…]` in; the cell state to
   * `cells[currentOffset…]`, `h = o ⊙ tanh(c)` to `hOut[hOffset…]` and, when `keep`, the activated
   * gates back in place and `tanh(c)` to `tanhCells[stepOffset…]`. With `lengths`, rows past their
   * length at `t` are left as they are.
   */
  forward(
    t: number, rows: number, lengths: Int32Array | null, keep: boolean, gates: Float32Array, gateOffset: number, cells: Float32Array, previousOffset: number,
    currentOffset: number, tanhCells: Float32Array, stepOffset: number, hOut: Float32Array, hOffset: number,
  ): void {
    const { hiddenSize: H, padded: P, at } = this;
    const B = rows;
    const memory = this.kernels.reserve(this.size);
    copyIn(gates, gateOffset, memory, at.gates, B, 4, H, P);
    copyIn(cells, previousOffset, memory, at.cPrevious, B, 1, H, P);
    this.kernels.exports.lstmForward(B, P, 4 * at.gates, 4 * at.bias, 4 * at.cPrevious, 4 * at.c, 4 * at.tanhC, 4 * at.h);
    copyOut(memory, at.c, cells, currentOffset, B, 1, H, P, lengths, t);
    copyOut(memory, at.h, hOut, hOffset, B, 1, H, P, lengths, t);
    if (!keep) return;
    copyOut(memory, at.gates, gates, gateOffset, B, 4, H, P, lengths, t);
    copyOut(memory, at.tanhC, tanhCells, stepOffset, B, 1, H, P, lengths, t);
  }

  /**
   * Backward of the first `rows` rows of one step (no peephole): the activated gates, `tanh(c)`,
   * the previous cell state and `dm [B, H]` (the gradient of `o ⊙ tanh(c)`) in; the gate gradients to
   * `dGates[gateOffset…]` and `dc [B, H]` replaced by the gradient of the previous cell state.
   * With `lengths`, rows past their length at `t` are left as they are.
   */
  backward(
    t: number, rows: number, lengths: Int32Array | null, gates: Float32Array, gateOffset: number, tanhCells: Float32Array, stepOffset: number,
    cells: Float32Array, previousOffset: number, dm: Float32Array, dc: Float32Array, dGates: Float32Array,
  ): void {
    const { hiddenSize: H, padded: P, at } = this;
    const B = rows;
    const memory = this.kernels.reserve(this.size);
    copyIn(gates, gateOffset, memory, at.gates, B, 4, H, P);
    copyIn(tanhCells, stepOffset, memory, at.tanhC, B, 1, H, P);
    copyIn(cells, previousOffset, memory, at.cPrevious, B, 1, H, P);
    copyIn(dm, 0, memory, at.dm, B, 1, H, P);
    copyIn(dc, 0, memory, at.dc, B, 1, H, P);
    this.kernels.exports.lstmBackward(B, P, 4 * at.gates, 4 * at.tanhC, 4 * at.cPrevious, 4 * at.dm, 4 * at.dc, 4 * at.dGates);
    copyOut(memory, at.dGates, dGates, gateOffset, B, 4, H, P, lengths, t);
    copyOut(memory, at.dc, dc, 0, B, 1, H, P, lengths, t);
  }
}
