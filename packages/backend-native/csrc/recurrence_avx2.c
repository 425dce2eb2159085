/* The recurrence kernels compiled for avx2 (dispatched at load from the CPU's features). */
#pragma GCC target("avx2,fma")
#define FN(name) name##_avx2
#include "recurrenceImpl.h"
