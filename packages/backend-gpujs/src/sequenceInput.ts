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
 * - `h0`: `[batch, R]`, `c0` (LSTM only): `[batch, hiddenSize]` (omitted: zeros)
 * - LSTM only: `weightHr` `[projSize, hiddenSize]` (then `R` = `projSize`, else `hiddenSize`, and
 *   `weightHh` is `[4·hiddenSize, R]`); `weightCi`, `weightCf`, `weightCo` `[hiddenSize]` (peepholes, all or none)
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
  /** LSTM projection size `P` (0 or omitted: none); needs `weightHr`. */
  projSize?: number;
  /** LSTM projection `h = W_hr (o ⊙ tanh c)`, `[projSize, hiddenSize]`. */
  weightHr?: Float32Array;
  /** LSTM peephole weights: `i += w_ci ⊙ c_{t−1}`. */
  weightCi?: Float32Array;
  /** LSTM peephole weights: `f += w_cf ⊙ c_{t−1}`. */
  weightCf?: Float32Array;
  /** LSTM peephole weights: `o += w_co ⊙ c_t`. */
  weightCo?: Float32Array;
  /** GRU only: `n = tanh(x_n + r ⊙ (W_hn h + b_hn))` (true, the default: PyTorch's) or `tanh(x_n + W_hn (r ⊙ h) + b_hn)` (false). */
  resetAfter?: boolean;
  /** LSTM and GRU gate activation (default `'sigmoid'`; `'hardSigmoid'`: `max(0, min(1, 0.2·x + 0.5))`). */
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
}

/** The widths a sequence runs with (see {@link sequenceShape}). */
export interface SequenceShape {
  /** `P` (0: no projection). */
  projSize: number;
  /** `R`: the width of `h` (`P`, or `H` without a projection). */
  recurrentWidth: number;
  /** Values per batch row of a forward history row: LSTM `R + H` (`[h | c]`), reset-before GRU `2H` (`[h | r]`), else `H`. */
  stateWidth: number;
  /** A GRU in the reset-before form. */
  resetBefore: boolean;
  /** 1 for the hard-sigmoid gates, else 0 (a kernel argument). */
  hard: number;
}

/** The widths of `input` run as `mode`. */
export function sequenceShape(mode: RecurrentMode, input: SequenceInput): SequenceShape {
  const projSize = mode === 'LSTM' ? input.projSize ?? 0 : 0;
  const H = input.hiddenSize;
  const recurrentWidth = projSize > 0 ? projSize : H;
  const resetBefore = mode === 'GRU' && input.resetAfter === false;
  const stateWidth = mode === 'LSTM' ? recurrentWidth + H : resetBefore ? 2 * H : H;
  return { projSize, recurrentWidth, stateWidth, resetBefore, hard: input.recurrentActivation === 'hardSigmoid' ? 1 : 0 };
}

/**
 * Results of a whole-sequence run.
 *
 * Shapes: `output` `[sequenceLength, batch, R]` (or batch-first like the input; `R` the projection
 * size of a projected LSTM, else `hiddenSize`), `hN` `[batch, R]` and `cN` (LSTM only) `[batch, hiddenSize]`.
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
 * Shapes: `dOutput` like `output` (`[sequenceLength, batch, R]`, or batch-first), `dhN` `[batch, R]`
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
 * Shapes: `dx` like `x`; `dWeightIh [G·hiddenSize, inputSize]`, `dWeightHh [G·hiddenSize, R]`,
 * `dBiasIh`, `dBiasHh` `[G·hiddenSize]`, `dh0` `[batch, R]`, `dc0` (LSTM only) `[batch, hiddenSize]`,
 * and for a projected or peephole LSTM the gradients of those weights, shaped as they are.
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
  /** `∂L/∂weight_hr` (projected LSTM). */
  dWeightHr?: Float32Array;
  /** `∂L/∂weight_ci` (peephole LSTM). */
  dWeightCi?: Float32Array;
  /** `∂L/∂weight_cf` (peephole LSTM). */
  dWeightCf?: Float32Array;
  /** `∂L/∂weight_co` (peephole LSTM). */
  dWeightCo?: Float32Array;
}

