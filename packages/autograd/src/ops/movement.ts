import * as T from '@recurrent/tensor';
import type { Differentiable, Variable } from '../variable.js';
import { one, value } from './common.js';

/** The same elements in another shape (one dimension may be `-1`). Gradient: `d x = dy` reshaped back. @example reshape(x, [2, -1]) */
export function reshape(x: Differentiable, shape: readonly number[]): Variable {
  const v = value(x);
  return one('reshape', x, T.reshape(v, shape), (dy) => T.reshape(dy, v.shape));
}

/** Swaps two axes (default the last two). Gradient: `d x = dy` with the same axes swapped back. @example transpose(x, 0, 1) */
export function transpose(x: Differentiable, axis0 = -2, axis1 = -1): Variable {
  return one('transpose', x, T.transpose(value(x), axis0, axis1), (dy) => T.transpose(dy, axis0, axis1));
}

/**
 * Reorders axes: `out.shape[i] = x.shape[axes[i]]`. Gradient: `d x = dy` permuted by the inverse
 * permutation.
 *
 * @example permute(x, [1, 0, 2])
 */
export function permute(x: Differentiable, axes: readonly number[]): Variable {
  const v = value(x);
  const out = T.permute(v, axes);
  const resolved = axes.map((axis) => T.normalizeAxis('permute', axis, v.rank));
  const inverse = resolved.map((_, i) => resolved.indexOf(i));
  return one('permute', x, out, (dy) => T.permute(dy, inverse));
}
