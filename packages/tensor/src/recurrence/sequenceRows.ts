import { type Operand, type SequenceRun, activeRows, columnSums, loopOperand, operand, product, releaseOperands } from './common.js';

/**
 * The rows of a `[T, B, ·]` sequence buffer that the products outside the time loop (the input
 * projection, the weight and input gradients) must cover. Without lengths, or with lengths that
 * are not sorted longest first, that is all `T·B` rows, one product each. With sorted lengths
 * (the fused layers sort them, as PyTorch packs sequences) step `t` keeps only its leading
 * `counts[t]` rows: the padding past each sequence's end is skipped, the way PyTorch's packed
 * layout skips it, instead of multiplying rows of zeros.
 *
 * Shapes: `counts [T]`, `count = Σ counts` rows in all.
 *
 * @example
 * const rows = new SequenceRows(run);
 * rows.project(x, weightIh, true, I, G, 0, gates); // gates[t] ← X_t·W_ihᵀ over the running rows
 * for (let t = 0; t < T; t++) product(gemm, rows.active(t), G, H, hPrevious(t), recurrentWeight, 1, gates, t * B * G);
 * const { dWeightIh, dBias, dx } = rows.inputGradients('lstm.dGatesRows', dGates, G, weightIh, true);
 */
export class SequenceRows {
  /** Running rows per step, or null when every step covers all `B` rows. */
  readonly counts: Int32Array | null;
  /** Rows in all. */
  readonly count: number;
  /** Whether the products read rows past some sequence's end (lengths that are not sorted), so
   * that gradient buffers must hold 0 there; with `counts` they never read them. */
  readonly readsPadding: boolean;

  constructor(private readonly run: SequenceRun) {
    const { steps, batch } = run;
    let counts: Int32Array | null = null;
    let count = steps * batch;
    if (run.lengths !== null) {
      const perStep = Int32Array.from({ length: steps }, (_, t) => activeRows(run, t));
      const total = perStep.reduce((sum, rows) => sum + rows, 0);
      if (total < count) {
        counts = perStep;
        count = total;
      }
    }
    this.counts = counts;
    this.count = count;
    this.readsPadding = run.lengths !== null && counts === null;
  }

  /** Rows that step `t` computes: its leading rows still inside their sequences, or all `B`. */
  active(t: number): number {
    return this.counts === null ? this.run.batch : this.counts[t];
  }

  /**
   * The rows of `source` (block of step `t` at `base + t·B·width`, rows `width` floats apart) as
   * a product operand: `source` itself over all rows, or the running rows of every step gathered
   * one step after another into the scratch buffer `name` (`trans`: used transposed).
   */
  gather(name: string, source: Float32Array, base: number, width: number, trans = false): Operand {
    const counts = this.counts;
    if (counts === null) return operand(source, base, width, trans);
    const out = this.run.workspace.scratch(name, this.count * width);
    const block = this.run.batch * width;
    let at = 0;
    for (let t = 0; t < counts.length; t++) {
      const size = counts[t] * width;
      out.set(source.subarray(base + t * block, base + t * block + size), at);
      at += size;
    }
    return operand(out, 0, width, trans);
  }

  /**
   * `out[t] ← beta·out[t] + A_t·op(W)` for every step, where `A_t` is the block of step `t` of
   * `a` (`k` floats a row) and `op(W)` is `[k, n]` (`W` stored `[n, k]` when `trans`): one product
   * over all rows, or one per step over its running rows with `W` packed once. Rows past a
   * sequence's end are left as they are.
   */
  project(a: Float32Array, weight: Float32Array, trans: boolean, k: number, n: number, beta: number, out: Float32Array): void {
    const { gemm, steps, batch } = this.run;
    const counts = this.counts;
    if (counts === null) {
      product(gemm, steps * batch, n, k, operand(a, 0, k), operand(weight, 0, trans ? k : n, trans), beta, out, 0);
      return;
    }
    const packed = loopOperand(this.run, weight, 0, trans ? k : n, trans, k, n);
    try {
      for (let t = 0; t < steps; t++) product(gemm, counts[t], n, k, operand(a, t * batch * k, k), packed, beta, out, t * batch * n);
    } finally {
      releaseOperands(packed);
    }
  }

  /**
   * The gradients every sequence kernel forms after its time loop from the per-step gradients of
   * its input projection, `gradients [T, B, width]` (gate or pre-activation gradients, 0 past each
   * sequence's end): `dW_ih = dGᵀ·X [width, I]`, the bias gradient `Σ dG [width]` and, when
   * `inputGradient`, `dx = dG·W_ih [T, B, I]` (0 past each sequence's end). `gathered` is dG over
   * the running rows (the scratch buffer `name`), for the kernel's other products.
   */
  inputGradients(name: string, gradients: Float32Array, width: number, weightIh: Float32Array, inputGradient: boolean) {
    const { gemm, steps, batch, inputSize: I, x } = this.run;
    const gathered = this.gather(name, gradients, 0, width, true);
    const dWeightIh = this.run.workspace.array(width * I);
    const dBias = this.run.workspace.array(width);
    product(gemm, width, I, this.count, gathered, this.gather(`${name}.x`, x, 0, I), 0, dWeightIh, 0);
    const dx = inputGradient ? this.run.workspace.array(steps * batch * I) : null;
    if (dx) this.project(gradients, weightIh, false, width, I, 0, dx);
    columnSums(gathered.data, this.count, width, dBias, gathered.offset);
    return { gathered, dWeightIh, dBias, dx };
  }

  /** The state each step started from, from a `T + 1`-slot state buffer (see `stateSlot`) of
   * `[B, width]` slots, over the running rows (the scratch buffer `name`). */
  previousStates(name: string, states: Float32Array, width: number): Operand {
    return this.gather(name, states, (this.run.reverse ? 1 : 0) * this.run.batch * width, width);
  }
}
