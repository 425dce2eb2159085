import type { AxisLayout, ReduceOp } from '../backend.js';
import { isFloat } from '../dtype.js';
import { type Shape, fail, formatShape, normalizeAxes, normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { affine } from './elementwise.js';
import { cast } from './cast.js';
import { empty } from './creation.js';
import { checkTensor } from '../internal/check.js';

/** Axes to reduce over (all when absent) and whether to keep them as size-1 axes. */
export interface ReduceOptions {
  axis?: number | readonly number[];
  keepDims?: boolean;
}

/** Views `shape` as `[outer, shape[axis], inner]`. */
export function axisLayout(shape: Shape, axis: number): AxisLayout {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, length: shape[axis] ?? 1, inner };
}

function reduceWith(op: ReduceOp, name: string, x: Tensor, options: ReduceOptions): Tensor {
  checkTensor(name, x);
  const axes = normalizeAxes(name, options.axis, x.rank);
  if ((op === 'max' || op === 'min') && axes.some((axis) => x.shape[axis] === 0)) {
    fail(name, 'non-empty axes to reduce', `shape ${formatShape(x.shape)}`);
  }
  const dtype = isFloat(x.dtype) || op === 'max' || op === 'min' ? x.dtype : 'float32';
  const shape = x.shape.map((d, axis) => (axes.includes(axis) ? 1 : d));
  if (axes.length === 0) return cast(x, dtype);
  // Neighbouring axes that are both reduced (or both kept) merge into one, so reducing all axes,
  // or [batch, time] of [batch, time, features], is a single pass of the kernel.
  const merged: number[] = [];
  const reduced: boolean[] = [];
  x.shape.forEach((d, axis) => {
    const isReduced = axes.includes(axis);
    if (merged.length > 0 && reduced[reduced.length - 1] === isReduced) merged[merged.length - 1] *= d;
    else {
      merged.push(d);
      reduced.push(isReduced);
    }
  });
  let current = x;
  // Reduce the highest axis first so the lower axes keep their positions.
  for (let axis = merged.length - 1; axis >= 0; axis--) {
    if (!reduced[axis]) continue;
    const layout = axisLayout(merged, axis);
    merged[axis] = 1;
    const out = empty(merged, { dtype, backend: x.backend });
    x.backend.kernels.reduce(op, current.data, layout, out.data);
    current = out;
  }
  const finalShape = options.keepDims ? shape : shape.filter((_, axis) => !axes.includes(axis));
  return new Tensor(current.data, finalShape, x.backend);
}

/**
 * Sum over axes (all when absent); int32 sums to float32.
 *
 * Shapes: `[a, b, c]` with `axis: 1` → `[a, c]` (`[a, 1, c]` with `keepDims`).
 *
 * @example sum(ones([2, 3]), { axis: 1, keepDims: true }).toArray(); // [[3], [3]]
 */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceWith('sum', 'sum', x, options);
}

/**
 * Product over axes (1 over an empty axis).
 *
 * @example prod(tensor([[1, 2], [3, 4]]), { axis: 0 }).toArray(); // [3, 8]
 */
export function prod(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceWith('prod', 'prod', x, options);
}

/**
 * Mean over axes (NaN for an empty reduction, as PyTorch).
 *
 * @example mean(tensor([[1, 2], [3, 4]]), { axis: -1 }).toArray(); // [1.5, 3.5]
 */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  checkTensor('mean', x);
  const axes = normalizeAxes('mean', options.axis, x.rank);
  let count = 1;
  for (const axis of axes) count *= x.shape[axis];
  return affine(sum(x, options), 1 / count);
}

/**
 * Maximum over axes; NaN propagates, an empty axis is an error.
 *
 * @example max(tensor([[1, 5], [3, 4]]), { axis: 0 }).toArray(); // [3, 5]
 */
export function max(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceWith('max', 'max', x, options);
}

/**
 * Minimum over axes; NaN propagates, an empty axis is an error.
 *
 * @example min(tensor([[1, 5], [3, 4]]), { axis: 1 }).toArray(); // [1, 3]
 */
