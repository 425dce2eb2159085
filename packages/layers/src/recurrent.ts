import { type Tensor, checkOptions, describeValue, fail, formatShape, isTensor, option } from '@recurrent/tensor';
import { tensorArgument } from './internal/commonOptions.js';
import { Module, type Parameter, type Variable, valueOf } from '@recurrent/autograd';
import { reverseWithinLengths, selectRows, stack, unbind } from './sequenceOps.js';
import type { RecurrentCell } from '@recurrent/cells';

export type { CellStepResult, RecurrentCell } from '@recurrent/cells';

/** Options of a sequence layer's forward pass. */
export interface SequenceOptions {
  /** Initial state tensors `[batch, size]` in the order of `stateSizes` (zeros when absent). */
  initialState?: readonly (Variable | Tensor)[];
  /** Per-sequence lengths (`1 ≤ lengths[b] ≤ T`, any order): PyTorch's packed semantics. */
  lengths?: readonly number[] | Int32Array | Tensor;
  /** Time index of the first step (default 0): the chunk's offset in truncated BPTT, so cells
   * that read the clock (`ClockworkCell`) see the global step. */
  timeOffset?: number;
}

/** What a sequence layer returns. */
export interface SequenceResult {
  /** All outputs: `[T, B, outputSize]` (or `[B, T, outputSize]` when batch-first). */
  output: Variable;
  /** Final state tensors `[B, size]`, each sequence's own last step when lengths are given. */
  state: Variable[];
}

/** A module over whole sequences: {@link Recurrent}, {@link Stacked}, {@link Bidirectional}. */
export interface SequenceLayer extends Module {
  readonly batchFirst: boolean;
  readonly outputSize: number;
  /** How many state tensors `initialState` takes and `state` returns. */
  readonly stateCount: number;
  forward(input: Variable | Tensor, options?: SequenceOptions): SequenceResult;
}

/** The rules of {@link SequenceOptions}, for `checkOptions` (lengths and states are checked against the input after). */
export const sequenceOptionsSchema = {
  initialState: option.shaped('a list of state tensors', (value) => value === null || Array.isArray(value)),
  lengths: option.shaped('a list of integers, an Int32Array or a tensor', (value) => value === null || Array.isArray(value) || value instanceof Int32Array || isTensor(value)),
  timeOffset: option.integer({ min: 0 }),
};

/** Checks and normalises lengths against a batch of `batch` sequences of `steps` steps (none: null). */
export function checkLengths(op: string, lengths: SequenceOptions['lengths'] | null, batch: number, steps: number): number[] | null {
  if (lengths === undefined || lengths === null) return null;
  if (!Array.isArray(lengths) && !(lengths instanceof Int32Array) && !isTensor(lengths)) fail(op, 'lengths as a list of integers, an Int32Array or a tensor', describeValue(lengths));
  const list = Array.from(lengths instanceof Object && 'data' in lengths ? (lengths as Tensor).data : (lengths as ArrayLike<number>));
  if (list.length !== batch) fail(op, `${batch} lengths (one per sequence)`, `${list.length}`);
  list.forEach((length, b) => {
    if (!Number.isInteger(length) || length < 1 || length > steps) fail(op, `lengths in [1, ${steps}]`, `${length} at index ${b}`);
  });
  return list;
}

/** Options of {@link Recurrent}. */
export interface RecurrentOptions {
  /** Input and output as `[batch, time, features]` (default false: `[time, batch, features]`). */
  batchFirst?: boolean;
  /** Run from each sequence's last step to its first (the reverse direction of a bidirectional layer). */
  reverse?: boolean;
}

/**
 * Runs any cell over a whole sequence: `(state_t, output_t) = cell.step(x_t, state_{t−1}, t)` for
 * `t = 0 … T−1`. With `lengths`, PyTorch's packed semantics: for `t ≥ lengths[b]` sequence `b`
 * keeps its state, emits 0, and gets no gradient; final states are each sequence's own last.
 * The state dict is the cell's (same names). `reverse` runs each sequence from `lengths[b] − 1`
 * down to 0. For truncated backpropagation through time, pass each chunk the detached final
 * state of the previous one (`detach` from @recurrent/autograd) and its `timeOffset`. Every cell
 * of @recurrent/cells keeps the one cell contract (`RecurrentCell`: state `[h]`, `[h, c]`, …).
 *
 * Shapes: input `[T, B, inputSize]` (`[B, T, inputSize]` with `batchFirst`); output
 * `[T, B, outputSize]`; `state[k]: [B, cell.stateSizes[k]]`.
 *
 * @example
 * const layer = new Recurrent(new JordanCell({ inputSize: 4, hiddenSize: 8, outputSize: 2 }));
 * const { output, state } = layer.forward(x, { lengths: [7, 4, 3] }); // x: [7, 3, 4]
 */
