/* The recurrence kernels compiled for avx512 (dispatched at load from the CPU's features). */
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,fma,prefer-vector-width=512")
#define FN(name) name##_avx512
#include "recurrenceImpl.h"