/** Checks the shapes of a sequence run and names the op in errors. */
export function checkSequence(op: string, mode: RecurrentMode, input: SequenceInput): void {
  const { sequenceLength: T, batch: B, inputSize: I, hiddenSize: H } = input;
  const G = gates[mode];
  for (const [name, value] of [['sequenceLength', T], ['batch', B], ['inputSize', I], ['hiddenSize', H]] as const) {
    if (!Number.isInteger(value) || value < 1) fail(op, `${name} a positive integer`, String(value));
  }
  if (mode !== 'LSTM') {
    for (const name of ['projSize', 'weightHr', 'weightCi', 'weightCf', 'weightCo'] as const) {
      if (input[name] !== undefined) fail(op, `no ${name} (only an LSTM has one)`, `${name} given`);
    }
  }
  if (mode !== 'GRU' && input.resetAfter !== undefined) fail(op, 'no resetAfter (only a GRU has one)', `resetAfter ${input.resetAfter}`);
  if (input.recurrentActivation !== undefined && !['sigmoid', 'hardSigmoid'].includes(input.recurrentActivation)) {
    fail(op, `recurrentActivation 'sigmoid' or 'hardSigmoid'`, `'${String(input.recurrentActivation)}'`);
  }
  const P = input.projSize ?? 0;
  if (!Number.isInteger(P) || P < 0 || P >= H) fail(op, `projSize an integer in [0, ${H})`, String(P));
  if (P > 0 && input.weightHr === undefined) fail(op, `weightHr [${P}, ${H}] with projSize ${P}`, 'no weightHr');
  if (P === 0 && input.weightHr !== undefined) fail(op, 'projSize > 0 with weightHr', 'projSize 0');
  const R = P > 0 ? P : H;
  check(op, 'x', input.x, input.batchFirst ? [B, T, I] : [T, B, I]);
  check(op, 'weightIh', input.weightIh, [G * H, I]);
  check(op, 'weightHh', input.weightHh, [G * H, R]);
  if (input.weightHr) check(op, 'weightHr', input.weightHr, [P, H]);
  const peepholes = [input.weightCi, input.weightCf, input.weightCo].filter((w) => w !== undefined).length;
  if (peepholes !== 0 && peepholes !== 3) fail(op, 'all three peephole weights (weightCi, weightCf, weightCo) or none', `${peepholes} of them`);
  for (const name of ['weightCi', 'weightCf', 'weightCo'] as const) if (input[name]) check(op, name, input[name], [H]);
  if (input.biasIh) check(op, 'biasIh', input.biasIh, [G * H]);
  if (input.biasHh) check(op, 'biasHh', input.biasHh, [G * H]);
  if (input.h0) check(op, 'h0', input.h0, [B, R]);
  if (input.c0) {
    if (mode !== 'LSTM') fail(op, 'no c0 (only an LSTM has a cell state)', `c0 of length ${input.c0.length}`);
    check(op, 'c0', input.c0, [B, H]);
  }
}

/** Checks the gradients flowing into a sequence. */
export function checkGradients(op: string, mode: RecurrentMode, input: SequenceInput, grads: SequenceGradientInput): void {
  const { sequenceLength: T, batch: B, hiddenSize: H } = input;
  const R = sequenceShape(mode, input).recurrentWidth;
  check(op, 'dOutput', grads.dOutput, input.batchFirst ? [B, T, R] : [T, B, R]);
  if (grads.dhN) check(op, 'dhN', grads.dhN, [B, R]);
  if (grads.dcN) {
    if (mode !== 'LSTM') fail(op, 'no dcN (only an LSTM has a cell state)', `dcN of length ${grads.dcN.length}`);
    check(op, 'dcN', grads.dcN, [B, H]);
  }
}
