/* Small Node-API helpers shared by the addon's translation units: reading numbers, booleans and
 * typed arrays (their memory in place, never a copy) and throwing errors in the project's wording
 * ("op: expected …, got …"). */
#ifndef RECURRENT_NAPI_UTIL_H
#define RECURRENT_NAPI_UTIL_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/** Element type of a typed array the kernels take. */
typedef enum { DT_F32 = 0, DT_F64 = 1, DT_I32 = 2, DT_OTHER = 3 } dtype_t;

/** A typed array's memory: `data` points at its first element (byte offset applied). */
typedef struct {
  void *data;
  size_t length;
  dtype_t dtype;
} array_t;

/** Throws `op: expected EXPECTED, got GOT` and returns NULL for the caller to return. */
napi_value throw_expected(napi_env env, const char *op, const char *expected, const char *got);

/** Argument `index` of the call as a typed array; false (with an error thrown) otherwise. */
int get_array(napi_env env, napi_value value, const char *op, const char *name, array_t *out);
/** Argument as a double; false (with an error thrown) when it is not a number. */
int get_double(napi_env env, napi_value value, const char *op, const char *name, double *out);
/** Argument as a non-negative integer (a double holding one); false with an error otherwise. */
int get_size(napi_env env, napi_value value, const char *op, const char *name, int64_t *out);
/** Argument as a boolean; false with an error otherwise. */
int get_bool(napi_env env, napi_value value, const char *op, const char *name, int *out);

/** Reads up to `max` arguments; false (with an error thrown) when fewer than `want` came. */
int get_args(napi_env env, napi_callback_info info, const char *op, size_t want, napi_value *argv);

/** Size of one element of a dtype in bytes. */
static inline size_t dtype_size(dtype_t d) { return d == DT_F64 ? 8 : 4; }

#endif
