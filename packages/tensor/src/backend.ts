import type { DataArray, DType, DataArrayFor } from './dtype.js';

/** Elementwise functions of one tensor. */
export const unaryOps = [
  'neg', 'abs', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'square', 'reciprocal',
  'tanh', 'sigmoid', 'relu', 'softplus', 'sign', 'sin', 'cos', 'floor', 'ceil', 'round',
] as const;
/** Name of an elementwise function of one tensor. */
export type UnaryOp = (typeof unaryOps)[number];

/** Elementwise functions of two broadcast tensors. Comparisons give 1 or 0 in the result dtype. */
export const binaryOps = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
/** Name of an elementwise function of two tensors. */
export type BinaryOp = (typeof binaryOps)[number];

/** Reductions over an axis. */
export const reduceOps = ['sum', 'prod', 'max', 'min', 'logsumexp'] as const;
/** Name of a reduction. */
export type ReduceOp = (typeof reduceOps)[number];

/**
 * A strided read of a storage array: element `(i0, i1, …)` is at
 * `offset + i0·strides[0] + i1·strides[1] + …`. A stride of 0 repeats (broadcasts) an axis.
 */
export interface Strided {
  readonly data: DataArray;
  readonly offset: number;
  readonly strides: readonly number[];
}

/**
 * A tensor reduced over one axis after viewing it as `[outer, length, inner]`
 * (the axes before, the reduced axis, the axes after).
 */
export interface AxisLayout {
  readonly outer: number;
  readonly length: number;
  readonly inner: number;
}

/**
 * Arguments of a general matrix product `C ← alpha·op(A)·op(B) + beta·C` (BLAS `sgemm`), with
 * `op(A)` of shape `[m, k]` and `op(B)` of shape `[k, n]`, all row-major. With `transA`, `A` is
 * stored as `[k, m]`; with `transB`, `B` is stored as `[n, k]`. `lda`, `ldb`, `ldc` are the row
 * strides of the stored matrices; offsets index into the arrays.
 */
export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: Float32Array | Float64Array;
  aOffset: number;
  lda: number;
  b: Float32Array | Float64Array;
  bOffset: number;
  ldb: number;
  beta: number;
  c: Float32Array | Float64Array;
  cOffset: number;
  ldc: number;
  /**
   * `op(B)` already packed by this backend's {@link KernelTable.packB} from the same `b`, `bOffset`,
   * `ldb`, `transB`, `k` and `n` (with `b` unchanged since): the kernel reads the packed copy
   * instead of packing `b` again. A kernel that does not know the handle (another backend's, a
   * released one, one packed from other arguments) ignores it and reads `b`, so passing it never
   * changes a result. The recurrent layers pack `W_hh` once per sequence this way.
   */
  packedB?: PackedOperand | null;
}

/** The arguments of {@link KernelTable.packB}: the `B` side of a later {@link GemmArgs}. */
export interface PackBArgs {
  transB: boolean;
  k: number;
  n: number;
  b: Float32Array | Float64Array;
  bOffset: number;
  ldb: number;
}

/**
 * A right-hand operand packed once for many products (a recurrent weight used at every time
 * step). It holds kernel memory until {@link PackedOperand.release}; products given it after
 * that pack `b` again as usual.
 */
export interface PackedOperand {
  /** Frees the packed copy. Releasing twice does nothing. */
  release(): void;
}

/**
 * The backend spec: every kernel a backend provides. Kernels write into a preallocated `out`
 * and never call ops; ops check shapes and dtypes and never know which backend runs.
 * Implement it as a plain object: `export const myKernels = { … } satisfies KernelTable`.
 */
export interface KernelTable {
  /** `out[i] = f(x[i])`; `x` and `out` have the same length. */
  unary(op: UnaryOp, x: DataArray, out: DataArray): void;
  /** `out[i] = x[i] · scale + shift` (affine map, used by creation and scalar ops). */
  affine(x: DataArray, scale: number, shift: number, out: DataArray): void;
  /** `out = clamp(x, low, high)`, NaN kept. */
  clamp(x: DataArray, low: number, high: number, out: DataArray): void;
  /** `out[index] = f(a[index], b[index])` over `shape`, reading both operands through strides. */
  binary(op: BinaryOp, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void;
  /** `out = condition ≠ 0 ? a : b`, all three broadcast to `shape`. */
  where(condition: Strided, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void;
  /** Copies a strided view of `shape` into contiguous `out` (permute, slice, expand, flip; with
   * `out` of another dtype it is also `cast`, converting as typed arrays do). Strides may be
   * negative or 0. */
  copy(source: Strided, out: DataArray, shape: readonly number[]): void;
  /** Reduces the middle axis of `[outer, length, inner]` into `out[outer, inner]`. */
  reduce(op: ReduceOp, x: DataArray, layout: AxisLayout, out: DataArray): void;
  /** Index (as a number in `out`) of the largest (or smallest) value along the middle axis. */
  argReduce(op: 'argmax' | 'argmin', x: DataArray, layout: AxisLayout, out: DataArray): void;
  /** Softmax (or log-softmax) along the middle axis. */
  softmax(x: DataArray, layout: AxisLayout, log: boolean, out: DataArray): void;
  /** Inclusive cumulative sum along the middle axis. */
  cumsum(x: DataArray, layout: AxisLayout, out: DataArray): void;
  /** Rows `indices[j]` of the middle axis: `out[o, j, i] = x[o, indices[j], i]`. */
  gather(x: DataArray, layout: AxisLayout, indices: Int32Array, out: DataArray): void;
  /** Adds `source[o, j, i]` into `out[o, indices[j], i]` (the adjoint of gather; repeated indices
   * accumulate). Into a buffer of −0 it places values exactly, which is how concat, stack and pad
   * are built. */
  scatterAdd(source: DataArray, layout: AxisLayout, indices: Int32Array, out: DataArray): void;
  /** `C ← alpha·op(A)·op(B) + beta·C`. */
  gemm(args: GemmArgs): void;
  /**
   * Optional: packs `op(B)` once for many {@link KernelTable.gemm} calls that pass it as
   * `packedB` (null where packing would not help, for float64 or tiny operands). Callers release it
   * when done, `try … finally`.
   */
  packB?(args: PackBArgs): PackedOperand | null;
}

/** Counts of the buffers a backend has handed out, for leak tests. */
export interface BufferStats {
  /** Buffers allocated so far. */
  allocated: number;
  /**
   * Buffers allocated and not yet released, or `null` where the backend does not count them (the
   * CPU backend counts them only with `createCpuBackend({ countLive: true })`, through a
   * `FinalizationRegistry` that settles when the event loop turns).
   */
  live: number | null;
}

/**
 * A backend: a kernel table plus buffer allocation. Tensors carry the backend that made them,
 * and ops run the kernels of their first operand's backend: there is no global backend.
 */
export interface Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  /** A zero-filled buffer, counted in {@link Backend.stats}. */
  allocate<D extends DType>(dtype: D, size: number): DataArrayFor[D];
  /** Registers a buffer made elsewhere (for example by `fromArray`) so it is counted. */
  track(data: DataArray): void;
  readonly stats: BufferStats;
}
