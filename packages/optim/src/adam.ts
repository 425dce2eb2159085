import type { Variable } from '@recurrent/autograd';
import { type FloatArray, option } from '@recurrent/tensor';
import { type OptimizerOptions, type OptimizerRules, type ParamGroup, type ParamGroupOptions, type ParameterState, Optimizer, buffer, lrRule } from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW} (PyTorch's, in TS casing). */
export interface AdamOptions extends OptimizerOptions {
  /** Learning rate γ (default 1e-3). */
  lr?: number;
  /** Decay rates (β1, β2) of the moment estimates (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** ε added to the denominator, outside the square root (default 1e-8). */
  eps?: number;
  /** Weight decay λ (Adam: L2 penalty, default 0; AdamW: decoupled, default 1e-2). */
  weightDecay?: number;
  /** Use the maximum of past second moments (AMSGrad, default false). */
  amsgrad?: boolean;
}

type Filled = ParamGroup<AdamOptions>;

const isUnit = (x: unknown) => typeof x === 'number' && x >= 0 && x < 1;

function rules(weightDecay: number): OptimizerRules<AdamOptions> {
  return {
    schema: {
      lr: lrRule,
      betas: option.shaped('an array [β1, β2] of numbers in [0, 1)', (value) => Array.isArray(value) && value.length === 2 && value.every(isUnit)),
      eps: option.number({ min: 0 }),
      weightDecay: option.number({ min: 0 }),
      amsgrad: option.boolean,
    },
    defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false },
  };
}

const adamRules = rules(0);
const adamWRules = rules(1e-2);

/** The update shared by Adam and AdamW; `decoupled` selects AdamW's weight decay. */
function adamUpdate(options: Filled, decoupled: boolean, p: FloatArray, g: FloatArray, state: ParameterState): void {
  const { lr, eps, weightDecay: lambda, amsgrad } = options;
  const [beta1, beta2] = options.betas;
  const t = (state.step as number) + 1;
  state.step = t;
  const m = state.exp_avg as FloatArray;
  const v = state.exp_avg_sq as FloatArray;
  const vMax = state.max_exp_avg_sq as FloatArray | undefined;
  // p ← p − γ/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
  const stepSize = lr / (1 - beta1 ** t);
  const correction2 = Math.sqrt(1 - beta2 ** t);
  const shrink = decoupled ? 1 - lr * lambda : 1;
  const penalty = decoupled ? 0 : lambda;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] + penalty * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    let second = v[i];
    if (vMax) {
      if (v[i] > vMax[i]) vMax[i] = v[i];
      second = vMax[i];
    }
    p[i] = p[i] * shrink - (stepSize * m[i]) / (Math.sqrt(second) / correction2 + eps);
  }
}

function adamState(p: FloatArray, amsgrad: boolean): ParameterState {
  const state: ParameterState = { step: 0, exp_avg: buffer(p), exp_avg_sq: buffer(p) };
  if (amsgrad) state.max_exp_avg_sq = buffer(p);
  return state;
}

/**
 * Adam (Kingma & Ba), as PyTorch's `torch.optim.Adam`, with `t` this parameter's own step count:
 *
 * ```
 * g ← g + λ·p
 * m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
 * amsgrad: v̂ ← max(v̂, v) replaces v below
 * p ← p − γ/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 * ```
 *
 * State: `step`, `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq` (amsgrad).
 *
 * @example
 * const optimizer = new Adam(model.parameters(), { lr: 1e-3, amsgrad: true });
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(parameters: Iterable<Variable | ParamGroupOptions<AdamOptions>>, options: AdamOptions = {}) {
    super('Adam', parameters, options, adamRules);
  }

  protected initialState(p: FloatArray, group: Filled): ParameterState {
    return adamState(p, group.amsgrad);
  }

  protected update(p: FloatArray, g: FloatArray, state: ParameterState, group: Filled): void {
    adamUpdate(group, false, p, g, state);
  }
}

/**
 * AdamW (Loshchilov & Hutter), as PyTorch's `torch.optim.AdamW`: Adam with decoupled weight
 * decay, `p ← p·(1 − γ·λ)` before the Adam update (which then has no `g ← g + λ·p`).
 * Default `weightDecay` 1e-2.
 *
 * State: `step`, `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq` (amsgrad).
 *
 * @example
 * const optimizer = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(parameters: Iterable<Variable | ParamGroupOptions<AdamOptions>>, options: AdamOptions = {}) {
    super('AdamW', parameters, options, adamWRules);
  }

  protected initialState(p: FloatArray, group: Filled): ParameterState {
    return adamState(p, group.amsgrad);
  }

  protected update(p: FloatArray, g: FloatArray, state: ParameterState, group: Filled): void {
    adamUpdate(group, true, p, g, state);
  }
}
