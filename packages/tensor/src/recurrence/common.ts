import type { GemmArgs, PackBArgs, PackedOperand } from '../backend.js';
import type { RecurrentWorkspace } from './workspace.js';

/** The backend's matrix-product kernel (`backend.kernels.gemm`). */
export type Gemm = (args: GemmArgs) => void;

/** The backend's optional kernel that packs a right-hand operand once (`backend.kernels.packB`). */
export type PackB = (args: PackBArgs) => PackedOperand | null;

/** A stored matrix operand: its storage, where it starts and its row stride. */
export interface Operand {
  data: Float32Array;
  offset: number;
  ld: number;
  trans: boolean;
  /** The same operand packed by the backend for the products of a time loop (right-hand side only). */
  packed?: PackedOperand | null;
}

/** An operand with the given storage, offset, row stride and transposition. */
export function operand(data: Float32Array, offset: number, ld: number, trans = false): Operand {
  return { data, offset, ld, trans };
}

/** `C[m, n] ← op(A)·op(B) + beta·C` with `C` of row stride `ldc`. */
export function product(
  gemm: Gemm, m: number, n: number, k: number, a: Operand, b: Operand, beta: number,
  c: Float32Array, cOffset: number, ldc = n,
): void {
  if (m === 0 || n === 0) return;
  gemm({
    transA: a.trans, transB: b.trans, m, n, k, alpha: 1,
    a: a.data, aOffset: a.offset, lda: a.ld,
    b: b.data, bOffset: b.offset, ldb: b.ld,
    beta, c, cOffset, ldc, packedB: b.packed ?? null,
  });
}

/**
 * A weight operand for the products of a time loop, packed once by the backend's `packB` kernel
 * when it has one (the products of every step then skip re-packing it): `op(B)` is `[k, n]`.
 * Release it with {@link releaseOperands} when the loop is done.
 */
export function loopOperand(run: SequenceRun, data: Float32Array, offset: number, ld: number, trans: boolean, k: number, n: number): Operand {
  const packed = run.packB && k > 0 && n > 0 ? run.packB({ transB: trans, k, n, b: data, bOffset: offset, ldb: ld }) : null;
  return { data, offset, ld, trans, packed };
}

/** Frees the packed copies of {@link loopOperand}s, newest first. */
export function releaseOperands(...operands: Operand[]): void {
  for (let i = operands.length - 1; i >= 0; i--) operands[i].packed?.release();
}

/**
 * Rows of the batch that step `t` must compute: all of them, or, when the lengths are sorted
 * longest first (the fused layers sort them), only the leading rows still inside their sequence,
 * so that each step's products skip the finished ones.
 */
export function activeRows(run: SequenceRun, t: number): number {
  const lengths = run.lengths;
  if (lengths === null) return run.batch;
  let active = 0;
  while (active < run.batch && t < lengths[active]) active++;
  for (let b = active + 1; b < run.batch; b++) if (t < lengths[b]) return run.batch; // not sorted
  return active;
}

// Beyond ±TANH_CLAMP the rational form below is replaced by the exact tail 1 − 2e^(−2|x|).
const TANH_CLAMP = 7.90531110763549805;

/**
 * `tanh(x)` as a rational minimax function `x·P(x²)/Q(x²)` (degrees 13/6, the form fast float32
 * libraries use): within 3e-7 of `Math.tanh` everywhere, about four times cheaper, and exact in the
 * tails. NaN stays NaN. The gate passes call it once or twice per element, so it sets their cost.
 */
export function tanh(x: number): number {
  if (x > TANH_CLAMP || x < -TANH_CLAMP) {
    const tail = 1 - 2 / (Math.exp(2 * (x < 0 ? -x : x)) + 1);
    return x < 0 ? -tail : tail;
  }
  const x2 = x * x;
  let p = -2.76076847742355e-16;
  p = p * x2 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = 1.19825839466702e-6;
  q = q * x2 + 1.18534705686654e-4;
  q = q * x2 + 2.268434632439e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (x * p) / q;
}

/**
 * The logistic function σ(x) = 1 / (1 + e^(−x)): `0.5 + 0.5·tanh(x/2)` through the rational
 * {@link tanh} where |x| < 4 (relative error below 1e-5), the exact form elsewhere so that small
 * gate values keep their relative precision.
 */
export function sigmoid(x: number): number {
  if (x < 4 && x > -4) return 0.5 + 0.5 * tanh(0.5 * x);
  return 1 / (1 + Math.exp(-x));
}

/** tf.keras's hard sigmoid `max(0, min(1, 0.2·x + 0.5))`, the gate activation of
 * `recurrentActivation: 'hardSigmoid'`. */
export function hardSigmoid(x: number): number {
  const y = 0.2 * x + 0.5;
  return y <= 0 ? 0 : y >= 1 ? 1 : y;
}

