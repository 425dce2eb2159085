import type { Strided } from '../backend.js';
import { fail, formatShape, normalizeAxis, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkInteger, checkTensor, describe } from '../internal/check.js';
import { empty, full } from './creation.js';
import { clone } from './cast.js';
import { concat } from './join.js';

/**
 * Which elements of one axis {@link slice} keeps, with PyTorch (and Python) semantics: `start`
 * (default 0) and `end` (default the size) may be negative (counted from the end) and are clamped
 * to the axis; `step` (default 1) must be positive.
 */
export interface SliceRange {
  start?: number;
  end?: number;
  step?: number;
}

/**
 * Selects a sub-block: one entry per leading axis, either a {@link SliceRange} (`null` or
 * `undefined` keep the whole axis) or an integer index, which selects that position and drops the
 * axis (negative counts from the end). Missing trailing entries keep their axes whole. When the
 * block is one contiguous run of storage (a range of the first axis, say) the result shares it.
 *
 * Shapes: `x: [d0, d1, …]` → one dimension `ceil((end − start) / step)` per kept axis.
 *
 * @example
 * const x = reshape(arange(12), [3, 4]); // [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
 * slice(x, [{ start: 1 }, { step: 2 }]).toArray(); // [[4, 6], [8, 10]]
 * slice(x, [-1]).toArray();                        // [8, 9, 10, 11]
 */
export function slice(x: Tensor, ranges: readonly (SliceRange | number | null | undefined)[]): Tensor {
  checkTensor('slice', x);
  if (!Array.isArray(ranges as unknown)) fail('slice', 'an array of ranges, one per leading axis', describe(ranges));
  if (ranges.length > x.rank) fail('slice', `at most ${x.rank} ranges for shape ${formatShape(x.shape)}`, `${ranges.length}`);
  const own = stridesOf(x.shape);
  let offset = 0;
  const shape: number[] = [];
  const strides: number[] = [];
  for (let axis = 0; axis < x.rank; axis++) {
    const range = ranges[axis];
    const size = x.shape[axis];
    if (typeof range === 'number') {
      checkInteger('slice', range, `index for axis ${axis}`);
      if (range < -size || range >= size) fail('slice', `an index in [${-size}, ${size - 1}] for axis ${axis}`, String(range));
      offset += (range < 0 ? range + size : range) * own[axis];
      continue;
    }
    if (range !== null && range !== undefined && (typeof range !== 'object' || Array.isArray(range))) {
      fail('slice', `a range { start, end, step }, an index or null for axis ${axis}`, describe(range));
    }
    for (const key of Object.keys(range ?? {})) {
      if (key !== 'start' && key !== 'end' && key !== 'step') fail('slice', `a range with start, end and step only for axis ${axis}`, `key '${key}'`);
    }
    const step = range?.step ?? 1;
    checkInteger('slice', step, `step for axis ${axis}`);
    if (step <= 0) fail('slice', `a positive step for axis ${axis}`, String(step));
    const start = clampIndex('start', range?.start ?? 0, size, axis);
    const end = clampIndex('end', range?.end ?? size, size, axis);
    const length = end > start ? Math.ceil((end - start) / step) : 0;
    shape.push(length);
    strides.push(own[axis] * step);
    if (length > 0) offset += start * own[axis];
  }
  return view(x, { data: x.data, offset, strides }, shape);
}

function clampIndex(name: string, index: number, size: number, axis: number): number {
  checkInteger('slice', index, `${name} for axis ${axis}`);
  const resolved = index < 0 ? index + size : index;
  return Math.min(Math.max(resolved, 0), size);
}

/** A strided view made concrete: shared storage when it is one contiguous run, else a copy. */
function view(x: Tensor, source: Strided, shape: number[]): Tensor {
  const size = sizeOf(shape);
  let contiguous = true;
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis] !== 1 && source.strides[axis] !== stride) contiguous = false;
    stride *= shape[axis];
  }
  if (contiguous || size === 0) {
    const start = size === 0 ? 0 : source.offset;
    return new Tensor(x.data.subarray(start, start + size), shape, x.backend);
  }
  const out = empty(shape, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.copy(source, out.data, shape);
  return out;
}

/**
 * `length` consecutive positions of one axis from `start` (negative counts from the end), as
 * PyTorch's `narrow`.
 *
 * @example narrow(zeros([5, 3]), 0, 1, 2).shape; // [2, 3]
 */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  checkTensor('narrow', x);
  const resolved = normalizeAxis('narrow', axis, x.rank);
  checkInteger('narrow', start, 'start');
  checkInteger('narrow', length, 'length');
  const size = x.shape[resolved];
  const first = start < 0 ? start + size : start;
  if (first < 0 || length < 0 || first + length > size) {
    fail('narrow', `start and length within axis ${resolved} of size ${size}`, `start ${start}, length ${length}`);
  }
  const ranges: SliceRange[] = [];
  ranges[resolved] = { start: first, end: first + length };
  return slice(x, Array.from(ranges, (range) => range ?? null));
}

/**
 * Pads with a constant: `padding[axis] = [before, after]` for every axis, outermost first
 * (unlike PyTorch's `F.pad`, which lists the last axis first).
 *
 * Shapes: `x: [d0, …]` → `[before0 + d0 + after0, …]`.
 *
 * @example pad(tensor([1, 2]), [[1, 2]], -1).toArray(); // [-1, 1, 2, -1, -1]
 */
export function pad(x: Tensor, padding: readonly (readonly [number, number])[], value = 0): Tensor {
  checkTensor('pad', x);
  if (typeof value !== 'number') fail('pad', 'a number value', describe(value));
  if (!Array.isArray(padding as unknown) || padding.length !== x.rank) {
    fail('pad', `one [before, after] pair per axis of ${formatShape(x.shape)}`, describe(padding));
  }
  let out = x;
  for (let axis = 0; axis < x.rank; axis++) {
    const pair = padding[axis];
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((w) => Number.isInteger(w) && w >= 0)) {
      fail('pad', `[before, after] non-negative integers for axis ${axis}`, JSON.stringify(pair));
    }
    const [before, after] = pair;
    if (before === 0 && after === 0) continue;
    const edge = (width: number) => {
      const shape = [...out.shape];
      shape[axis] = width;
      return full(shape, value, { dtype: x.dtype, backend: x.backend });
    };
    out = concat([edge(before), out, edge(after)], axis);
  }
  return out === x ? clone(x) : out;
}
