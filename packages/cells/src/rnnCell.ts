import { type Tensor, fail } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, definePrimitive } from '@recurrent/autograd';
import { recurrentPrimitive } from './recurrentPrimitive.js';
import { type InitOptions, checkSize, generatorOf, orthogonalBlocks, uniformParameter } from './init.js';
import { type StepInput, checkInput, checkState, dataOf, float32Of, valueOf, wrap } from './stepTools.js';

/** Options of {@link RNNCell}. */
export interface RNNCellOptions extends InitOptions {
  /** Features of the input `x`. */
  inputSize: number;
  /** Features of the hidden state `h`. */
  hiddenSize: number;
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** `tanh` (default) or `relu`. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * The Elman recurrent cell (Elman, 1990), one time step, exactly as PyTorch's `nn.RNNCell`:
 *
 * ```
 * h' = act(W_ih x + b_ih + W_hh h + b_hh)        act = tanh (default) or relu
 * ```
 *
 * One fused primitive per step (both products through the backend's `gemm`) with a hand-written
 * backward. Also exported as {@link ElmanCell}.
 *
 * Parameters (state-dict order): `weight_ih [H, inputSize]`, `weight_hh [H, H]`, `bias_ih [H]`,
 * `bias_hh [H]`.
 *
 * Shapes:
 * - `x`: `[batch, inputSize]`
 * - `h`: `[batch, hiddenSize]` (zeros when omitted)
 * - returns `h'`: `[batch, hiddenSize]`
 *
 * @example
 * import { randn, Generator } from '@recurrent/tensor';
 * const cell = new RNNCell({ inputSize: 4, hiddenSize: 8, nonlinearity: 'relu' });
 * const h = cell.forward(randn([2, 4], new Generator(1)));
 * h.shape; // [2, 8]
 */
export class RNNCell extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly nonlinearity: 'tanh' | 'relu';
  /** `weight_ih [hiddenSize, inputSize]`. */
  readonly weightIh: Parameter;
  /** `weight_hh [hiddenSize, hiddenSize]`. */
  readonly weightHh: Parameter;
  /** `bias_ih [hiddenSize]` or null. */
  readonly biasIh: Parameter | null;
  /** `bias_hh [hiddenSize]` or null. */
  readonly biasHh: Parameter | null;

  /** The name errors use. */
  protected get cellName(): string {
    return 'RNNCell';
  }

  constructor(options: RNNCellOptions) {
    super();
    const owner = this.cellName;
    this.inputSize = checkSize(owner, 'inputSize', options.inputSize);
    const H = (this.hiddenSize = checkSize(owner, 'hiddenSize', options.hiddenSize));
    this.nonlinearity = options.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') fail(owner, "nonlinearity 'tanh' or 'relu'", String(options.nonlinearity));
    const generator = generatorOf(options);
    const make = (shape: number[]) => uniformParameter(shape, H, generator, options.backend);
    this.weightIh = this.registerParameter('weight_ih', make([H, this.inputSize]));
    this.weightHh = this.registerParameter('weight_hh', make([H, H]));
    const bias = options.bias ?? true;
    this.biasIh = this.registerParameter('bias_ih', bias ? make([H]) : null);
    this.biasHh = this.registerParameter('bias_hh', bias ? make([H]) : null);
    if (options.recurrentInit === 'orthogonal') orthogonalBlocks(this.weightHh.value, 1, generator);
  }

  /** One step: the new hidden state from `x [batch, inputSize]` and `h [batch, hiddenSize]`. */
  forward(x: StepInput, h?: StepInput | null): Variable {
    const owner = this.cellName;
    const value = valueOf(x);
    const batch = checkInput(owner, value, this.inputSize);
    float32Of(owner, 'input', value);
    if (h) checkState(owner, 'h', valueOf(h), batch, this.hiddenSize);
    return recurrentPrimitive(
      { x, h0: h, weightIh: this.weightIh, weightHh: this.weightHh, biasIh: this.biasIh, biasHh: this.biasHh },
      { mode: this.nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH', step: true, reverse: false, lengths: null, projSize: 0, resetAfter: true, recurrentActivation: 'sigmoid' },
    )[0];
  }
}

/**
 * The Elman network's cell: another name for {@link RNNCell} (same options, parameters and
 * equation `h' = act(W_ih x + b_ih + W_hh h + b_hh)`).
 *
 * Shapes: `x [batch, inputSize]`, `h [batch, hiddenSize]` → `[batch, hiddenSize]`.
 *
 * @example
 * const cell = new ElmanCell({ inputSize: 4, hiddenSize: 8 });
 */
export class ElmanCell extends RNNCell {
  protected override get cellName(): string {
    return 'ElmanCell';
  }
}
