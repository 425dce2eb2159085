import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import type { Differentiable, Variable } from '../variable.js';
import { broadcastTo, keptShape, one, value } from './common.js';

/** `dy` of a reduction, reshaped with the reduced axes kept as 1 and broadcast back over them. */
function spread(dy: Tensor, x: Tensor, options: T.ReduceOptions): Tensor {
  return broadcastTo(T.reshape(dy, keptShape(x.shape, options)), x.shape);
}

/** Sum over axes (all when absent). Gradient: `d x = dy` broadcast back over the summed axes. @example sum(x, { axis: 1 }) */
export function sum(x: Differentiable, options: T.ReduceOptions = {}): Variable {
  const v = value(x);
  return one('sum', x, T.sum(v, options), (dy) => spread(dy, v, options));
}

/**
 * Mean over axes. Gradient: `d x = dy / count`, broadcast back (scaled before the broadcast, so
 * that one pass over `x`'s size makes it).
 *
 * @example mean(x, { axis: -1, keepDims: true })
 */
export function mean(x: Differentiable, options: T.ReduceOptions = {}): Variable {
  const v = value(x);
  const out = T.mean(v, options);
  const count = v.size / Math.max(out.size, 1);
  return one('mean', x, out, (dy) => spread(T.affine(dy, 1 / count), v, options));
}

/**
 * Product over axes. Gradient: `d xᵢ = dy·Πⱼ≠ᵢ xⱼ`, computed with prefix and suffix products so
 * that zeros in `x` are exact (no division by `x`).
 *
 * @example prod(x, { axis: 0 })
 */
export function prod(x: Differentiable, options: T.ReduceOptions = {}): Variable {
  const v = value(x);
  return one('prod', x, T.prod(v, options), (dy) => {
    const axes = T.normalizeAxes('prod', options.axis, v.rank);
    const kept = v.shape.map((_, axis) => axis).filter((axis) => !axes.includes(axis));
    // View x as [groups, length] with the reduced axes last, one group per output element.
    const order = [...kept, ...axes];
    const moved = T.permute(v, order);
    const length = axes.reduce((n, axis) => n * v.shape[axis], 1);
    const groups = length === 0 ? 0 : v.size / length;
    const others = T.empty(moved.shape, { dtype: v.dtype, backend: v.backend });
    const data = moved.data;
    const out = others.data;
    for (let group = 0; group < groups; group++) {
      const base = group * length;
      let prefix = 1;
      for (let i = 0; i < length; i++) {
        out[base + i] = prefix;
        prefix *= data[base + i];
      }
      let suffix = 1;
      for (let i = length - 1; i >= 0; i--) {
        out[base + i] *= suffix;
        suffix *= data[base + i];
      }
    }
    const inverse = order.map((_, i) => order.indexOf(i));
    return T.mul(spread(dy, v, options), T.permute(others, inverse));
  });
}

function extremum(op: 'max' | 'min', x: Differentiable, options: T.ReduceOptions): Variable {
  const v = value(x);
  const out = op === 'max' ? T.max(v, options) : T.min(v, options);
  return one(op, x, out, (dy) => {
    // d x = dy / ties where x attains the extremum, else 0
    const hits = T.eq(v, T.reshape(out, keptShape(v.shape, options)));
    const ties = T.sum(hits, { axis: options.axis, keepDims: true });
    return T.mul(spread(dy, v, options), T.div(hits, ties));
  });
}

/**
 * Maximum over axes (NaN propagates). Gradient: `dy` shared evenly among the elements that attain
 * the maximum (PyTorch's `amax` rule).
 *
 * @example max(x, { axis: -1 })
 */
export function max(x: Differentiable, options: T.ReduceOptions = {}): Variable {
  return extremum('max', x, options);
}

/** Minimum over axes. Gradient: `dy` shared evenly among the elements that attain the minimum. @example min(x) */
export function min(x: Differentiable, options: T.ReduceOptions = {}): Variable {
  return extremum('min', x, options);
}

/**
 * `y = log Σ exp(x)` over axes, computed stably. Gradient: `d x = exp(x − y)·dy` (the softmax).
 *
 * @example logsumexp(x, { axis: -1 })
 */
export function logsumexp(x: Differentiable, options: T.ReduceOptions = {}): Variable {
  const v = value(x);
  const out = T.logsumexp(v, options);
  return one('logsumexp', x, out, (dy) => {
    const shape = keptShape(v.shape, options);
    return T.mul(T.exp(T.sub(v, T.reshape(out, shape))), T.reshape(dy, shape));
  });
}

/**
 * `y = exp(x) / Σ exp(x)` along an axis (default the last).
 *
 * Gradient: `d x = y·(dy − Σ dy·y)`, the sum along the axis.
 *
 * Shapes: `x` any shape, `y` the same.
 *
 * @example softmax(logits, -1)
 */
export function softmax(x: Differentiable, axis = -1): Variable {
  const y = T.softmax(value(x), axis);
  return one('softmax', x, y, (dy) => T.mul(y, T.sub(dy, T.sum(T.mul(dy, y), { axis, keepDims: true }))));
}

/**
 * `y = x − log Σ exp(x)` along an axis (default the last), computed stably.
 *
 * Gradient: `d x = dy − exp(y)·Σ dy`, the sum along the axis.
 *
 * Shapes: `x` any shape, `y` the same.
 *
 * @example logSoftmax(logits, -1)
 */
export function logSoftmax(x: Differentiable, axis = -1): Variable {
  const y = T.logSoftmax(value(x), axis);
  return one('logSoftmax', x, y, (dy) => T.sub(dy, T.mul(T.exp(y), T.sum(dy, { axis, keepDims: true }))));
}

/**
 * Inclusive cumulative sum along an axis. Gradient: `d xᵢ = Σⱼ≥ᵢ dyⱼ = Σ dy − cumsum(dy)ᵢ + dyᵢ`.
 *
 * @example cumsum(x, 0)
 */
export function cumsum(x: Differentiable, axis: number): Variable {
  const v = value(x);
  return one('cumsum', x, T.cumsum(v, axis), (dy) => T.add(T.sub(T.sum(dy, { axis, keepDims: true }), T.cumsum(dy, axis)), dy));
}
