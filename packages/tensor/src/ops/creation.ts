import type { Backend } from '../backend.js';
import { cpu } from '../cpu/cpuBackend.js';
import { type DataArray, type DType, dtypeOf } from '../dtype.js';
import type { Generator } from '../random.js';
import { type Shape, checkShape, fail, formatShape, sizeOf } from '../shape.js';
import { type NestedArray, Tensor } from '../tensor.js';

/** Where a new tensor lives and what it holds. */
export interface CreationOptions {
  /** Element type (default `float32`). */
  dtype?: DType;
  /** Backend whose kernels will run on it (default: the CPU backend). */
  backend?: Backend;
}

/**
 * A zero-filled tensor made by a backend (counted in its stats). Ops use it for their results.
 *
 * @example empty([2, 3], { dtype: 'int32' }).data; // Int32Array(6) of zeros
 */
export function empty(shape: Shape, options: CreationOptions = {}): Tensor {
  checkShape('empty', shape);
  const backend = options.backend ?? cpu;
  return new Tensor(backend.allocate(options.dtype ?? 'float32', sizeOf(shape)), shape, backend);
}

/**
 * Wraps an existing storage array without copying (its dtype is the array's).
 *
 * @example fromData(new Float32Array([1, 2, 3, 4]), [2, 2]).shape; // [2, 2]
 */
export function fromData(data: DataArray, shape: Shape, options: { backend?: Backend } = {}): Tensor {
  const backend = options.backend ?? cpu;
  backend.track(data);
  return new Tensor(data, shape, backend);
}

/**
 * A tensor from nested arrays, a flat array with a shape, or a typed array (copied).
 *
 * @example
 * tensor([[1, 2], [3, 4]]).shape; // [2, 2]
 * tensor([1, 2, 3, 4], { shape: [2, 2], dtype: 'int32' });
 */
export function tensor(values: NestedArray | ArrayLike<number>, options: CreationOptions & { shape?: Shape } = {}): Tensor {
  let flat: ArrayLike<number>;
  let shape: number[];
  if (typeof values === 'number') {
    flat = [values];
    shape = [];
  } else if (ArrayBuffer.isView(values) || !Array.isArray(values) || !values.some(Array.isArray)) {
    flat = values as ArrayLike<number>;
    shape = [flat.length];
  } else {
    shape = inferShape(values);
    const collected: number[] = [];
    collect(values, shape, 0, collected);
    flat = collected;
  }
  if (options.shape) {
    checkShape('tensor', options.shape);
    if (sizeOf(options.shape) !== flat.length) fail('tensor', `${sizeOf(options.shape)} values for shape ${formatShape(options.shape)}`, `${flat.length}`);
    shape = [...options.shape];
  }
  const storage = values instanceof Float32Array || values instanceof Float64Array || values instanceof Int32Array;
  const dtype = options.dtype ?? (storage ? dtypeOf(values as DataArray) : 'float32');
  const out = empty(shape, { dtype, backend: options.backend });
  if (ArrayBuffer.isView(flat) && !(flat instanceof DataView)) {
    // typed arrays hold numbers only: one converting copy
    out.data.set(flat as unknown as ArrayLike<number>);
    return out;
  }
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number') fail('tensor', 'numbers', `${typeof v} at flat index ${i}`);
    out.data[i] = v;
  }
  return out;
}

/** Flattens a nested array, checking that every level has the inferred size. */
function collect(level: NestedArray, shape: number[], depth: number, out: number[]): void {
  if (depth === shape.length) {
    if (Array.isArray(level)) fail('tensor', `a rectangular nested array of shape ${formatShape(shape)}`, 'a ragged array');
    out.push(level as number);
    return;
  }
  if (!Array.isArray(level) || level.length !== shape[depth]) {
    fail('tensor', `a rectangular nested array of shape ${formatShape(shape)}`, `a ragged array (level ${depth})`);
  }
  for (const item of level) collect(item, shape, depth + 1, out);
}

