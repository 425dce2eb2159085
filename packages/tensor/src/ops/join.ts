import { promoteTypes } from '../dtype.js';
import { fail, formatShape, normalizeAxis, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkInteger, checkTensor, describe } from '../internal/check.js';
import { cast } from './cast.js';
import { empty } from './creation.js';
import { unsqueeze } from './movement.js';
import { axisLayout } from './reduce.js';
import { narrow } from './slice.js';

/**
 * Joins tensors along an existing axis. All inputs have the same rank and the same sizes on the
 * other axes; dtypes are promoted (float64 over float32 over int32). Empty inputs are allowed.
 *
 * Shapes: `[a, n1, b]`, `[a, n2, b]`, … → `[a, n1 + n2 + …, b]`.
 *
 * @example concat([zeros([2, 3]), ones([1, 3])], 0).shape; // [3, 3]
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) fail('concat', 'a non-empty array of tensors', describe(tensors));
  tensors.forEach((t, i) => checkTensor('concat', t, `tensors[${i}]`));
  const first = tensors[0];
  const resolved = normalizeAxis('concat', axis, first.rank);
  if (first.rank === 0) fail('concat', 'tensors of rank ≥ 1', 'scalars');
  let dtype = first.dtype;
  let total = 0;
  for (const t of tensors) {
    const same = t.rank === first.rank && t.shape.every((d, i) => i === resolved || d === first.shape[i]);
    if (!same) {
      fail('concat', `shapes equal except on axis ${resolved}`, tensors.map((u) => formatShape(u.shape)).join(', '));
    }
    dtype = promoteTypes(dtype, t.dtype);
    total += t.shape[resolved];
  }
  const shape = [...first.shape];
  shape[resolved] = total;
  const out = empty(shape, { dtype, backend: first.backend });
  const layout = axisLayout(shape, resolved);
  if (layout.outer === 1) {
    // Each input fills one run of the storage (joining on the first axis, or after axes of size
    // 1, as the final states of stacked layers): the copy kernel writes that run in place.
    let offset = 0;
    for (const t of tensors) {
      const source = t.dtype === dtype ? t : cast(t, dtype);
      const run = out.data.subarray(offset, offset + source.size);
      if (run.length > 0) first.backend.kernels.copy({ data: source.data, offset: 0, strides: stridesOf(source.shape) }, run, source.shape);
      offset += source.size;
    }
    return out;
  }
  // Each input is added into its rows of a buffer of −0, and −0 + v = v for every v (±0, NaN and
  // ±∞ included), so the scatterAdd kernel places the values exactly.
  if (dtype !== 'int32') out.data.fill(-0);
  let start = 0;
  for (const t of tensors) {
    const length = t.shape[resolved];
    const indices = new Int32Array(length);
    for (let j = 0; j < length; j++) indices[j] = start + j;
    const source = t.dtype === dtype ? t : cast(t, dtype);
    first.backend.kernels.scatterAdd(source.data, layout, indices, out.data);
    start += length;
  }
  return out;
}

/**
 * Joins tensors of one shape along a new axis (in `[-rank - 1, rank]`).
 *
 * Shapes: `n` tensors of `[a, b]` with `axis = 1` → `[a, n, b]`.
 *
 * @example stack([zeros([2, 3]), ones([2, 3])], 1).shape; // [2, 2, 3]
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) fail('stack', 'a non-empty array of tensors', describe(tensors));
  tensors.forEach((t, i) => checkTensor('stack', t, `tensors[${i}]`));
  const first = tensors[0];
  for (const t of tensors) {
    if (t.rank !== first.rank || !t.shape.every((d, i) => d === first.shape[i])) {
      fail('stack', 'tensors of one shape', tensors.map((u) => formatShape(u.shape)).join(', '));
    }
  }
  checkInteger('stack', axis, 'axis');
  if (axis < -first.rank - 1 || axis > first.rank) fail('stack', `an axis in [${-first.rank - 1}, ${first.rank}]`, String(axis));
  return concat(tensors.map((t) => unsqueeze(t, axis)), axis < 0 ? axis + first.rank + 1 : axis);
}

/**
 * Splits along an axis, as PyTorch's `split`: a number gives pieces of that size (the last may be
 * smaller), a list gives pieces of exactly those sizes (they must add up to the axis size).
 * Pieces that are contiguous runs of storage share it.
 *
 * @example split(arange(5), 2).map((t) => t.shape[0]);      // [2, 2, 1]
 * @example split(arange(5), [1, 4]).map((t) => t.shape[0]); // [1, 4]
 */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('split', x);
  const resolved = normalizeAxis('split', axis, x.rank);
  if (x.rank === 0) fail('split', 'a tensor of rank ≥ 1', 'a scalar');
  const size = x.shape[resolved];
  let pieces: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) fail('split', 'a positive integer size', describe(sizes));
    pieces = [];
    for (let start = 0; start < size; start += sizes) pieces.push(Math.min(sizes, size - start));
    if (size === 0) pieces.push(0);
  } else {
    if (!Array.isArray(sizes as unknown) || !sizes.every((s) => Number.isInteger(s) && s >= 0)) {
      fail('split', 'a positive integer or a list of non-negative integers', describe(sizes));
    }
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum !== size) fail('split', `sizes adding up to ${size} (axis ${resolved} of ${formatShape(x.shape)})`, `[${sizes.join(', ')}] (sum ${sum})`);
    pieces = [...sizes];
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const length of pieces) {
    out.push(narrow(x, resolved, start, length));
    start += length;
  }
  return out;
}

/**
 * Splits into `chunks` pieces of `ceil(size / chunks)` along an axis, as PyTorch's `chunk`
 * (fewer pieces when the size does not fill them all).
 *
 * @example chunk(zeros([4, 6]), 3, 1).map((t) => t.shape); // [[4, 2], [4, 2], [4, 2]]
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  checkTensor('chunk', x);
  if (!Number.isInteger(chunks) || chunks <= 0) fail('chunk', 'a positive integer number of chunks', describe(chunks));
  const resolved = normalizeAxis('chunk', axis, x.rank);
  if (x.rank === 0) fail('chunk', 'a tensor of rank ≥ 1', 'a scalar');
  const size = x.shape[resolved];
  return split(x, Math.max(1, Math.ceil(size / chunks)), resolved);
}
