import type { GemmArgs } from '../backend.js';

/**
 * The plain-loop matrix product that defines `gemm`: `C ← alpha·op(A)·op(B) + beta·C`, BLAS
 * semantics (`beta = 0` ignores what `C` held, NaN included; `alpha = 0` or `k = 0` reads neither
 * `A` nor `B`). Each row of the product is accumulated in float64 before one rounding into `C`, so
 * it is the oracle the fast kernels are measured against (and the fallback of last resort).
 * Loop order i-p-j keeps the inner loop contiguous in `B` when `B` is not transposed.
 *
 * @example
 * const c = new Float32Array(1);
 * gemmReference({ transA: false, transB: false, m: 1, n: 1, k: 2, alpha: 1, a: new Float32Array([1, 2]), aOffset: 0, lda: 2,
 *   b: new Float32Array([3, 4]), bOffset: 0, ldb: 1, beta: 0, c, cOffset: 0, ldc: 1 }); // c[0] = 11
 */
export function gemmReference(args: GemmArgs): void {
  const { transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc } = args;
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const cRow = cOffset + i * ldc;
    row.fill(0);
    if (k > 0 && alpha !== 0) {
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
        if (transB) for (let j = 0, q = bOffset + p; j < n; j++, q += ldb) row[j] += av * b[q];
        else for (let j = 0, q = bOffset + p * ldb; j < n; j++, q++) row[j] += av * b[q];
      }
    }
    for (let j = 0; j < n; j++) {
      const product = alpha === 0 || k === 0 ? 0 : alpha * row[j];
      c[cRow + j] = beta === 0 ? product : product + beta * c[cRow + j];
    }
  }
}
