import { type Shape, fail, formatShape, normalizeAxes, normalizeAxis, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkInteger, checkTensor } from '../internal/check.js';
import { empty } from './creation.js';

/**
 * The same elements in another shape, sharing storage. One dimension may be `-1` (inferred).
 *
 * Shapes: `x: [...]` → `shape` (same number of elements).
 *
 * @example reshape(arange(6), [2, -1]).shape; // [2, 3]
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  checkTensor('reshape', x);
  if (!Array.isArray(shape as unknown)) fail('reshape', 'a shape (array of integers)', typeof shape);
  const inferred = shape.filter((d) => d === -1).length;
  if (inferred > 1) fail('reshape', 'at most one -1', formatShape(shape));
  let resolved = [...shape];
  if (inferred === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) fail('reshape', `a shape with ${x.size} elements`, formatShape(shape));
    resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  }
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    fail('reshape', `a shape with ${x.size} elements (from ${formatShape(x.shape)})`, formatShape(shape));
  }
  return new Tensor(x.data, resolved, x.backend);
}

/**
 * Reorders axes: `out.shape[i] = x.shape[axes[i]]` (a copy through the `copy` kernel, or shared
 * storage when only axes of size 1 move, which leaves the element order as it was).
 *
 * @example permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  checkTensor('permute', x);
  if (axes.length !== x.rank) fail('permute', `${x.rank} axes`, `[${axes.join(', ')}]`);
  const resolved = axes.map((axis) => normalizeAxis('permute', axis, x.rank));
  if (new Set(resolved).size !== resolved.length) fail('permute', 'a permutation of the axes', `[${axes.join(', ')}]`);
  const strides = stridesOf(x.shape);
  const shape = resolved.map((axis) => x.shape[axis]);
  // Moving only axes of size 1 keeps the element order: share storage as reshape does.
  const moved = resolved.filter((axis) => x.shape[axis] !== 1);
  if (moved.every((axis, i) => i === 0 || axis > moved[i - 1])) return new Tensor(x.data, shape, x.backend);
  const out = empty(shape, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.copy({ data: x.data, offset: 0, strides: resolved.map((axis) => strides[axis]) }, out.data, shape);
  return out;
}

/**
 * Swaps two axes (default: the last two). A tensor of rank below 2 is returned as is.
 *
 * @example transpose(zeros([2, 3, 4]), 0, 1).shape; // [3, 2, 4]
 */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  checkTensor('transpose', x);
  if (x.rank < 2) return x;
  const a = normalizeAxis('transpose', axis0, x.rank);
  const b = normalizeAxis('transpose', axis1, x.rank);
  const axes = Array.from({ length: x.rank }, (_, i) => i);
  axes[a] = b;
  axes[b] = a;
  return permute(x, axes);
}

/**
 * Removes axes of size 1, sharing storage: all of them, or the given ones (as in PyTorch, a
 * given axis whose size is not 1 is left in place).
 *
 * @example squeeze(zeros([2, 1, 3, 1])).shape; // [2, 3]
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  checkTensor('squeeze', x);
  const axes = axis === undefined ? null : normalizeAxes('squeeze', axis, x.rank);
  const shape = x.shape.filter((d, i) => !(d === 1 && (axes === null || axes.includes(i))));
  return new Tensor(x.data, shape, x.backend);
}

/**
 * Inserts an axis of size 1 at `axis` (in `[-rank - 1, rank]`), sharing storage.
 *
 * @example unsqueeze(zeros([2, 3]), -1).shape; // [2, 3, 1]
 */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor('unsqueeze', x);
  checkInteger('unsqueeze', axis, 'axis');
  const resolved = axis < 0 ? axis + x.rank + 1 : axis;
  if (resolved < 0 || resolved > x.rank) fail('unsqueeze', `an axis in [${-x.rank - 1}, ${x.rank}]`, String(axis));
  const shape = [...x.shape];
  shape.splice(resolved, 0, 1);
  return new Tensor(x.data, shape, x.backend);
}

/**
 * Merges axes `startAxis..endAxis` (inclusive) into one, sharing storage. A scalar becomes `[1]`.
 *
 * @example flatten(zeros([2, 3, 4]), 1).shape; // [2, 12]
 */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  checkTensor('flatten', x);
  if (x.rank === 0) return new Tensor(x.data, [1], x.backend);
  const start = normalizeAxis('flatten', startAxis, x.rank);
  const end = normalizeAxis('flatten', endAxis, x.rank);
  if (start > end) fail('flatten', 'startAxis ≤ endAxis', `${startAxis} and ${endAxis}`);
  const shape = [...x.shape.slice(0, start), sizeOf(x.shape.slice(start, end + 1)), ...x.shape.slice(end + 1)];
  return new Tensor(x.data, shape, x.backend);
}

/**
 * Repeats axes of size 1 (and adds leading axes) to reach `shape`, as PyTorch's `expand`;
 * `-1` keeps a dimension. The result is a contiguous copy.
 *
 * Shapes: `x: [..., 1, d]` → `shape`, e.g. `[3, 1] → [2, 3, 4]`.
 *
 * @example expand(tensor([[1], [2]]), [2, 3]).toArray(); // [[1, 1, 1], [2, 2, 2]]
 */
export function expand(x: Tensor, shape: Shape): Tensor {
  return expandAs('expand', x, shape, true);
}

/**
 * NumPy's `broadcast_to`: `x` read with broadcasting rules at `shape` (a contiguous copy).
 *
 * @example broadcastTo(tensor([1, 2]), [3, 2]).shape; // [3, 2]
 */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  return expandAs('broadcastTo', x, shape, false);
}

function expandAs(op: string, x: Tensor, shape: Shape, allowKeep: boolean): Tensor {
  checkTensor(op, x);
  if (!Array.isArray(shape as unknown)) fail(op, 'a shape (array of integers)', typeof shape);
  const offset = shape.length - x.rank;
  if (offset < 0) fail(op, `a shape of rank ≥ ${x.rank} for input ${formatShape(x.shape)}`, formatShape(shape));
  const own = stridesOf(x.shape);
  const resolved = new Array<number>(shape.length);
  const strides = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const target = shape[i];
    const source = i < offset ? undefined : x.shape[i - offset];
    const size = allowKeep && target === -1 && source !== undefined ? source : target;
    if (!Number.isInteger(size) || size < 0 || (source !== undefined && source !== 1 && source !== size)) {
      fail(op, `a shape that ${formatShape(x.shape)} broadcasts to`, formatShape(shape));
    }
    resolved[i] = size;
    if (source !== undefined && source !== 1) strides[i] = own[i - offset];
  }
  const out = empty(resolved, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.copy({ data: x.data, offset: 0, strides }, out.data, resolved);
  return out;
}

/**
 * Reverses the order of elements along the given axes.
 *
 * @example flip(tensor([[1, 2], [3, 4]]), 1).toArray(); // [[2, 1], [4, 3]]
 */
export function flip(x: Tensor, axis: number | readonly number[]): Tensor {
  checkTensor('flip', x);
  const axes = normalizeAxes('flip', axis, x.rank).filter((a) => a < x.rank);
  const strides = stridesOf(x.shape);
  let offset = 0;
  for (const a of axes) {
    if (x.shape[a] > 0) offset += (x.shape[a] - 1) * strides[a];
    strides[a] = -strides[a];
  }
  const out = empty(x.shape, { dtype: x.dtype, backend: x.backend });
  if (out.size > 0) x.backend.kernels.copy({ data: x.data, offset, strides }, out.data, x.shape);
  return out;
}
