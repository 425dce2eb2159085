import * as T from '@recurrent/tensor';
import type { Differentiable, Variable } from '../variable.js';
import { one, unbroadcast, value } from './common.js';

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

/** Removes axes of size 1 (all, or the given ones). Gradient: `d x = dy` reshaped back. @example squeeze(x, 1) */
export function squeeze(x: Differentiable, axis?: number | readonly number[]): Variable {
  const v = value(x);
  return one('squeeze', x, T.squeeze(v, axis), (dy) => T.reshape(dy, v.shape));
}

/** Inserts an axis of size 1. Gradient: `d x = dy` reshaped back. @example unsqueeze(x, 0) */
export function unsqueeze(x: Differentiable, axis: number): Variable {
  const v = value(x);
  return one('unsqueeze', x, T.unsqueeze(v, axis), (dy) => T.reshape(dy, v.shape));
}

/** Merges axes `startAxis..endAxis` into one. Gradient: `d x = dy` reshaped back. @example flatten(x, 1) */
export function flatten(x: Differentiable, startAxis = 0, endAxis = -1): Variable {
  const v = value(x);
  return one('flatten', x, T.flatten(v, startAxis, endAxis), (dy) => T.reshape(dy, v.shape));
}

/**
 * Repeats size-1 axes (and adds leading axes) to reach `shape` (`-1` keeps a dimension).
 * Gradient: `d x = dy` summed over the repeated axes.
 *
 * @example expand(bias, [batch, -1])
 */
export function expand(x: Differentiable, shape: readonly number[]): Variable {
  const v = value(x);
  return one('expand', x, T.expand(v, shape), (dy) => unbroadcast(dy, v.shape));
}

/** NumPy's `broadcast_to`. Gradient: `d x = dy` summed over the broadcast axes. @example broadcastTo(x, [3, 2]) */
export function broadcastTo(x: Differentiable, shape: readonly number[]): Variable {
  const v = value(x);
  return one('broadcastTo', x, T.broadcastTo(v, shape), (dy) => unbroadcast(dy, v.shape));
}

/** Reverses elements along axes. Gradient: `d x = flip(dy)` along the same axes. @example flip(x, 0) */
export function flip(x: Differentiable, axis: number | readonly number[]): Variable {
  return one('flip', x, T.flip(value(x), axis), (dy) => T.flip(dy, axis));
}

/**
 * Converts to another dtype. Gradient: `d x = dy` converted back; a cast to `int32` is **not
 * differentiable** (no gradient flows through it).
 *
 * @example cast(x, 'float64')
 */
export function cast(x: Differentiable, dtype: T.DType): Variable {
  const v = value(x);
  return one('cast', x, T.cast(v, dtype), (dy) => (dtype === 'int32' || !T.isFloat(v.dtype) ? null : T.cast(dy, v.dtype)));
}

/** A copy with its own storage. Gradient: `d x = dy`. @example clone(x) */
export function clone(x: Differentiable): Variable {
  return one('clone', x, T.clone(value(x)), (dy) => dy);
}
