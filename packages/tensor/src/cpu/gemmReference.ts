import type { GemmArgs } from '../backend.js';

/**
 * The plain-loop matrix product that defines `gemm`: `C ← alpha·op(A)·op(B) + beta·C`.
 * It is the oracle for the fast kernels and the fallback where WebAssembly is missing.
 * Loop order i-p-j keeps the inner loop contiguous in `B` and `C` when `B` is not transposed.
 */
export function gemmReference(args: GemmArgs): void {
  const { transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc } = args;
  for (let i = 0; i < m; i++) {
    const row = cOffset + i * ldc;
    if (beta === 0) for (let j = 0; j < n; j++) c[row + j] = 0;
    else if (beta !== 1) for (let j = 0; j < n; j++) c[row + j] *= beta;
  }
  if (k === 0 || alpha === 0) return;
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const row = cOffset + i * ldc;
      for (let p = 0; p < k; p++) {
        const av = alpha * (transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p]);
        const brow = bOffset + p * ldb;
        for (let j = 0; j < n; j++) c[row + j] += av * b[brow + j];
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const row = cOffset + i * ldc;
      for (let j = 0; j < n; j++) {
        const brow = bOffset + j * ldb;
        let acc = 0;
        if (transA) for (let p = 0; p < k; p++) acc += a[aOffset + p * lda + i] * b[brow + p];
        else for (let p = 0, q = aOffset + i * lda; p < k; p++, q++) acc += a[q] * b[brow + p];
        c[row + j] += alpha * acc;
      }
    }
  }
}
