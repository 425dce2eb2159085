/* The recurrence kernels compiled for scalar (dispatched at load from the CPU's features). */

#define FN(name) name##_scalar
#include "recurrenceImpl.h"
