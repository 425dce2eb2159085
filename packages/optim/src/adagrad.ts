import type { Variable } from '@recurrent/autograd';
import { type FloatArray, option } from '@recurrent/tensor';
import { type OptimizerOptions, type OptimizerRules, type ParamGroup, type ParamGroupOptions, type ParameterState, Optimizer, buffer, lrRule } from './optimizer.js';

/** Options of {@link Adagrad} (PyTorch's, in TS casing). */
export interface AdagradOptions extends OptimizerOptions {
  /** Learning rate γ (default 1e-2). */
  lr?: number;
  /** Learning-rate decay η (default 0). */
  lrDecay?: number;
  /** L2 penalty λ (default 0). */
  weightDecay?: number;
  /** Starting value s₀ of the squared-gradient sum (default 0; for the whole optimizer, not per group, as PyTorch). */
  initialAccumulatorValue?: number;
  /** ε added outside the square root (default 1e-10). */
  eps?: number;
}

/**
 * Adagrad (Duchi et al.), as PyTorch's `torch.optim.Adagrad`, with `t` this parameter's own step
 * count:
 *
 * ```
 * g ← g + λ·p
 * s ← s + g²                      (s starts at s₀)
 * p ← p − γ/(1 + (t − 1)·η) · g/(√s + ε)
 * ```
 *
 * State: `step`, `sum`.
 *
 * @example
 * const optimizer = new Adagrad(model.parameters(), { lr: 0.1, lrDecay: 0.01 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(parameters: Iterable<Variable | ParamGroupOptions<AdagradOptions>>, options: AdagradOptions = {}) {
    super('Adagrad', parameters, options, adagradRules);
  }

  protected initialState(p: FloatArray, group: ParamGroup<AdagradOptions>): ParameterState {
    return { step: 0, sum: buffer(p, group.initialAccumulatorValue) };
  }

  protected update(p: FloatArray, g: FloatArray, state: ParameterState, group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay: lambda, eps } = group;
    const t = (state.step as number) + 1;
    state.step = t;
    const s = state.sum as FloatArray;
    const rate = lr / (1 + (t - 1) * lrDecay);
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + lambda * p[i];
      s[i] += gi * gi;
      p[i] -= (rate * gi) / (Math.sqrt(s[i]) + eps);
    }
  }
}

const adagradRules: OptimizerRules<AdagradOptions> = {
  schema: {
    lr: lrRule,
    lrDecay: option.number({ min: 0 }),
    weightDecay: option.number({ min: 0 }),
    initialAccumulatorValue: option.number({ min: 0 }),
    eps: option.number({ min: 0 }),
  },
  defaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 },
  optimizerWide: ['initialAccumulatorValue'],
};