/** The derivative of a gate activation from its output `y`: `y·(1 − y)` for σ, and for the hard
 * sigmoid 0.2 inside `(0, 1)`, 0 where it is clipped. */
export function gateSlope(y: number, hard: boolean): number {
  if (hard) return y > 0 && y < 1 ? 0.2 : 0;
  return y * (1 - y);
}

/**
 * `to[toOffset + j] = σ(from[fromOffset + j] + bias[biasOffset + j])` for `j < count`
 * ({@link sigmoid}; no bias when `bias` is null); `to` may be `from` at the same offset. One
 * short loop per gate block: the activation is inlined into it.
 */
export function sigmoidRange(
  from: Float32Array, fromOffset: number, to: Float32Array, toOffset: number, count: number,
  bias: Float32Array | null = null, biasOffset = 0,
): void {
  if (bias !== null) {
    for (let j = 0; j < count; j++) {
      const x = from[fromOffset + j] + bias[biasOffset + j];
      to[toOffset + j] = x < 4 && x > -4 ? 0.5 + 0.5 * tanh(0.5 * x) : 1 / (1 + Math.exp(-x));
    }
    return;
  }
  for (let j = 0; j < count; j++) {
    const x = from[fromOffset + j];
    to[toOffset + j] = x < 4 && x > -4 ? 0.5 + 0.5 * tanh(0.5 * x) : 1 / (1 + Math.exp(-x));
  }
}

/** `to[toOffset + j] = tanh(from[fromOffset + j] + bias[biasOffset + j])` for `j < count`
 * ({@link tanh}; no bias when `bias` is null); `to` may be `from` at the same offset. */
export function tanhRange(
  from: Float32Array, fromOffset: number, to: Float32Array, toOffset: number, count: number,
  bias: Float32Array | null = null, biasOffset = 0,
): void {
  if (bias !== null) {
    for (let j = 0; j < count; j++) to[toOffset + j] = tanh(from[fromOffset + j] + bias[biasOffset + j]);
    return;
  }
  for (let j = 0; j < count; j++) to[toOffset + j] = tanh(from[fromOffset + j]);
}

/** `a + b` (either may be null: the other is returned; null when both are), the bias that the
 * gate passes add, so that the input projection writes its product without first filling it. */
export function biasSum(a: Float32Array | null, b: Float32Array | null): Float32Array | null {
  if (a === null || b === null) return a ?? b;
  const sum = new Float32Array(a.length);
  for (let j = 0; j < a.length; j++) sum[j] = a[j] + b[j];
  return sum;
}

/** Fills every `width`-wide row of `out[rows, width]` with `a + b` (either may be absent); false
 * when both are absent and nothing was written. */
export function fillRows(out: Float32Array, rows: number, width: number, a: Float32Array | null, b: Float32Array | null): boolean {
  if (!a && !b) return false;
  if (rows === 0) return true;
  for (let j = 0; j < width; j++) out[j] = (a ? a[j] : 0) + (b ? b[j] : 0);
  const row = out.subarray(0, width);
  for (let r = 1; r < rows; r++) out.set(row, r * width);
  return true;
}

/** Column sums of `source[rows, width]` starting at `offset` with row stride `ld`, into `out[width]`. */
export function columnSums(source: Float32Array, rows: number, width: number, out: Float32Array, offset = 0, ld = width): void {
  out.fill(0);
  let r = 0;
  // four rows per pass: a quarter of the loads and stores of `out`
  for (; r + 3 < rows; r += 4) {
    const b0 = offset + r * ld;
    const b1 = b0 + ld;
    const b2 = b1 + ld;
    const b3 = b2 + ld;
    for (let j = 0; j < width; j++) out[j] += source[b0 + j] + source[b1 + j] + source[b2 + j] + source[b3 + j];
  }
  for (; r < rows; r++) {
    const base = offset + r * ld;
    for (let j = 0; j < width; j++) out[j] += source[base + j];
  }
}

/**
 * The whole-sequence state buffer of `T + 1` slots of `[B, width]` (see {@link stateSlot}), with
 * the initial slot zeroed. Without lengths the output is a view of it, so it is a new array; with
 * lengths the output is gathered into its own array and the buffer is only the tape's, so it is a
 * reused workspace tape (a scratch one when no tape is kept), handed back with the tape.
 */
export function stateBuffer(run: SequenceRun, width: number, name: string): Float32Array {
  const size = (run.steps + 1) * run.batch * width;
  if (run.lengths === null) return run.workspace.array(size);
  const buffer = run.keepTape !== false ? run.workspace.tape(size) : run.workspace.scratch(name, size);
  const first = run.reverse ? run.steps : 0;
  buffer.fill(0, first * run.batch * width, (first + 1) * run.batch * width);
  return buffer;
}

