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
  x: Float32Array;
  sequenceLength: number;
  batch: number;
  inputSize: number;
  hiddenSize: number;
  batchFirst?: boolean;
  weightIh: Float32Array;
  weightHh: Float32Array;
  biasIh?: Float32Array;
  biasHh?: Float32Array;
  h0?: Float32Array;
  c0?: Float32Array;
}

/**
 * Results of a whole-sequence run.
 *
 * Shapes: `output` `[sequenceLength, batch, hiddenSize]` (or batch-first like the input), `hN`
 * and `cN` (LSTM only) `[batch, hiddenSize]`.
 */
export interface SequenceOutput {
  output: Float32Array;
  hN: Float32Array;
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
  dOutput: Float32Array;
  dhN?: Float32Array;
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
  dx: Float32Array;
  dh0: Float32Array;
  dc0?: Float32Array;
  dWeightIh: Float32Array;
  dWeightHh: Float32Array;
  dBiasIh: Float32Array;
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
