/* The elementwise kernels compiled for this instruction set (chosen per backend at run time). */

#include "vecmath.h"
#define ISA scalar
/* the width of the vector-extension loops (row max and min) */
#define VBYTES 16

#define REAL float
#define MASKINT int32_t
#define SFX f32
#define EXP(v) exp_f(v)
#define TANH(v) tanh_signed_f(v)
#define SIGMOID(v) logistic_f(v)
#define SQRT(v) sqrtf(v)
#include "elementwiseImpl.h"
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