/** The state buffer of a tape when it may be handed back for reuse (see {@link stateBuffer}), else null. */
export function reusableStates(run: SequenceRun, states: Float32Array): Float32Array | null {
  return run.lengths === null ? null : states;
}

/** Whether batch row `b` is still inside its sequence at time `t` (always, without lengths). */
export function isActive(lengths: Int32Array | null, t: number, b: number): boolean {
  return lengths === null || t < lengths[b];
}

/** Shape and direction of a sequence run, shared by every sequence kernel. */
export interface SequenceRun {
  /** The backend's gemm kernel. */
  gemm: Gemm;
  /** Number of time steps `T`. */
  steps: number;
  /** Batch size `B`. */
  batch: number;
  /** Input features `I`. */
  inputSize: number;
  /** Hidden features `H`. */
  hiddenSize: number;
  /** Input, time-major `[T, B, I]`. */
  x: Float32Array;
  /** Initial hidden state `[B, H_out]` (zeros when null). */
  h0: Float32Array | null;
  /** Run from `t = T − 1` down to 0 (the reverse direction of a bidirectional layer). */
  reverse: boolean;
  /** Per-sequence lengths `[B]`: rows past their length keep their state and output 0. */
  lengths: Int32Array | null;
  /** Keep the tape for backward (default true); false (inference) lets forward work in reused
   * buffers, and the returned tape must then not be passed to backward. */
  keepTape?: boolean;
  /** The backend's `packB` kernel, when it has one: recurrent weights are packed once per loop. */
  packB?: PackB;
  /** LSTM / GRU gates through {@link hardSigmoid} instead of σ (the scalar loops run). */
  hardSigmoid?: boolean;
  /** The backend's work buffers (scratch, reusable tapes, gate kernels). */
  workspace: RecurrentWorkspace;
}

/**
 * Slot of the state after step `t` in a whole-sequence state buffer of `T + 1` slots. The forward
 * direction keeps the initial state in slot 0 and `h_t` in slot `t + 1`; the reverse direction
 * keeps it in slot `T` and `h_t` in slot `t`, so the previous states of all steps, in time order,
 * are one contiguous block for the weight-gradient product.
 */
export function stateSlot(run: SequenceRun, t: number): number {
  return run.reverse ? t : t + 1;
}

/** Slot of the state that step `t` reads. */
export function previousSlot(run: SequenceRun, t: number): number {
  return run.reverse ? t + 1 : t;
}

/** Time index of the `s`-th step processed. */
export function timeOf(run: SequenceRun, s: number): number {
  return run.reverse ? run.steps - 1 - s : s;
}

/** Copies the rows of slot `to` that are past their length from slot `from` (state carried). */
export function carryInactive(run: SequenceRun, t: number, buffer: Float32Array, width: number, from: number, to: number): void {
  const lengths = run.lengths;
  if (lengths === null) return;
  const size = run.batch * width;
  for (let b = 0; b < run.batch; b++) {
    if (t < lengths[b]) continue;
    buffer.copyWithin(to * size + b * width, from * size + b * width, from * size + (b + 1) * width);
  }
}

/**
 * The output `[T, B, width]`: each step's state, 0 past each sequence's length. Without lengths
 * it is a view of the state buffer (the slots of `h_0 … h_{T−1}` lie in time order), not a copy.
 */
export function gatherOutput(run: SequenceRun, states: Float32Array, width: number): Float32Array {
  const { steps, batch, lengths } = run;
  const size = batch * width;
  if (lengths === null) {
    const first = run.reverse ? 0 : 1;
    return states.subarray(first * size, (first + steps) * size);
  }
  const out = run.workspace.array(steps * size);
  for (let t = 0; t < steps; t++) {
    const from = stateSlot(run, t) * size;
    for (let b = 0; b < batch; b++) if (t < lengths[b]) out.set(states.subarray(from + b * width, from + (b + 1) * width), t * size + b * width);
  }
  return out;
}

/** Adds the output gradient of step `t` into the running state gradient (active rows only). */
export function addOutputGradient(run: SequenceRun, t: number, dOutput: Float32Array | null, dh: Float32Array, width: number): void {
  if (dOutput === null) return;
  const { batch, lengths } = run;
  const base = t * batch * width;
  for (let b = 0; b < batch; b++) {
    if (lengths !== null && t >= lengths[b]) continue;
    for (let j = b * width, end = j + width; j < end; j++) dh[j] += dOutput[base + j];
  }
}

/** Rows past their length pass their state gradient through unchanged to the previous step. */
export function passInactive(run: SequenceRun, t: number, from: Float32Array, to: Float32Array, width: number): void {
  const lengths = run.lengths;
  if (lengths === null) return;
  for (let b = 0; b < run.batch; b++) if (t >= lengths[b]) to.set(from.subarray(b * width, (b + 1) * width), b * width);
}
