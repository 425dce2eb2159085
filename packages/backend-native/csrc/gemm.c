/* gemm through the system BLAS (cblas_sgemm / cblas_dgemm), reading and writing the callers'
 * typed arrays in place. The checks repeat the CPU backend's so a bad call fails the same way
 * here instead of reading past an array. */
#include <cblas.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "addon.h"

static int check_matrix(napi_env env, const char *name, const array_t *array, int64_t offset, int64_t ld, int64_t rows, int64_t columns) {
  char expected[160], got[96];
  if (ld < columns || ld > INT_MAX) {
    snprintf(expected, sizeof expected, "ld%c ≥ %lld (columns of the stored %s)", name[0] + 32, (long long)columns, name);
    snprintf(got, sizeof got, "ld%c %lld", name[0] + 32, (long long)ld);
    throw_expected(env, "gemm", expected, got);
    return 0;
  }
  int64_t end = offset + (rows - 1) * ld + columns;
  if (end > (int64_t)array->length) {
    snprintf(expected, sizeof expected, "%s [%lld, %lld] (ld%c %lld, offset %lld) inside its array of %zu", name, (long long)rows,
             (long long)columns, name[0] + 32, (long long)ld, (long long)offset, array->length);
    snprintf(got, sizeof got, "an end at %lld", (long long)end);
    throw_expected(env, "gemm", expected, got);
    return 0;
  }
  return 1;
}

/* C ← beta·C over an m×n block (alpha = 0 or k = 0: A and B are not read; beta = 0 overwrites). */
static void scale_c(array_t *c, int64_t offset, int64_t ldc, int64_t m, int64_t n, double beta) {
  for (int64_t i = 0; i < m; i++) {
    if (c->dtype == DT_F32) {
      float *row = (float *)c->data + offset + i * ldc;
      if (beta == 0) memset(row, 0, (size_t)n * sizeof(float));
      else for (int64_t j = 0; j < n; j++) row[j] = (float)(beta * row[j]);
    } else {
      double *row = (double *)c->data + offset + i * ldc;
      if (beta == 0) memset(row, 0, (size_t)n * sizeof(double));
      else for (int64_t j = 0; j < n; j++) row[j] *= beta;
    }
  }
}

/* gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, threads):
 * returns true when it ran, false when the dtypes are mixed (the caller falls back). */
napi_value native_gemm(napi_env env, napi_callback_info info) {
  napi_value argv[17];
  if (!get_args(env, info, "gemm", 17, argv)) return NULL;
  int transA, transB;
  int64_t threads, m, n, k, aOffset, lda, bOffset, ldb, cOffset, ldc;
  double alpha, beta;
  array_t a, b, c;
  if (!get_bool(env, argv[0], "gemm", "transA", &transA) || !get_bool(env, argv[1], "gemm", "transB", &transB) ||
      !get_size(env, argv[2], "gemm", "m", &m) || !get_size(env, argv[3], "gemm", "n", &n) || !get_size(env, argv[4], "gemm", "k", &k) ||
      !get_double(env, argv[5], "gemm", "alpha", &alpha) || !get_array(env, argv[6], "gemm", "a", &a) ||
      !get_size(env, argv[7], "gemm", "A offset", &aOffset) || !get_size(env, argv[8], "gemm", "lda", &lda) ||
      !get_array(env, argv[9], "gemm", "b", &b) || !get_size(env, argv[10], "gemm", "B offset", &bOffset) ||
      !get_size(env, argv[11], "gemm", "ldb", &ldb) || !get_double(env, argv[12], "gemm", "beta", &beta) ||
      !get_array(env, argv[13], "gemm", "c", &c) || !get_size(env, argv[14], "gemm", "C offset", &cOffset) ||
      !get_size(env, argv[15], "gemm", "ldc", &ldc) || !get_size(env, argv[16], "gemm", "threads", &threads)) {
    return NULL;
  }
  napi_value result;
  if (a.dtype != b.dtype || a.dtype != c.dtype || a.dtype == DT_I32) {
    napi_get_boolean(env, false, &result);
    return result;
  }
  napi_get_boolean(env, true, &result);
  if (m > INT_MAX || n > INT_MAX || k > INT_MAX) return throw_expected(env, "gemm", "m, n and k below 2^31", "larger sizes");
  if (m == 0 || n == 0) return result;
  if (!check_matrix(env, "C", &c, cOffset, ldc, m, n)) return NULL;
  if (k > 0) {
    if (!check_matrix(env, "A", &a, aOffset, lda, transA ? k : m, transA ? m : k)) return NULL;
    if (!check_matrix(env, "B", &b, bOffset, ldb, transB ? n : k, transB ? k : n)) return NULL;
  }
  if (k == 0 || alpha == 0) {
    scale_c(&c, cOffset, ldc, m, n, beta);
    return result;
  }
  use_blas_threads((int)threads);
  enum CBLAS_TRANSPOSE ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans;
  if (a.dtype == DT_F32) {
    cblas_sgemm(CblasRowMajor, ta, tb, (int)m, (int)n, (int)k, (float)alpha, (const float *)a.data + aOffset, (int)lda,
                (const float *)b.data + bOffset, (int)ldb, (float)beta, (float *)c.data + cOffset, (int)ldc);
  } else {
    cblas_dgemm(CblasRowMajor, ta, tb, (int)m, (int)n, (int)k, alpha, (const double *)a.data + aOffset, (int)lda,
                (const double *)b.data + bOffset, (int)ldb, beta, (double *)c.data + cOffset, (int)ldc);
  }
  return result;
}
