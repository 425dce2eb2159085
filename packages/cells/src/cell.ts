import { type Backend, Generator, type OptionsSchema, type Tensor, option } from '@recurrent/tensor';
import type { Module, Variable } from '@recurrent/autograd';

/** What one step of any cell gives: the output and the state for the next step. */
export interface CellStepResult {
  output: Variable;
  state: Variable[];
}

/** A cell's options as plain JSON (`config()`): numbers, strings, booleans, arrays of them. */
export type CellConfig = { [name: string]: number | string | boolean | null | readonly (number | string)[] };

/**
 * The one contract every cell of this package keeps (`RNNCell`/`ElmanCell`, `LSTMCell`,
 * `GRUCell`, `JordanCell`, `ClockworkCell`, `SCRNCell`), and the one `Recurrent` runs:
 * `step(x_t, state_{t−1}, t) → { output, state }` with the state a list of `[batch, stateSizes[k]]`
 * tensors (zeros from `initialState` when none is given), and `config()` giving back the options
 * as plain JSON (`new Cell(cell.config())` builds the same cell, up to its weights).
 *
 * @example
 * let state = cell.initialState(batch);
 * for (let t = 0; t < steps; t++) ({ state } = cell.step(xs[t], state, t));
 */
export interface RecurrentCell extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Width of the output of a step. */
  readonly outputSize: number;
  /** Width of each state tensor, e.g. `[hiddenSize]` or `[H_out, hiddenSize]` (LSTM). */
  readonly stateSizes: readonly number[];
  /** Zero state tensors for a batch, of the parameters' dtype and backend. */
  initialState(batch: number): Tensor[];
  /** One step at time index `time` (counted from 0; only clocked cells read it). */
  step(input: Variable | Tensor, state?: readonly (Variable | Tensor)[] | null, time?: number): CellStepResult;
  /** The options as plain JSON (no generator, no backend). */
  config(): CellConfig;
}

/** The options every cell takes (PyTorch's names in TS casing). */
export interface CellOptions {
  /** Features of the input `x_t`. */
  inputSize: number;
  /** Features of the hidden state. */
  hiddenSize: number;
  /** Learn the biases (default true). */
  bias?: boolean;
  /** Seeded generator for the initial weights (default: a fresh one seeded with `seed`). */
  generator?: Generator;
  /** Seed used when no generator is given (default 0). */
  seed?: number;
  /** `uniform` (PyTorch's default, `U(−1/√H, 1/√H)`) or `orthogonal` recurrent weights. */
  recurrentInit?: 'uniform' | 'orthogonal';
  /** Backend the parameters live on (default: the CPU backend). */
  backend?: Backend;
}

/** The rules of {@link CellOptions} but `recurrentInit`, for `checkOptions` (cells without a
 * square recurrent weight: `JordanCell`). */
export const drawSchema = {
  inputSize: option.integer({ min: 1 }),
  hiddenSize: option.integer({ min: 1 }),
  bias: option.boolean,
  generator: option.instance(Generator, 'a Generator'),
  seed: option.integer(),
  backend: option.shaped('a backend', (value) => typeof value === 'object' && value !== null && 'kernels' in value && 'allocate' in value),
} satisfies OptionsSchema;

/** The rules of {@link CellOptions} for `checkOptions` (each cell adds its own). */
export const cellSchema = { ...drawSchema, recurrentInit: option.oneOf(['uniform', 'orthogonal']) } satisfies OptionsSchema;
