import type { Tensor } from '@recurrent/tensor';
import { describeValue, fail, formatShape, isTensor } from '@recurrent/tensor';
import { type Variable, valueOf } from '@recurrent/autograd';

const maxElements = 2 ** 31 - 1;

/** Checks a batch size for zero states: an integer ≥ 1 whose states fit in a typed array. */
export function checkBatch(cell: string, batch: unknown, widths: readonly number[]): asserts batch is number {
  if (typeof batch !== 'number' || !Number.isSafeInteger(batch) || batch < 1) fail(cell, 'a batch size (an integer ≥ 1)', describeValue(batch));
  for (const width of widths) if (batch * width > maxElements) fail(cell, `states of at most ${maxElements} elements`, `[${batch}, ${width}]`);
}

/** Checks that a step's input is a tensor `[batch, width]` (batch ≥ 1) and returns the batch size. */
export function checkInput(cell: string, x: unknown, width: number): number {
  if (!isTensor(x)) fail(cell, `input to be a tensor [batch, ${width}]`, describeValue(x));
  if (x.rank !== 2 || x.shape[1] !== width) fail(cell, `input [batch, ${width}]`, formatShape(x.shape));
  if (x.shape[0] < 1) fail(cell, `input [batch, ${width}] with batch ≥ 1`, formatShape(x.shape));
  if (x.dtype === 'int32') fail(cell, 'a float input', x.dtype);
  return x.shape[0];
}

/** Checks that a state is a tensor `[batch, width]` (a missing one, as `{ h }` without `c`, is named). */
export function checkState(cell: string, name: string, state: Tensor | undefined, batch: number, width: number): asserts state is Tensor {
  if (!isTensor(state)) fail(cell, `state ${name} to be a tensor [batch, ${width}]`, describeValue(state));
  if (state.rank !== 2 || state.shape[1] !== width) fail(cell, `${name} [batch, ${width}]`, formatShape(state.shape));
  if (state.shape[0] !== batch) fail(cell, `${name} with the input's batch size ${batch}`, `${name} ${formatShape(state.shape)}`);
}

/** What {@link checkStep} reads from a cell. */
export interface SteppedCell {
  readonly inputSize: number;
  /** Widths of the state tensors. */
  readonly stateSizes: readonly number[];
  /** A parameter whose dtype the input must share. */
  readonly weightIh: Variable;
  /** Zeros for every state tensor, used when no state is given. */
  initialState(batch: number): Tensor[];
}

/**
 * Checks one step's input `[batch, inputSize]` and state (each `[batch, stateSizes[k]]`, named
 * `stateNames[k]` in errors), and returns the state, zeros when none is given.
 */
export function checkStep(
  name: string,
  stateNames: readonly string[],
  cell: SteppedCell,
  input: Variable | Tensor,
  state: readonly (Variable | Tensor)[] | null | undefined,
): readonly (Variable | Tensor)[] {
  const x = valueOf(input);
  const batch = checkInput(name, x, cell.inputSize);
  if (state && state.length !== stateNames.length) fail(name, `state [${stateNames.join(', ')}]`, `${state.length} tensors`);
  const previous = state ?? cell.initialState(batch);
  previous.forEach((s, k) => checkState(name, stateNames[k], valueOf(s), batch, cell.stateSizes[k]));
  const dtype = cell.weightIh.dtype;
  if (x.dtype !== dtype) fail(name, `input of dtype ${dtype}`, `${x.dtype}`);
  return previous;
}
