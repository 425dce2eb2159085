import { Variable } from '@recurrent/autograd';
import { checkOptions, describeValue, option } from '@recurrent/tensor';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite (default false, as PyTorch). */
  errorIfNonfinite?: boolean;
}

/**
 * Rescales gradients so that their joint norm is at most `maxNorm`, in place, as PyTorch's
 * `clip_grad_norm_`:
 *
 * ```
 * total = ‖(g₁, …, gₙ)‖_P          (all gradients as one vector; P = ∞: max |g|)
 * g ← g · min(1, maxNorm / (total + 1e-6))
 * ```
 *
 * Parameters without a gradient are skipped. Returns `total`, the norm before clipping.
 *
 * @example
 * const norm = clipGradNorm(model.parameters(), 1.0);
 */
export function clipGradNorm(parameters: Iterable<Variable>, maxNorm: number, normType: number = 2, options: ClipGradNormOptions = {}): number {
  checkOptions('clipGradNorm', options, { errorIfNonfinite: option.boolean });
  if (!(typeof maxNorm === 'number' && maxNorm >= 0)) throw new Error(`clipGradNorm: expected maxNorm ≥ 0, got ${describeValue(maxNorm)}`);
  if (!(typeof normType === 'number' && normType > 0)) throw new Error(`clipGradNorm: expected a norm type > 0 (2, 1 or Infinity), got ${describeValue(normType)}`);
  const gradients = parameterList('clipGradNorm', parameters).flatMap((p) => (p.grad ? [p.grad.data] : []));
  let total = 0;
  if (normType === Infinity) {
    for (const g of gradients) for (let i = 0; i < g.length; i++) total = Math.max(total, Math.abs(g[i]));
  } else {
    for (const g of gradients) {
      if (normType === 2) for (let i = 0; i < g.length; i++) total += g[i] * g[i];
      else if (normType === 1) for (let i = 0; i < g.length; i++) total += Math.abs(g[i]);
      else for (let i = 0; i < g.length; i++) total += Math.abs(g[i]) ** normType;
    }
    total = normType === 1 ? total : total ** (1 / normType);
  }
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(`clipGradNorm: expected a finite total norm of the gradients, got ${total}`);
  }
  const coefficient = Math.min(1, maxNorm / (total + 1e-6));
  if (coefficient < 1) for (const g of gradients) for (let i = 0; i < g.length; i++) g[i] *= coefficient;
  return total;
}

/** The parameters as a list, or one error naming the function when they are not an iterable of variables. */
function parameterList(name: string, parameters: unknown): Variable[] {
  const list = parameters !== null && typeof (parameters as Iterable<unknown>)?.[Symbol.iterator] === 'function' && typeof parameters !== 'string' ? [...(parameters as Iterable<unknown>)] : null;
  const stray = list?.findIndex((p) => !(p instanceof Variable)) ?? -1;
  if (list === null || stray >= 0) throw new Error(`${name}: expected parameters (an iterable of Variables), got ${list === null ? describeValue(parameters) : `${describeValue(list[stray])} at index ${stray}`}`);
  return list as Variable[];
}

/**
 * Clamps every gradient entry to `[−clipValue, clipValue]`, in place, as PyTorch's
 * `clip_grad_value_`. Parameters without a gradient are skipped.
 *
 * @example
 * clipGradValue(model.parameters(), 0.5);
 */
export function clipGradValue(parameters: Iterable<Variable>, clipValue: number): void {
  if (!(typeof clipValue === 'number' && clipValue >= 0)) throw new Error(`clipGradValue: expected clipValue ≥ 0, got ${describeValue(clipValue)}`);
  for (const p of parameterList('clipGradValue', parameters)) {
    const g = p.grad?.data;
    if (!g) continue;
    for (let i = 0; i < g.length; i++) {
      if (g[i] > clipValue) g[i] = clipValue;
      else if (g[i] < -clipValue) g[i] = -clipValue;
    }
  }
}
