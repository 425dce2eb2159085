import { type Tensor, checkOptions, fail, option } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, definePrimitive, isGradEnabled } from '@recurrent/autograd';
import { recurrentPrimitive } from './recurrentPrimitive.js';
import { orthogonalBlocks } from './init.js';
import { type CellConfig, type CellOptions, type CellStepResult, type RecurrentCell, cellSchema } from './cell.js';
import { drawParameters, zeroStates } from './internal/drawParameters.js';
import { type StepInput, float32Of, valueOf } from './stepTools.js';
import { checkInput, checkState } from './internal/checks.js';

/** Options of {@link LSTMCell}. */
export interface LSTMCellOptions extends CellOptions {
  /** Project `h` to this many features with `weight_hr` (LSTMP; 0, the default, for none). */
  projSize?: number;
  /** Peephole connections from the cell state into the gates (Gers & Schmidhuber, 2000). */
  peephole?: boolean;
  /** Start the forget gate's bias at 1 (`bias_ih` forget block 1, `bias_hh` forget block 0). */
  unitForgetBias?: boolean;
}

const lstmCellSchema = { ...cellSchema, projSize: option.integer({ min: 0 }), peephole: option.boolean, unitForgetBias: option.boolean };

/** An LSTM state: hidden `h [batch, H_out]` and cell `c [batch, hiddenSize]`. */
export interface LSTMState {
  h: Variable;
  c: Variable;
}

/** An initial LSTM state given by the caller (variables or plain tensors). */
export interface LSTMStateInput {
  h: StepInput;
  c: StepInput;
}

/**
 * A long short-term memory cell (Hochreiter & Schmidhuber, 1997), one time step, exactly as
 * PyTorch's `nn.LSTMCell` (with `projSize`, as `nn.LSTM`'s LSTMP projection). Gates are stacked
 * in the order `i, f, g, o` along the rows of `weight_ih` and `weight_hh`:
 *
 * ```
 * i = σ(W_ii x + b_ii + W_hi h + b_hi)
 * f = σ(W_if x + b_if + W_hf h + b_hf)
 * g = tanh(W_ig x + b_ig + W_hg h + b_hg)
 * o = σ(W_io x + b_io + W_ho h + b_ho)
 * c' = f ⊙ c + i ⊙ g
 * h' = o ⊙ tanh(c')                 (projSize > 0:  h' = W_hr (o ⊙ tanh(c')))
 * ```
 *
 * With `peephole: true` the gates also see the cell state through diagonal weights
 * `weight_ci`, `weight_cf`, `weight_co` (`[hiddenSize]` each):
 *
 * ```
 * i = σ(W_ii x + W_hi h + w_ci ⊙ c + b_i)
 * f = σ(W_if x + W_hf h + w_cf ⊙ c + b_f)
 * c' = f ⊙ c + i ⊙ g
 * o = σ(W_io x + W_ho h + w_co ⊙ c' + b_o)
 * h' = o ⊙ tanh(c')
 * ```
 *
 * Each step is one fused primitive: both gate products through the backend's `gemm`, the gate
 * arithmetic in one pass, and a hand-written backward.
 *
 * Parameters (state-dict order): `weight_ih [4H, inputSize]`, `weight_hh [4H, H_out]`,
 * `bias_ih [4H]`, `bias_hh [4H]`, `weight_hr [projSize, H]` (projection only), then
 * `weight_ci`, `weight_cf`, `weight_co` (peephole only); `H_out = projSize || hiddenSize`.
 *
 * Shapes:
 * - `x`: `[batch, inputSize]`
 * - `state.h`: `[batch, H_out]`, `state.c`: `[batch, hiddenSize]` (zeros when omitted)
 * - returns `{ h: [batch, H_out], c: [batch, hiddenSize] }`
 *
 * @example
 * import { randn, Generator } from '@recurrent/tensor';
 * const cell = new LSTMCell({ inputSize: 10, hiddenSize: 20 });
 * let state = cell.forward(randn([3, 10], new Generator(1)));
 * state = cell.forward(randn([3, 10], new Generator(2)), state);
 * state.h.shape; // [3, 20]
 */
