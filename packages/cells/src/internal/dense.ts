import type { Backend, FloatArray, Tensor } from '@recurrent/tensor';
import { empty } from '@recurrent/tensor';

/** One operand of {@link gemmInto}: a storage array, where the matrix starts and its row stride. */
export interface MatrixView {
  data: FloatArray;
  offset?: number;
  /** Row stride of the stored matrix (defaults to its stored column count). */
  ld?: number;
}

/**
 * `C ← op(A)·op(B) + beta·C` through the backend's `gemm` kernel, with `op(A)` of shape `[m, k]`
 * and `op(B)` of shape `[k, n]`. Leading dimensions default to contiguous storage.
 */
export function gemmInto(
  backend: Backend,
  c: MatrixView,
  a: MatrixView,
  b: MatrixView,
  m: number,
  n: number,
  k: number,
  options: { transA?: boolean; transB?: boolean; beta?: number } = {},
): void {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  backend.kernels.gemm({
    transA,
    transB,
    m,
    n,
    k,
    alpha: 1,
    a: a.data,
    aOffset: a.offset ?? 0,
    lda: a.ld ?? (transA ? m : k),
    b: b.data,
    bOffset: b.offset ?? 0,
    ldb: b.ld ?? (transB ? k : n),
    beta: options.beta ?? 0,
    c: c.data,
    cOffset: c.offset ?? 0,
    ldc: c.ld ?? n,
  });
}

/** A zero-filled float tensor of `like`'s dtype and backend. */
export function zerosOf(like: Tensor, shape: readonly number[]): Tensor {
  return empty(shape, { dtype: like.dtype, backend: like.backend });
}

/** Adds row `bias` (length n) to every row of `out` ([rows, n]). */
export function addRowVector(out: FloatArray, bias: FloatArray, rows: number, n: number): void {
  for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < n; j++, o++) out[o] += bias[j];
}

/** Adds the column sums of `x` ([rows, n]) into `out` (length n). */
export function addColumnSums(out: FloatArray, x: FloatArray, rows: number, n: number): void {
  for (let r = 0, o = 0; r < rows; r++) for (let j = 0; j < n; j++, o++) out[j] += x[o];
}
