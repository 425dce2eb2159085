import { type Tensor, Generator, checkOptions, fail, formatShape, zeros } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, add, div, mul, narrow, sigmoid, valueOf } from '@recurrent/autograd';
import { uniformParameter } from './init.js';
import { type MinCellOptions, minCellSchema, minProjection } from './minGRUCell.js';
import { minRnnG } from './minRnnMath.js';
import type { StepInput } from './stepTools.js';
import type { CellConfig, CellStepResult, RecurrentCell } from './cell.js';

/**
 * minLSTM (Feng et al. 2024): an LSTM reduced to input-only gates, normalised so that the
 * forget and input gates sum to 1, which makes a sequence a linear recurrence (see the `MinLSTM`
 * layer's parallel scan). Gate order `f, i, h̃` in `weight_ih`:
 *
 * ```
 * f_t = σ(W_if x_t + b_if),  i_t = σ(W_ii x_t + b_ii)
 * f'_t = f_t / (f_t + i_t),  i'_t = i_t / (f_t + i_t)
 * h̃_t = g(W_ih x_t + b_ih)           g(v) = v + ½ (v ≥ 0), σ(v) (v < 0)
 * h_t = f'_t ⊙ h_{t−1} + i'_t ⊙ h̃_t
 * ```
 *
 * This cell is the sequential definition, one step at a time. Parameters: `weight_ih [3H, I]`,
 * `bias_ih [3H]`. Shapes: `x [B, I]`, `h [B, H]` → `h' [B, H]`.
 *
 * @example
 * const cell = new MinLSTMCell({ inputSize: 8, hiddenSize: 16 });
 * const h1 = cell.forward(x0, null);
 */
export class MinLSTMCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly stateSizes: readonly number[];
  readonly bias: boolean;
  readonly weightIh: Parameter;
  readonly biasIh: Parameter | null;

  constructor(options: MinCellOptions) {
    super();
    checkOptions('MinLSTMCell', options, minCellSchema, ['inputSize', 'hiddenSize']);
    this.inputSize = options.inputSize;
    const H = (this.hiddenSize = options.hiddenSize);
    this.outputSize = H;
    this.stateSizes = [H];
    this.bias = options.bias ?? true;
    const generator = options.generator ?? new Generator(options.seed ?? 0);
    this.weightIh = this.registerParameter('weight_ih', uniformParameter([3 * H, this.inputSize], H, generator, options.backend));
    this.biasIh = this.registerParameter('bias_ih', options.bias === false ? null : uniformParameter([3 * H], H, generator, options.backend));
  }

  /** Zeros `[batch, H]`. */
  initialState(batch: number): Tensor[] {
    return [zeros([batch, this.hiddenSize], { backend: this.weightIh.value.backend })];
  }

  /** One step: `h_t` from `x_t` and `h_{t−1}` (zeros when absent). */
  forward(x: StepInput, h: StepInput | null = null): Variable {
    const H = this.hiddenSize;
    const k = minProjection('MinLSTMCell', x, this.weightIh, this.biasIh, this.inputSize);
    const batch = valueOf(x).shape[0];
    const previous = h ?? this.initialState(batch)[0];
    const shape = valueOf(previous).shape;
    if (shape.length !== 2 || shape[0] !== batch || shape[1] !== H) fail('MinLSTMCell', `h [${batch}, ${H}]`, formatShape(shape));
    const f = sigmoid(narrow(k, 1, 0, H));
    const i = sigmoid(narrow(k, 1, H, H));
    const total = add(f, i);
    const candidate = minRnnG(narrow(k, 1, 2 * H, H));
    return add(mul(div(f, total), previous), mul(div(i, total), candidate));
  }

  /** The common step interface: `{ output: h, state: [h] }`. */
  step(x: StepInput, state?: readonly StepInput[] | null, _time = 0): CellStepResult {
    const h = this.forward(x, state?.[0] ?? null);
    return { output: h, state: [h] };
  }

  /** The options as plain JSON. */
  config(): CellConfig {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias };
  }
}