export class Recurrent extends Module implements SequenceLayer {
  readonly cell: RecurrentCell;
  readonly batchFirst: boolean;
  readonly reverse: boolean;
  readonly outputSize: number;
  readonly stateSizes: readonly number[];
  readonly stateCount: number;

  /** `cell`: any cell of the cell contract (every cell of @recurrent/cells). */
  constructor(cell: RecurrentCell, options: RecurrentOptions = {}) {
    super();
    checkOptions('Recurrent', options, { batchFirst: option.boolean, reverse: option.boolean });
    if (typeof cell !== 'object' || cell === null || typeof (cell as { step?: unknown }).step !== 'function') fail('Recurrent', 'a cell (with step, initialState, stateSizes)', describeValue(cell));
    this.cell = cell;
    this.batchFirst = options.batchFirst ?? false;
    this.reverse = options.reverse ?? false;
    this.outputSize = this.cell.outputSize;
    this.stateSizes = this.cell.stateSizes;
    this.stateCount = this.stateSizes.length;
    // The cell's parameters under their own names, so the state dict reads like the cell's.
    for (const [name, parameter] of this.cell.namedParameters()) this.registerParameter(name, parameter as Parameter);
  }

  override train(mode = true): this {
    super.train(mode);
    this.cell.train(mode);
    return this;
  }

  /** Runs the cell over every step; see the class documentation for shapes and lengths. */
  forward(input: Variable | Tensor, options: SequenceOptions = {}): SequenceResult {
    const name = `Recurrent(${this.cell.constructor.name})`;
    const x = tensorArgument(name, 'input', input);
    checkOptions(name, options, sequenceOptionsSchema);
    const order = this.batchFirst ? '[batch, time, features]' : '[time, batch, features]';
    if (x.rank !== 3) fail(name, `input ${order}`, formatShape(x.shape));
    const timeAxis = this.batchFirst ? 1 : 0;
    const steps = x.shape[timeAxis], batch = x.shape[1 - timeAxis];
    if (x.shape[2] !== this.cell.inputSize) fail(name, `input with ${this.cell.inputSize} features ${order}`, formatShape(x.shape));
    if (steps === 0) fail(name, 'a sequence of at least one step', formatShape(x.shape));
    const lengths = checkLengths(name, options.lengths, batch, steps);
    if (options.initialState && options.initialState.length !== this.stateSizes.length) {
      fail(name, `${this.stateSizes.length} initial state tensors`, `${options.initialState.length}`);
    }
    options.initialState?.forEach((s, k) => {
      const shape = tensorArgument(name, `initial state ${k}`, s).shape;
      if (shape.length !== 2 || shape[0] !== batch || shape[1] !== this.stateSizes[k]) {
        fail(name, `initial state ${k} of shape [${batch}, ${this.stateSizes[k]}]`, formatShape(shape));
      }
    });
    const timeOffset = options.timeOffset ?? 0;
    if (!Number.isInteger(timeOffset) || timeOffset < 0) fail(name, 'timeOffset an integer ≥ 0', String(options.timeOffset));
    const fullLengths = lengths ?? new Array<number>(batch).fill(steps);
    const source = this.reverse ? reverseWithinLengths(input, fullLengths, timeAxis) : input;
    const inputs = unbind(source, timeAxis);
    let state: (Variable | Tensor)[] = options.initialState ? [...options.initialState] : this.cell.initialState(batch);
    const outputs: Variable[] = [];
    const shortest = lengths ? Math.min(...lengths) : steps;
    for (let t = 0; t < steps; t++) {
      const result = this.cell.step(inputs[t], state, timeOffset + t);
      // Steps that every sequence still runs (all of them without lengths) need no mask.
      if (!lengths || t < shortest) {
        outputs.push(result.output);
        state = result.state;
        continue;
      }
      // A fresh mask per step: the graph keeps it for backward.
      const mask = Uint8Array.from(lengths, (length) => (t < length ? 1 : 0));
      // Past a sequence's end: keep its state, emit zeros.
      outputs.push(selectRows(mask, result.output, null));
      const previous = state;
      state = result.state.map((s, k) => selectRows(mask, s, previous[k]));
    }
    const stacked = stack(outputs, timeAxis);
    const output = this.reverse ? reverseWithinLengths(stacked, fullLengths, timeAxis) : stacked;
    return { output, state: state as Variable[] };
  }
}