function inferShape(values: NestedArray[]): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
    if (level === undefined) break;
  }
  return shape;
}

/**
 * A tensor filled with `value`.
 *
 * @example full([2], 7).toArray(); // [7, 7]
 */
export function full(shape: Shape, value: number, options: CreationOptions = {}): Tensor {
  const out = empty(shape, options);
  if (value !== 0) out.data.fill(value);
  return out;
}

/**
 * A tensor of zeros.
 *
 * @example zeros([2, 3], { dtype: 'float64' }).shape; // [2, 3]
 */
export function zeros(shape: Shape, options: CreationOptions = {}): Tensor {
  return empty(shape, options);
}

/**
 * A tensor of ones.
 *
 * @example ones([3]).toArray(); // [1, 1, 1]
 */
export function ones(shape: Shape, options: CreationOptions = {}): Tensor {
  return full(shape, 1, options);
}

/**
 * Zeros with another tensor's shape, dtype and backend.
 *
 * @example zerosLike(ones([2, 2])).toArray(); // [[0, 0], [0, 0]]
 */
export function zerosLike(like: Tensor, options: CreationOptions = {}): Tensor {
  return empty(like.shape, { dtype: options.dtype ?? like.dtype, backend: options.backend ?? like.backend });
}

/**
 * Ones with another tensor's shape, dtype and backend.
 *
 * @example onesLike(zeros([2])).toArray(); // [1, 1]
 */
export function onesLike(like: Tensor, options: CreationOptions = {}): Tensor {
  return full(like.shape, 1, { dtype: options.dtype ?? like.dtype, backend: options.backend ?? like.backend });
}

/**
 * `[start, start + step, …]` up to but excluding `end` (one argument: `[0, end)`), as Python's `range`.
 *
 * Shapes: `[ceil((end − start) / step)]`.
 *
 * @example arange(1, 7, 2).toArray(); // [1, 3, 5]
 */
export function arange(start: number, end?: number, step = 1, options: CreationOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (!Number.isFinite(start) || !Number.isFinite(end)) fail('arange', 'finite start and end', `${start} and ${end}`);
  if (step === 0 || !Number.isFinite(step)) fail('arange', 'a finite non-zero step', String(step));
  const count = Math.max(0, Math.ceil((end - start) / step));
  const out = empty([count], options);
  for (let i = 0; i < count; i++) out.data[i] = start + i * step;
  return out;
}

/**
 * The `n × m` identity (ones on the diagonal).
 *
 * @example eye(2).toArray(); // [[1, 0], [0, 1]]
 */
export function eye(n: number, m = n, options: CreationOptions = {}): Tensor {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) fail('eye', 'non-negative integer sizes', `${n} and ${m}`);
  const out = empty([n, m], options);
  for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
  return out;
}

/**
 * Uniform samples in `[low, high)` from a seeded generator, drawn in row-major order.
 *
 * @example uniform([2, 3], -0.1, 0.1, new Generator(0)).shape; // [2, 3]
 */
export function uniform(shape: Shape, low: number, high: number, generator: Generator, options: CreationOptions = {}): Tensor {
  if (!(high >= low)) fail('uniform', 'low ≤ high', `low ${low}, high ${high}`);
  const out = empty(shape, options);
  for (let i = 0; i < out.size; i++) out.data[i] = generator.uniformIn(low, high);
  return out;
}

/**
 * Uniform samples in `[0, 1)` from a seeded generator.
 *
 * @example rand([4], new Generator(1));
 */
export function rand(shape: Shape, generator: Generator, options: CreationOptions = {}): Tensor {
  return uniform(shape, 0, 1, generator, options);
}

/**
 * Standard normal samples from a seeded generator (Box–Muller).
 *
 * @example randn([2, 2], new Generator(1));
 */
export function randn(shape: Shape, generator: Generator, options: CreationOptions = {}): Tensor {
  const out = empty(shape, options);
  for (let i = 0; i < out.size; i++) out.data[i] = generator.normal();
  return out;
}
