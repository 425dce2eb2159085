import { type Variable, add, div, mul, narrow, sigmoid } from '@recurrent/autograd';
import { MinCell, type MinCellOptions } from './minGRUCell.js';
import { minRnnG } from './minRnnMath.js';
import type { StepInput } from './stepTools.js';
import type { RecurrentCell } from './cell.js';

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
export class MinLSTMCell extends MinCell implements RecurrentCell {
  constructor(options: MinCellOptions) {
    super('MinLSTMCell', 3, options);
  }

  /** One step: `h_t` from `x_t` and `h_{t−1}` (zeros when absent). */
  forward(x: StepInput, h: StepInput | null = null): Variable {
    const H = this.hiddenSize;
    const { k, previous } = this.project(x, h);
    const f = sigmoid(narrow(k, 1, 0, H));
    const i = sigmoid(narrow(k, 1, H, H));
    const total = add(f, i);
    const candidate = minRnnG(narrow(k, 1, 2 * H, H));
    return add(mul(div(f, total), previous), mul(div(i, total), candidate));
  }
}
