import { fail, formatShape, normalizeAxis, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor, describe } from '../internal/check.js';
import { clone } from './cast.js';
import { empty } from './creation.js';
import { axisLayout } from './reduce.js';

/** Indices as an Int32Array, checked to lie in `[0, size)`. */
function checkedIndices(op: string, indices: Tensor | readonly number[], size: number, axis: number): Int32Array {
  let values: Int32Array;
  if (indices instanceof Tensor) {
    if (indices.dtype !== 'int32') fail(op, 'int32 indices', `${indices.dtype} indices`);
    if (indices.rank > 1) fail(op, 'indices of rank 0 or 1', `shape ${formatShape(indices.shape)}`);
    values = indices.data as Int32Array;
  } else if (Array.isArray(indices)) {
    values = Int32Array.from(indices);
    indices.forEach((v, j) => {
      if (!Number.isInteger(v)) fail(op, 'integer indices', `${String(v)} at position ${j}`);
    });
  } else {
    return fail(op, 'indices as an int32 Tensor or an array of integers', describe(indices));
  }
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (v < 0 || v >= size) fail(op, `indices in [0, ${size - 1}] for axis ${axis} of size ${size}`, `${v} at position ${j}`);
  }
  return values;
}

/**
 * Picks positions of one axis, as PyTorch's `index_select`: `out[…, j, …] = x[…, indices[j], …]`.
 * Indices are int32 (a tensor of rank ≤ 1, or an array), each in `[0, size)`.
 *
 * Shapes: `x: [a, n, b]`, `indices: [k]`, `axis = 1` → `[a, k, b]`.
 *
 * @example indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, [2, 0]).toArray(); // [[5, 6], [1, 2]]
 */
export function indexSelect(x: Tensor, axis: number, indices: Tensor | readonly number[]): Tensor {
  checkTensor('indexSelect', x);
  if (x.rank === 0) fail('indexSelect', 'a tensor of rank ≥ 1', 'a scalar');
  const resolved = normalizeAxis('indexSelect', axis, x.rank);
  const values = checkedIndices('indexSelect', indices, x.shape[resolved], resolved);
  const shape = [...x.shape];
  shape[resolved] = values.length;
  const out = empty(shape, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.gather(x.data, axisLayout(x.shape, resolved), values, out.data);
  return out;
}

/**
 * Adds `source` into the positions `indices` of one axis of a copy of `x`, as PyTorch's
 * `index_add` (repeated indices accumulate). It is the adjoint of {@link indexSelect}.
 *
 * Shapes: `x: [a, n, b]`, `indices: [k]`, `source: [a, k, b]` → `[a, n, b]`.
 *
 * @example indexAdd(zeros([3]), 0, [0, 0, 2], tensor([1, 2, 3])).toArray(); // [3, 0, 3]
 */
export function indexAdd(x: Tensor, axis: number, indices: Tensor | readonly number[], source: Tensor): Tensor {
  checkTensor('indexAdd', x);
  checkTensor('indexAdd', source, 'source');
  if (x.rank === 0) fail('indexAdd', 'a tensor of rank ≥ 1', 'a scalar');
  const resolved = normalizeAxis('indexAdd', axis, x.rank);
  const values = checkedIndices('indexAdd', indices, x.shape[resolved], resolved);
  const expected = [...x.shape];
  expected[resolved] = values.length;
  if (source.rank !== expected.length || !source.shape.every((d, i) => d === expected[i])) {
    fail('indexAdd', `source of shape ${formatShape(expected)}`, formatShape(source.shape));
  }
  if (source.dtype !== x.dtype) fail('indexAdd', `source of dtype ${x.dtype}`, source.dtype);
  const out = clone(x);
  x.backend.kernels.scatterAdd(source.data, axisLayout(x.shape, resolved), values, out.data);
  return out;
}

/**
 * PyTorch's `gather`: along `axis`, each output element reads the position its index names,
 * `out[i][j][k] = x[i][index[i][j][k]][k]` for `axis = 1`. `index` is int32 with the rank of `x`
 * and sizes no larger than `x`'s on the other axes; the result has `index`'s shape.
 *
 * @example gather(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 0], [1, 0]], { dtype: 'int32' })).toArray();
 * // [[1, 1], [4, 3]]
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  checkTensor('gather', x);
  checkTensor('gather', index, 'index');
  if (index.dtype !== 'int32') fail('gather', 'an int32 index', `${index.dtype} index`);
  const resolved = normalizeAxis('gather', axis, x.rank);
  const rank = Math.max(x.rank, 1);
  const xShape = x.rank === 0 ? [1] : x.shape;
  const indexShape = index.rank === 0 ? [1] : index.shape;
  if (indexShape.length !== rank || indexShape.some((d, i) => i !== resolved && d > xShape[i])) {
    fail('gather', `an index of rank ${x.rank} no larger than ${formatShape(x.shape)} off axis ${resolved}`, formatShape(index.shape));
  }
  // The flat position of every output element, then one gather over the flattened input.
  const strides = stridesOf(xShape);
  const size = xShape[resolved];
  const flat = new Int32Array(index.size);
  const counter = new Array<number>(rank).fill(0);
  for (let p = 0; p < index.size; p++) {
    const v = index.data[p];
    if (v < 0 || v >= size) fail('gather', `indices in [0, ${size - 1}] for axis ${resolved}`, `${v} at flat position ${p}`);
    let position = 0;
    for (let a = 0; a < rank; a++) position += (a === resolved ? v : counter[a]) * strides[a];
    flat[p] = position;
    for (let a = rank - 1; a >= 0; a--) {
      if (++counter[a] < indexShape[a]) break;
      counter[a] = 0;
    }
  }
  const out = empty(index.shape, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.gather(x.data, { outer: 1, length: x.size, inner: 1 }, flat, out.data);
  return out;
}