export function min(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceWith('min', 'min', x, options);
}

/**
 * `log Σ exp(x)` over axes, computed stably as `m + log Σ exp(x − m)` with `m` the maximum
 * (−∞ over an empty axis).
 *
 * @example logsumexp(tensor([1000, 1000]), { axis: 0 }).item(); // 1000 + log 2
 */
export function logsumexp(x: Tensor, options: ReduceOptions = {}): Tensor {
  return reduceWith('logsumexp', 'logsumexp', x, options);
}

function argWith(op: 'argmax' | 'argmin', x: Tensor, axis: number | undefined, keepDims: boolean): Tensor {
  checkTensor(op, x);
  if (axis === undefined) {
    if (x.size === 0) fail(op, 'a non-empty tensor', `shape ${formatShape(x.shape)}`);
    const flat = new Tensor(x.data, [x.size], x.backend);
    return argWith(op, flat, 0, false);
  }
  const resolved = normalizeAxis(op, axis, x.rank);
  if (x.shape[resolved] === 0) fail(op, `a non-empty axis ${resolved}`, `shape ${formatShape(x.shape)}`);
  const shape = [...x.shape];
  shape[resolved] = 1;
  const out = empty(shape, { dtype: 'int32', backend: x.backend });
  x.backend.kernels.argReduce(op, x.data, axisLayout(x.shape, resolved), out.data);
  return new Tensor(out.data, keepDims ? shape : shape.filter((_, i) => i !== resolved), x.backend);
}

/**
 * Index of the first largest value along an axis (of the flattened tensor when absent), as int32;
 * NaN counts as the largest.
 *
 * @example argmax(tensor([[1, 9], [4, 2]]), 1).toArray(); // [1, 0]
 */
export function argmax(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argWith('argmax', x, axis, keepDims);
}

/**
 * Index of the first smallest value along an axis (of the flattened tensor when absent), as int32;
 * NaN counts as the smallest.
 *
 * @example argmin(tensor([3, 1, 2])).item(); // 1
 */
export function argmin(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argWith('argmin', x, axis, keepDims);
}

/**
 * `softmax(x)_i = exp(x_i − m) / Σ_j exp(x_j − m)` along an axis (default: the last), `m` the
 * maximum. A row holding NaN gives NaN.
 *
 * Shapes: same as `x`.
 *
 * @example softmax(tensor([[0, 0]])).toArray(); // [[0.5, 0.5]]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor('softmax', x);
  const resolved = normalizeAxis('softmax', axis, x.rank);
  if (!isFloat(x.dtype)) fail('softmax', 'a float tensor', x.dtype);
  const out = empty(x.shape, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.softmax(x.data, axisLayout(x.shape, resolved), false, out.data);
  return out;
}

/**
 * `logSoftmax(x)_i = x_i − log Σ_j exp(x_j)` along an axis (default: the last), computed stably.
 *
 * Shapes: same as `x`.
 *
 * @example logSoftmax(tensor([0, 0])).toArray(); // [−log 2, −log 2]
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkTensor('logSoftmax', x);
  const resolved = normalizeAxis('logSoftmax', axis, x.rank);
  if (!isFloat(x.dtype)) fail('logSoftmax', 'a float tensor', x.dtype);
  const out = empty(x.shape, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.softmax(x.data, axisLayout(x.shape, resolved), true, out.data);
  return out;
}

/**
 * Inclusive cumulative sum along an axis: `out_i = Σ_{j ≤ i} x_j`.
 *
 * @example cumsum(tensor([1, 2, 3]), 0).toArray(); // [1, 3, 6]
 */
export function cumsum(x: Tensor, axis: number): Tensor {
  checkTensor('cumsum', x);
  const resolved = normalizeAxis('cumsum', axis, x.rank);
  const out = empty(x.shape, { dtype: isFloat(x.dtype) ? x.dtype : 'float32', backend: x.backend });
  x.backend.kernels.cumsum(x.data, axisLayout(x.shape, resolved), out.data);
  return out;
}
