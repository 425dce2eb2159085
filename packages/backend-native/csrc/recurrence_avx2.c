/* The recurrence kernels compiled for avx2 (dispatched at load from the CPU's features), with the
 * gate activations on vecmathAvx2.h's eight-lane loops. */
#pragma GCC target("avx2,fma")
#include "vecmath.h"
#include "vecmathAvx2.h"
#define TANH_SPAN(x, out, n) tanh_array8(x, out, n)
#define SIGMOID_SPAN(x, out, n) sigmoid_array8(x, out, n)
#define FN(name) name##_avx2
#include "recurrenceImpl.h"
