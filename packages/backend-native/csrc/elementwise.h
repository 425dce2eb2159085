/* Op codes shared by the elementwise binding (elementwiseBinding.c) and its kernels, in the
 * order of @recurrent/tensor's unaryOps / binaryOps / reduceOps lists. */
#ifndef RECURRENT_ELEMENTWISE_H
#define RECURRENT_ELEMENTWISE_H
#include <stddef.h>

enum { U_NEG, U_ABS, U_EXP, U_LOG, U_LOG1P, U_EXPM1, U_SQRT, U_RSQRT, U_SQUARE, U_RECIPROCAL, U_TANH, U_SIGMOID, U_RELU,
       U_SOFTPLUS, U_SIGN, U_SIN, U_COS, U_FLOOR, U_CEIL, U_ROUND };
enum { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE };
enum { R_SUM, R_PROD, R_MAX, R_MIN, R_LOGSUMEXP };

#define DECLARE_EW(SUFFIX, ISANAME, REALT)                                                                                   \
  int ew_unary_##SUFFIX##_##ISANAME(int op, const REALT *x, REALT *out, size_t n);                                          \
  void ew_affine_##SUFFIX##_##ISANAME(const REALT *x, double scale, double shift, REALT *out, size_t n);                    \
  void ew_clamp_##SUFFIX##_##ISANAME(const REALT *x, double low, double high, REALT *out, size_t n);                        \
  int ew_binary_##SUFFIX##_##ISANAME(int op, const REALT *a, ptrdiff_t sa0, ptrdiff_t sa1, const REALT *b, ptrdiff_t sb0,   \
                                     ptrdiff_t sb1, REALT *out, size_t outer, size_t inner);                                \
  int ew_reduce_##SUFFIX##_##ISANAME(int op, const REALT *x, size_t outer, size_t length, size_t inner, REALT *out, double *acc); \
  void ew_softmax_rows_##SUFFIX##_##ISANAME(const REALT *x, size_t outer, size_t length, int logarithm, REALT *out);

DECLARE_EW(f32, scalar, float)
DECLARE_EW(f32, avx2, float)
DECLARE_EW(f32, avx512, float)
DECLARE_EW(f64, scalar, double)
DECLARE_EW(f64, avx2, double)
DECLARE_EW(f64, avx512, double)

#endif
