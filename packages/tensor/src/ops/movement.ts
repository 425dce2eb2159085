import { type Shape, fail, formatShape, normalizeAxis, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { empty } from './creation.js';

/**
 * The same elements in another shape, sharing storage. One dimension may be `-1` (inferred).
 *
 * @example reshape(arange(6), [2, -1]).shape; // [2, 3]
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
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

/** Reorders axes: `out.shape[i] = x.shape[axes[i]]`. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length !== x.rank) fail('permute', `${x.rank} axes`, `[${axes.join(', ')}]`);
  const resolved = axes.map((axis) => normalizeAxis('permute', axis, x.rank));
  if (new Set(resolved).size !== resolved.length) fail('permute', 'a permutation of the axes', `[${axes.join(', ')}]`);
  const strides = stridesOf(x.shape);
  const shape = resolved.map((axis) => x.shape[axis]);
  const out = empty(shape, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.copy({ data: x.data, offset: 0, strides: resolved.map((axis) => strides[axis]) }, out.data, shape);
  return out;
}

/** Swaps two axes (default: the last two). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  if (x.rank < 2) return x;
  const a = normalizeAxis('transpose', axis0, x.rank);
  const b = normalizeAxis('transpose', axis1, x.rank);
  const axes = Array.from({ length: x.rank }, (_, i) => i);
  axes[a] = b;
  axes[b] = a;
  return permute(x, axes);
}
