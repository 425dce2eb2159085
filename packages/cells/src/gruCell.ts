import { type Tensor, checkOptions, option } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, definePrimitive, isGradEnabled } from '@recurrent/autograd';
import { recurrentPrimitive } from './recurrentPrimitive.js';
import { orthogonalBlocks } from './init.js';
import { type CellConfig, type CellOptions, type CellStepResult, type RecurrentCell, cellSchema } from './cell.js';
import { drawParameters, zeroStates } from './internal/drawParameters.js';
import { type StepInput, float32Of, valueOf } from './stepTools.js';
import { checkInput, checkState } from './internal/checks.js';

/** Options of {@link GRUCell}. */
export interface GRUCellOptions extends CellOptions {
  /** `true` (default): PyTorch / cuDNN, the reset gate multiplies `W_hn h + b_hn`. `false`:
   * Keras / TensorFlow.js `reset_after=False`, the reset gate multiplies `h` before `W_hn`. */
  resetAfter?: boolean;
}

const gruCellSchema = { ...cellSchema, resetAfter: option.boolean };

/**
 * A gated recurrent unit (Cho et al., 2014), one time step, exactly as PyTorch's `nn.GRUCell`.
 * Gates are stacked in the order `r, z, n` along the rows of `weight_ih` and `weight_hh`:
 *
 * ```
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)
 * z = σ(W_iz x + b_iz + W_hz h + b_hz)
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))      resetAfter: true (PyTorch, cuDNN)
 * n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)      resetAfter: false (Keras, TensorFlow.js)
 * h' = (1 − z) ⊙ n + z ⊙ h
 * ```
 *
 * Each step is one fused primitive with a hand-written backward; both gate products go through the
 * backend's `gemm`.
 *
 * Parameters (state-dict order): `weight_ih [3H, inputSize]`, `weight_hh [3H, H]`, `bias_ih [3H]`,
 * `bias_hh [3H]`.
 *
 * Shapes:
 * - `x`: `[batch, inputSize]`
 * - `h`: `[batch, hiddenSize]` (zeros when omitted)
 * - returns `h'`: `[batch, hiddenSize]`
 *
 * @example
 * import { randn, Generator } from '@recurrent/tensor';
 * const cell = new GRUCell({ inputSize: 10, hiddenSize: 20 });
 * const h = cell.forward(randn([3, 10], new Generator(1)));
 * h.shape; // [3, 20]
 */
export class GRUCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly stateSizes: readonly number[];
  readonly bias: boolean;
  readonly recurrentInit: 'uniform' | 'orthogonal';
  readonly resetAfter: boolean;
  /** `weight_ih [3·hiddenSize, inputSize]`, gates `r, z, n`. */
  readonly weightIh: Parameter;
  /** `weight_hh [3·hiddenSize, hiddenSize]`. */
  readonly weightHh: Parameter;
  /** `bias_ih [3·hiddenSize]` or null. */
  readonly biasIh: Parameter | null;
  /** `bias_hh [3·hiddenSize]` or null. */
  readonly biasHh: Parameter | null;

  constructor(options: GRUCellOptions) {
    super();
    checkOptions('GRUCell', options, gruCellSchema, ['inputSize', 'hiddenSize']);
    this.inputSize = options.inputSize;
    const H = (this.hiddenSize = options.hiddenSize);
    this.outputSize = H;
    this.stateSizes = [H];
    this.resetAfter = options.resetAfter ?? true;
    this.recurrentInit = options.recurrentInit ?? 'uniform';
    const { draw, bias, generator } = drawParameters(options, H, 'GRUCell');
    this.bias = bias;
    this.weightIh = this.registerParameter('weight_ih', draw([3 * H, this.inputSize]));
    this.weightHh = this.registerParameter('weight_hh', draw([3 * H, H]));
    this.biasIh = this.registerParameter('bias_ih', bias ? draw([3 * H]) : null);
    this.biasHh = this.registerParameter('bias_hh', bias ? draw([3 * H]) : null);
    if (this.recurrentInit === 'orthogonal') orthogonalBlocks(this.weightHh.value, 3, generator);
  }

  /** Zeros `[batch, hiddenSize]`: the state `[h]` of a first step. */
  initialState(batch: number): Tensor[] {
    return zeroStates(this.weightIh.value, batch, this.stateSizes, 'GRUCell');
  }

  /** One step of the cell contract: state `[h]` → `{ output: h', state: [h'] }`. */
  step(x: StepInput, state?: readonly StepInput[] | null, _time = 0): CellStepResult {
    const h = this.forward(x, state?.[0] ?? null);
    return { output: h, state: [h] };
  }

  /** The options as plain JSON. */
  config(): CellConfig {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias, resetAfter: this.resetAfter, recurrentInit: this.recurrentInit };
  }

  /** One step: the new hidden state from `x [batch, inputSize]` and `h [batch, hiddenSize]`. */
  forward(x: StepInput, h?: StepInput | null): Variable {
    const value = valueOf(x);
    const batch = checkInput('GRUCell', value, this.inputSize);
    float32Of('GRUCell', 'input', value);
    if (h) checkState('GRUCell', 'h', valueOf(h), batch, this.hiddenSize);
    return recurrentPrimitive(
      { x, h0: h, weightIh: this.weightIh, weightHh: this.weightHh, biasIh: this.biasIh, biasHh: this.biasHh },
      { mode: 'GRU', step: true, reverse: false, lengths: null, projSize: 0, resetAfter: this.resetAfter, recurrentActivation: 'sigmoid' },
    )[0];
  }
}
