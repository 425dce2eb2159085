import { type Tensor, checkOptions, fail, formatShape, option } from '@recurrent/tensor';
import { Module, type Variable, add, affine, mul } from '@recurrent/autograd';
import { checkLengths, sequenceOptionsSchema, type SequenceLayer, type SequenceOptions, type SequenceResult } from './recurrent.js';
import { concatFeatures, reverseWithinLengths } from './sequenceOps.js';
import { tensorArgument } from './internal/commonOptions.js';
import { type CellOrLayer, toSequenceLayer } from './stacked.js';

/** How {@link Bidirectional} merges the two directions' outputs. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'average';

/** Options of {@link Bidirectional}. */
export interface BidirectionalOptions {
  /** `concat` (default; features side by side, forward first), `sum`, `mul` or `average`. */
  merge?: MergeMode;
  /** `[batch, time, features]` inputs and outputs (default false). */
  batchFirst?: boolean;
}

/**
 * Runs one cell or layer forward in time and another over each sequence reversed, then merges
 * their outputs step by step: `y_t = merge(→y_t, ←y_t)`. With lengths, the reverse direction of
 * sequence `b` starts at `lengths[b] − 1` (PyTorch's packed semantics) and outputs past the length
 * stay 0. The two directions are submodules `forward` and `reverse` in the state dict.
 *
 * Shapes: input `[T, B, I]` (`[B, T, I]` batch-first) → `[T, B, 2·O]` (concat) or `[T, B, O]`;
 * `initialState`/`state`: the forward direction's state tensors, then the reverse's.
 *
 * @example
 * const bi = new Bidirectional(
 *   new SCRNCell({ inputSize: 3, hiddenSize: 6, contextSize: 4, outputSize: 5 }),
 *   new SCRNCell({ inputSize: 3, hiddenSize: 6, contextSize: 4, outputSize: 5, seed: 1 }),
 *   { merge: 'sum' },
 * );
 * const { output } = bi.forward(x, { lengths: [5, 3] }); // [5, 2, 5]
 */
export class Bidirectional extends Module implements SequenceLayer {
  readonly forwardLayer: SequenceLayer;
  readonly reverseLayer: SequenceLayer;
  readonly merge: MergeMode;
  readonly batchFirst: boolean;
  readonly outputSize: number;
  readonly stateCount: number;

  constructor(forward: CellOrLayer, reverse: CellOrLayer, options: BidirectionalOptions = {}) {
    super();
    checkOptions('Bidirectional', options, { merge: option.oneOf(['concat', 'sum', 'mul', 'average']), batchFirst: option.boolean });
    this.merge = options.merge ?? 'concat';
    this.batchFirst = options.batchFirst ?? false;
    this.forwardLayer = this.registerModule('forward', toSequenceLayer('Bidirectional', forward, this.batchFirst));
    this.reverseLayer = this.registerModule('reverse', toSequenceLayer('Bidirectional', reverse, this.batchFirst));
    const [a, b] = [this.forwardLayer.outputSize, this.reverseLayer.outputSize];
    if (this.merge !== 'concat' && a !== b) fail('Bidirectional', `directions with equal output sizes to ${this.merge}`, `${a} and ${b}`);
    this.outputSize = this.merge === 'concat' ? a + b : a;
    this.stateCount = this.forwardLayer.stateCount + this.reverseLayer.stateCount;
  }

  /** The options besides the two directions (submodules `forward` and `reverse` in a model file), as JSON. */
  config(): { merge: MergeMode; batchFirst: boolean } {
    return { merge: this.merge, batchFirst: this.batchFirst };
  }

  /** Runs both directions and merges their outputs; `state` is the forward's, then the reverse's. */
  forward(input: Variable | Tensor, options: SequenceOptions = {}): SequenceResult {
    const x = tensorArgument('Bidirectional', 'input', input);
    if (x.rank !== 3) fail('Bidirectional', this.batchFirst ? 'input [batch, time, features]' : 'input [time, batch, features]', formatShape(x.shape));
    const timeAxis = this.batchFirst ? 1 : 0;
    const steps = x.shape[timeAxis], batch = x.shape[1 - timeAxis];
    checkOptions('Bidirectional', options, sequenceOptionsSchema);
    const lengths = checkLengths('Bidirectional', options.lengths, batch, steps) ?? new Array<number>(batch).fill(steps);
    const initial = options.initialState;
    if (initial && initial.length !== this.stateCount) fail('Bidirectional', `${this.stateCount} initial state tensors (forward, then reverse)`, `${initial.length}`);
    const split = this.forwardLayer.stateCount;
    const ahead = this.forwardLayer.forward(input, { initialState: initial?.slice(0, split), lengths: options.lengths });
    const back = this.reverseLayer.forward(reverseWithinLengths(input, lengths, timeAxis), { initialState: initial?.slice(split), lengths: options.lengths });
    const backOutput = reverseWithinLengths(back.output, lengths, timeAxis);
    let output: Variable;
    if (this.merge === 'concat') output = concatFeatures(ahead.output, backOutput);
    else if (this.merge === 'sum') output = add(ahead.output, backOutput);
    else if (this.merge === 'mul') output = mul(ahead.output, backOutput);
    else output = affine(add(ahead.output, backOutput), 0.5);
    return { output, state: [...ahead.state, ...back.state] };
  }
}
