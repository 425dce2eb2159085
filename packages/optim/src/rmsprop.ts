import type { Variable } from '@recurrent/autograd';
import { type FloatArray, option } from '@recurrent/tensor';
import { type OptimizerOptions, type OptimizerRules, type ParamGroup, type ParamGroupOptions, type ParameterState, Optimizer, buffer, lrRule } from './optimizer.js';

/** Options of {@link RMSprop} (PyTorch's, in TS casing). */
export interface RMSpropOptions extends OptimizerOptions {
  /** Learning rate γ (default 1e-2). */
  lr?: number;
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** ε added outside the square root (default 1e-8). */
  eps?: number;
  /** L2 penalty λ (default 0). */
  weightDecay?: number;
  /** Momentum μ (default 0). */
  momentum?: number;
  /** Normalise by the centred second moment, an estimate of the variance (default false). */
  centered?: boolean;
}

/**
 * RMSprop (Hinton), as PyTorch's `torch.optim.RMSprop` (no bias correction):
 *
 * ```
 * g ← g + λ·p
 * v ← α·v + (1 − α)·g²
 * centered: ḡ ← α·ḡ + (1 − α)·g ;  d = √(v − ḡ²) + ε     else  d = √v + ε
 * μ > 0:  b ← μ·b + g/d ;  p ← p − γ·b                    else  p ← p − γ·g/d
 * ```
 *
 * State: `step`, `square_avg`, `momentum_buffer` (μ > 0), `grad_avg` (centered).
 *
 * @example
 * const optimizer = new RMSprop(model.parameters(), { lr: 1e-2, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(parameters: Iterable<Variable | ParamGroupOptions<RMSpropOptions>>, options: RMSpropOptions = {}) {
    super('RMSprop', parameters, options, rmspropRules);
  }

  protected initialState(p: FloatArray, group: ParamGroup<RMSpropOptions>): ParameterState {
    const state: ParameterState = { step: 0, square_avg: buffer(p) };
    if (group.momentum > 0) state.momentum_buffer = buffer(p);
    if (group.centered) state.grad_avg = buffer(p);
    return state;
  }

  protected update(p: FloatArray, g: FloatArray, state: ParameterState, group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay: lambda, momentum: mu } = group;
    state.step = (state.step as number) + 1;
    const v = state.square_avg as FloatArray;
    const mean = state.grad_avg as FloatArray | undefined;
    const b = state.momentum_buffer as FloatArray | undefined;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + lambda * p[i];
      v[i] = alpha * v[i] + (1 - alpha) * gi * gi;
      let d: number;
      if (mean) {
        mean[i] = alpha * mean[i] + (1 - alpha) * gi;
        d = Math.sqrt(v[i] - mean[i] * mean[i]) + eps;
      } else {
        d = Math.sqrt(v[i]) + eps;
      }
      if (b) {
        b[i] = mu * b[i] + gi / d;
        p[i] -= lr * b[i];
      } else {
        p[i] -= (lr * gi) / d;
      }
    }
  }
}

const rmspropRules: OptimizerRules<RMSpropOptions> = {
  schema: {
    lr: lrRule,
    alpha: option.number({ min: 0 }),
    eps: option.number({ min: 0 }),
    weightDecay: option.number({ min: 0 }),
    momentum: option.number({ min: 0 }),
    centered: option.boolean,
  },
  defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false },
};
