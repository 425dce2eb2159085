/* The recurrence kernels compiled for avx512 (dispatched at load from the CPU's features), with
 * the gate activations on vecmathAvx512.h's sixteen-lane loops. */
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,fma,prefer-vector-width=512")
#include "vecmath.h"
#include "vecmathAvx512.h"
#define TANH_SPAN(x, out, n) tanh_array16(x, out, n)
#define SIGMOID_SPAN(x, out, n) sigmoid_array16(x, out, n)
#define FN(name) name##_avx512
#include "recurrenceImpl.h"
