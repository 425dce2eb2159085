/* The elementwise kernels compiled for this instruction set (chosen per backend at run time). */
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,fma,prefer-vector-width=512")
#include "vecmath.h"
#include "vecmathAvx512.h"
#define ISA avx512
/* the width of the vector-extension loops (row max and min) */
#define VBYTES 64

#define REAL float
#define MASKINT int32_t
#define SFX f32
#define EXP(v) exp_f(v)
#define TANH(v) tanh_signed_f(v)
#define SIGMOID(v) logistic_f(v)
#define SQRT(v) sqrtf(v)
/* the intrinsic loops of vecmathAvx512.h for float32 */
#define EXP_ARRAY(x, out, n) exp_array16(x, out, n)
#define TANH_ARRAY(x, out, n) tanh_array16(x, out, n)
#define SIGMOID_ARRAY(x, out, n) sigmoid_array16(x, out, n)
#define SUM_EXP(row, length, m, store, summand) sum_exp16(row, length, m, store, summand)
#define ROW_MAX(row, length, nan) row_max16(row, length, nan)
#include "elementwiseImpl.h"
#undef EXP_ARRAY
#undef TANH_ARRAY
#undef SIGMOID_ARRAY
#undef SUM_EXP
#undef ROW_MAX
#undef REAL
#undef MASKINT
#undef VLANES
#undef SFX
#undef EXP
#undef TANH
#undef SIGMOID
#undef SQRT

/* float64: libm's exp and tanh (correctly rounded enough for gradient checks), not vectorised */
static inline double sigmoid_d(double v) { return v >= 0 ? 1.0 / (1.0 + exp(-v)) : exp(v) / (1.0 + exp(v)); }
#define REAL double
#define MASKINT int64_t
#define SFX f64
#define EXP(v) exp(v)
#define TANH(v) tanh(v)
#define SIGMOID(v) sigmoid_d(v)
#define SQRT(v) sqrt(v)
#include "elementwiseImpl.h"
