import type { Tensor } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, definePrimitive, isGradEnabled } from '@recurrent/autograd';
import { recurrentPrimitive } from './recurrentPrimitive.js';
import { type InitOptions, checkSize, generatorOf, orthogonalBlocks, uniformParameter } from './init.js';
import { type StepInput, checkInput, checkState, dataOf, float32Of, valueOf, wrap } from './stepTools.js';

/** Options of {@link GRUCell}. */
export interface GRUCellOptions extends InitOptions {
  /** Features of the input `x`. */
  inputSize: number;
  /** Features of the hidden state `h`. */
  hiddenSize: number;
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** `true` (default): PyTorch / cuDNN, the reset gate multiplies `W_hn h + b_hn`. `false`:
   * Keras / TensorFlow.js `reset_after=False`, the reset gate multiplies `h` before `W_hn`. */
  resetAfter?: boolean;
}

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
export class GRUCell extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
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
    this.inputSize = checkSize('GRUCell', 'inputSize', options.inputSize);
    const H = (this.hiddenSize = checkSize('GRUCell', 'hiddenSize', options.hiddenSize));
    this.resetAfter = options.resetAfter ?? true;
    const generator = generatorOf(options);
    const make = (shape: number[]) => uniformParameter(shape, H, generator, options.backend);
    this.weightIh = this.registerParameter('weight_ih', make([3 * H, this.inputSize]));
    this.weightHh = this.registerParameter('weight_hh', make([3 * H, H]));
    const bias = options.bias ?? true;
    this.biasIh = this.registerParameter('bias_ih', bias ? make([3 * H]) : null);
    this.biasHh = this.registerParameter('bias_hh', bias ? make([3 * H]) : null);
    if (options.recurrentInit === 'orthogonal') orthogonalBlocks(this.weightHh.value, 3, generator);
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
