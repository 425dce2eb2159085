import { fail, formatShape } from '@recurrent/tensor';

/** Which recurrent network a sequence runs. */
export type RecurrentMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

/**
 * Inputs of a whole-sequence run, with PyTorch's parameter layouts (gate blocks stacked along the
 * first dimension: LSTM `i, f, g, o`, GRU `r, z, n`, `G` = 4, 3 or 1).
 *
 * Shapes:
 * - `x`: `[sequenceLength, batch, inputSize]`, or `[batch, sequenceLength, inputSize]` with `batchFirst`
 * - `weightIh`: `[G·hiddenSize, inputSize]`, `weightHh`: `[G·hiddenSize, hiddenSize]`
 * - `biasIh`, `biasHh`: `[G·hiddenSize]` (omitted: no bias)
 * - `h0`, `c0` (LSTM only): `[batch, hiddenSize]` (omitted: zeros)
 */
export interface SequenceInput {
  /** The inputs of every time step. */
  x: Float32Array;
  /** Number of time steps `T`. */
  sequenceLength: number;
  /** Batch size `B`. */
  batch: number;
  /** Features per input `I`. */
  inputSize: number;
  /** Hidden units `H`. */
  hiddenSize: number;
  /** Whether `x` (and `output`, `dx`, `dOutput`) are `[batch, sequenceLength, …]`. */
  batchFirst?: boolean;
  /** PyTorch's `weight_ih`: input-to-hidden weights, gate blocks stacked. */
  weightIh: Float32Array;
  /** PyTorch's `weight_hh`: hidden-to-hidden weights, gate blocks stacked. */
  weightHh: Float32Array;
  /** PyTorch's `bias_ih` (omitted: zeros). */
  biasIh?: Float32Array;
  /** PyTorch's `bias_hh` (omitted: zeros). */
  biasHh?: Float32Array;
  /** Initial hidden state (omitted: zeros). */
  h0?: Float32Array;
  /** Initial cell state, LSTM only (omitted: zeros). */
  c0?: Float32Array;
}

/**
 * Results of a whole-sequence run.
 *
 * Shapes: `output` `[sequenceLength, batch, hiddenSize]` (or batch-first like the input), `hN`
 * and `cN` (LSTM only) `[batch, hiddenSize]`.
 */
export interface SequenceOutput {
  /** The hidden state after every step. */
  output: Float32Array;
  /** The hidden state after the last step. */
  hN: Float32Array;
  /** The cell state after the last step (LSTM). */
  cN?: Float32Array;
}

/** What one sequence run cost on the device. */
export interface RunCost {
  /** Kernel launches (uploads included). */
  launches: number;
  /** Host arrays sent to the device. */
  uploads: number;
  /** Results read back. */
  downloads: number;
}

/** Gate blocks per network. */
export const gates: Record<RecurrentMode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };

/** Checks that `data` is a Float32Array holding `shape`, naming `op` and `name` otherwise. */
export function check(op: string, name: string, data: Float32Array, shape: number[]): void {
  let size = 1;
  for (const d of shape) size *= d;
  if (!(data instanceof Float32Array)) fail(op, `${name} as a Float32Array`, Object.prototype.toString.call(data));
  if (data.length !== size) fail(op, `${name} ${formatShape(shape)} (${size} values)`, `${data.length} values`);
}

/** `[a, b, rest] → [b, a, rest]` on the host (batch-first ↔ time-major). */
export function swapFirstAxes(x: Float32Array, a: number, b: number, rest: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out.set(x.subarray((i * b + j) * rest, (i * b + j + 1) * rest), (j * a + i) * rest);
  return out;
}

/**
 * Gradients flowing into a sequence: of the loss with respect to its outputs.
 *
 * Shapes: `dOutput` like `output` (`[sequenceLength, batch, hiddenSize]`, or batch-first), `dhN`
 * and `dcN` (LSTM only) `[batch, hiddenSize]` (omitted: zeros).
 */
export interface SequenceGradientInput {
  /** `∂L/∂output`. */
  dOutput: Float32Array;
  /** `∂L/∂h_n` (omitted: zeros). */
  dhN?: Float32Array;
  /** `∂L/∂c_n`, LSTM only (omitted: zeros). */
  dcN?: Float32Array;
}

/**
 * Results of a backward pass: the forward results and the gradients of the loss with respect to
 * every input, named after what they differentiate.
 *
 * Shapes: `dx` like `x`; `dWeightIh [G·hiddenSize, inputSize]`, `dWeightHh [G·hiddenSize, hiddenSize]`,
 * `dBiasIh`, `dBiasHh` `[G·hiddenSize]`, `dh0` and `dc0` (LSTM only) `[batch, hiddenSize]`.
 */
export interface SequenceGradients extends SequenceOutput {
  /** `∂L/∂x`. */
  dx: Float32Array;
  /** `∂L/∂h0`. */
  dh0: Float32Array;
  /** `∂L/∂c0` (LSTM). */
  dc0?: Float32Array;
  /** `∂L/∂weight_ih`. */
  dWeightIh: Float32Array;
  /** `∂L/∂weight_hh`. */
  dWeightHh: Float32Array;
  /** `∂L/∂bias_ih` (zeros when the sequence has no bias). */
  dBiasIh: Float32Array;
  /** `∂L/∂bias_hh` (zeros when the sequence has no bias). */
  dBiasHh: Float32Array;
}

/** Checks the shapes of a sequence run and names the op in errors. */
export function checkSequence(op: string, mode: RecurrentMode, input: SequenceInput): void {
  const { sequenceLength: T, batch: B, inputSize: I, hiddenSize: H } = input;
  const G = gates[mode];
  for (const [name, value] of [['sequenceLength', T], ['batch', B], ['inputSize', I], ['hiddenSize', H]] as const) {
    if (!Number.isInteger(value) || value < 1) fail(op, `${name} a positive integer`, String(value));
  }
  check(op, 'x', input.x, input.batchFirst ? [B, T, I] : [T, B, I]);
  check(op, 'weightIh', input.weightIh, [G * H, I]);
  check(op, 'weightHh', input.weightHh, [G * H, H]);
  if (input.biasIh) check(op, 'biasIh', input.biasIh, [G * H]);
  if (input.biasHh) check(op, 'biasHh', input.biasHh, [G * H]);
  if (input.h0) check(op, 'h0', input.h0, [B, H]);
  if (input.c0) {
    if (mode !== 'LSTM') fail(op, 'no c0 (only an LSTM has a cell state)', `c0 of length ${input.c0.length}`);
    check(op, 'c0', input.c0, [B, H]);
  }
}

/** Checks the gradients flowing into a sequence. */
export function checkGradients(op: string, mode: RecurrentMode, input: SequenceInput, grads: SequenceGradientInput): void {
  const { sequenceLength: T, batch: B, hiddenSize: H } = input;
  check(op, 'dOutput', grads.dOutput, input.batchFirst ? [B, T, H] : [T, B, H]);
  if (grads.dhN) check(op, 'dhN', grads.dhN, [B, H]);
  if (grads.dcN) {
    if (mode !== 'LSTM') fail(op, 'no dcN (only an LSTM has a cell state)', `dcN of length ${grads.dcN.length}`);
    check(op, 'dcN', grads.dcN, [B, H]);
  }
}
