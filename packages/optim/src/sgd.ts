import type { Variable } from '@recurrent/autograd';
import { type FloatArray, option } from '@recurrent/tensor';
import { type OptimizerOptions, type OptimizerRules, type ParamGroup, type ParamGroupOptions, type ParameterState, Optimizer, buffer, lrRule } from './optimizer.js';

/** Options of {@link SGD} (PyTorch's, in TS casing). */
export interface SGDOptions extends OptimizerOptions {
  /** Learning rate γ (required, here or in every group). */
  lr?: number;
  /** Momentum μ (default 0). */
  momentum?: number;
  /** Dampening τ of the momentum (default 0). */
  dampening?: number;
  /** L2 penalty λ folded into the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false; needs μ > 0 and τ = 0). */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent with momentum, as PyTorch's `torch.optim.SGD`:
 *
 * ```
 * g ← g + λ·p
 * μ ≠ 0:  b ← g at the first step, else b ← μ·b + (1 − τ)·g
 *         g ← g + μ·b (nesterov)  or  g ← b
 * p ← p − γ·g
 * ```
 *
 * State: `momentum_buffer` (once a step ran with μ ≠ 0), as PyTorch's.
 *
 * @example
 * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(parameters: Iterable<Variable | ParamGroupOptions<SGDOptions>>, options: SGDOptions) {
    super('SGD', parameters, options, sgdRules);
  }

  protected initialState(): ParameterState {
    // PyTorch's SGD keeps no step count; its momentum buffer appears at the first step with μ ≠ 0
    return {};
  }

  protected update(p: FloatArray, g: FloatArray, state: ParameterState, group: ParamGroup<SGDOptions>): void {
    const { lr, momentum: mu, dampening, weightDecay: lambda, nesterov } = group;
    let b = state.momentum_buffer as FloatArray | undefined;
    const first = mu !== 0 && !b;
    if (first) b = state.momentum_buffer = buffer(p);
    for (let i = 0; i < p.length; i++) {
      let gi = g[i] + lambda * p[i];
      if (mu !== 0) {
        b![i] = first ? gi : mu * b![i] + (1 - dampening) * gi;
        gi = nesterov ? gi + mu * b![i] : b![i];
      }
      p[i] -= lr * gi;
    }
  }

  protected override optionalState(): string[] {
    return ['momentum_buffer'];
  }
}

const sgdRules: OptimizerRules<SGDOptions> = {
  schema: {
    lr: lrRule,
    momentum: option.number({ min: 0 }),
    dampening: option.number({ min: 0 }),
    weightDecay: option.number({ min: 0 }),
    nesterov: option.boolean,
  },
  defaults: { lr: Number.NaN, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false },
  check(options, where) {
    if (options.nesterov && (options.momentum <= 0 || options.dampening !== 0)) {
      throw new Error(`${where}: expected momentum > 0 and dampening 0 with nesterov, got momentum ${options.momentum} and dampening ${options.dampening}`);
    }
  },
};
