import { type Tensor, checkOptions, option } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, definePrimitive } from '@recurrent/autograd';
import { recurrentPrimitive } from './recurrentPrimitive.js';
import { orthogonalBlocks } from './init.js';
import { type CellConfig, type CellOptions, type CellStepResult, type RecurrentCell, cellSchema } from './cell.js';
import { drawParameters, zeroStates } from './internal/drawParameters.js';
import { type StepInput, float32Of, valueOf } from './stepTools.js';
import { checkInput, checkState } from './internal/checks.js';

/** Options of {@link RNNCell}. */
export interface RNNCellOptions extends CellOptions {
  /** `tanh` (default) or `relu`. */
  nonlinearity?: 'tanh' | 'relu';
}

const rnnCellSchema = { ...cellSchema, nonlinearity: option.oneOf(['tanh', 'relu']) };

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
export class RNNCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly stateSizes: readonly number[];
  readonly bias: boolean;
  readonly recurrentInit: 'uniform' | 'orthogonal';
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
    checkOptions(this.cellName, options, rnnCellSchema, ['inputSize', 'hiddenSize']);
    this.inputSize = options.inputSize;
    const H = (this.hiddenSize = options.hiddenSize);
    this.outputSize = H;
    this.stateSizes = [H];
    this.nonlinearity = options.nonlinearity ?? 'tanh';
    this.recurrentInit = options.recurrentInit ?? 'uniform';
    const { draw, bias, generator } = drawParameters(options, H, this.cellName);
    this.bias = bias;
    this.weightIh = this.registerParameter('weight_ih', draw([H, this.inputSize]));
    this.weightHh = this.registerParameter('weight_hh', draw([H, H]));
    this.biasIh = this.registerParameter('bias_ih', bias ? draw([H]) : null);
    this.biasHh = this.registerParameter('bias_hh', bias ? draw([H]) : null);
    if (this.recurrentInit === 'orthogonal') orthogonalBlocks(this.weightHh.value, 1, generator);
  }

  /** Zeros `[batch, hiddenSize]`: the state `[h]` of a first step. */
  initialState(batch: number): Tensor[] {
    return zeroStates(this.weightIh.value, batch, this.stateSizes, this.cellName);
  }

  /** One step of the cell contract: state `[h]` → `{ output: h', state: [h'] }`. */
  step(x: StepInput, state?: readonly StepInput[] | null, _time = 0): CellStepResult {
    const h = this.forward(x, state?.[0] ?? null);
    return { output: h, state: [h] };
  }

  /** The options as plain JSON. */
  config(): CellConfig {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias, nonlinearity: this.nonlinearity, recurrentInit: this.recurrentInit };
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