export class LSTMCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** `H_out = projSize || hiddenSize`. */
  readonly outputSize: number;
  /** `[H_out, hiddenSize]`: the state is `[h, c]`. */
  readonly stateSizes: readonly number[];
  readonly bias: boolean;
  readonly unitForgetBias: boolean;
  readonly recurrentInit: 'uniform' | 'orthogonal';
  readonly projSize: number;
  readonly peephole: boolean;
  /** `weight_ih [4·hiddenSize, inputSize]`, gates `i, f, g, o`. */
  readonly weightIh: Parameter;
  /** `weight_hh [4·hiddenSize, H_out]`. */
  readonly weightHh: Parameter;
  /** `bias_ih [4·hiddenSize]` or null. */
  readonly biasIh: Parameter | null;
  /** `bias_hh [4·hiddenSize]` or null (kept apart so PyTorch checkpoints load one-to-one). */
  readonly biasHh: Parameter | null;
  /** `weight_hr [projSize, hiddenSize]` or null. */
  readonly weightHr: Parameter | null;
  /** Peephole weights `weight_ci`, `weight_cf`, `weight_co` (`[hiddenSize]` each) or null. */
  readonly peepholeWeights: [Parameter, Parameter, Parameter] | null;

  constructor(options: LSTMCellOptions) {
    super();
    checkOptions('LSTMCell', options, lstmCellSchema, ['inputSize', 'hiddenSize']);
    this.inputSize = options.inputSize;
    const H = (this.hiddenSize = options.hiddenSize);
    this.projSize = options.projSize ?? 0;
    if (this.projSize >= H) fail('LSTMCell', `projSize smaller than hiddenSize ${H}`, String(this.projSize));
    this.peephole = options.peephole ?? false;
    this.unitForgetBias = options.unitForgetBias ?? false;
    this.recurrentInit = options.recurrentInit ?? 'uniform';
    const width = this.projSize || H;
    this.outputSize = width;
    this.stateSizes = [width, H];
    const { draw: make, bias, generator } = drawParameters(options, H, 'LSTMCell');
    this.bias = bias;
    this.weightIh = this.registerParameter('weight_ih', make([4 * H, this.inputSize]));
    this.weightHh = this.registerParameter('weight_hh', make([4 * H, width]));
    this.biasIh = this.registerParameter('bias_ih', bias ? make([4 * H]) : null);
    this.biasHh = this.registerParameter('bias_hh', bias ? make([4 * H]) : null);
    this.weightHr = this.projSize > 0 ? this.registerParameter('weight_hr', make([this.projSize, H])) : null;
    this.peepholeWeights = this.peephole
      ? [this.registerParameter('weight_ci', make([H])), this.registerParameter('weight_cf', make([H])), this.registerParameter('weight_co', make([H]))]
      : null;
    if (this.recurrentInit === 'orthogonal') orthogonalBlocks(this.weightHh.value, 4, generator);
    if (this.unitForgetBias && this.biasIh && this.biasHh) {
      this.biasIh.value.data.fill(1, H, 2 * H);
      this.biasHh.value.data.fill(0, H, 2 * H);
    }
  }

  /** One step: the new state `{ h, c }` from `x [batch, inputSize]` and the previous state. */
  forward(x: StepInput, state?: LSTMStateInput | null): LSTMState {
    const value = valueOf(x);
    const batch = checkInput('LSTMCell', value, this.inputSize);
    float32Of('LSTMCell', 'input', value);
    if (state) {
      checkState('LSTMCell', 'h', valueOf(state.h), batch, this.projSize || this.hiddenSize);
      checkState('LSTMCell', 'c', valueOf(state.c), batch, this.hiddenSize);
    }
    const [weightCi, weightCf, weightCo] = this.peepholeWeights ?? [null, null, null];
    const [h, c] = recurrentPrimitive(
      {
        x, h0: state?.h, c0: state?.c, weightIh: this.weightIh, weightHh: this.weightHh, biasIh: this.biasIh, biasHh: this.biasHh,
        weightHr: this.weightHr, weightCi, weightCf, weightCo,
      },
      { mode: 'LSTM', step: true, reverse: false, lengths: null, projSize: this.projSize, resetAfter: true, recurrentActivation: 'sigmoid' },
    );
    return { h, c };
  }

  /** Zeros `[batch, H_out]` and `[batch, hiddenSize]`: the state `[h, c]` of a first step. */
  initialState(batch: number): Tensor[] {
    return zeroStates(this.weightIh.value, batch, this.stateSizes, 'LSTMCell');
  }

  /** One step of the cell contract: state `[h, c]` → `{ output: h', state: [h', c'] }`. */
  step(x: StepInput, state?: readonly StepInput[] | null, _time = 0): CellStepResult {
    const { h, c } = this.forward(x, state ? { h: state[0], c: state[1] } : null);
    return { output: h, state: [h, c] };
  }

  /** The options as plain JSON. */
  config(): CellConfig {
    return {
      inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias, projSize: this.projSize, peephole: this.peephole,
      unitForgetBias: this.unitForgetBias, recurrentInit: this.recurrentInit,
    };
  }
}
