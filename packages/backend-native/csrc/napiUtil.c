#include "napiUtil.h"
#include <math.h>
#include <stdio.h>

napi_value throw_expected(napi_env env, const char *op, const char *expected, const char *got) {
  char message[512];
  snprintf(message, sizeof message, "%s: expected %s, got %s", op, expected, got);
  napi_throw_error(env, NULL, message);
  return NULL;
}

int get_args(napi_env env, napi_callback_info info, const char *op, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  if (argc < want) {
    char expected[64], got[64];
    snprintf(expected, sizeof expected, "%zu arguments", want);
    snprintf(got, sizeof got, "%zu", argc);
    throw_expected(env, op, expected, got);
    return 0;
  }
  return 1;
}

int get_array(napi_env env, napi_value value, const char *op, const char *name, array_t *out) {
  bool is_typed = false;
  napi_is_typedarray(env, value, &is_typed);
  if (!is_typed) {
    char expected[96];
    snprintf(expected, sizeof expected, "%s a Float32Array, Float64Array or Int32Array", name);
    throw_expected(env, op, expected, "another value");
    return 0;
  }
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, &out->length, &out->data, &buffer, &offset) != napi_ok) return 0;
  out->dtype = type == napi_float32_array ? DT_F32 : type == napi_float64_array ? DT_F64 : type == napi_int32_array ? DT_I32 : DT_OTHER;
  if (out->dtype == DT_OTHER) {
    char expected[96];
    snprintf(expected, sizeof expected, "%s a Float32Array, Float64Array or Int32Array", name);
    throw_expected(env, op, expected, "another typed array");
    return 0;
  }
  return 1;
}

int get_double(napi_env env, napi_value value, const char *op, const char *name, double *out) {
  if (napi_get_value_double(env, value, out) != napi_ok) {
    char expected[96];
    snprintf(expected, sizeof expected, "%s a number", name);
    throw_expected(env, op, expected, "another value");
    return 0;
  }
  return 1;
}

int get_size(napi_env env, napi_value value, const char *op, const char *name, int64_t *out) {
  double v;
  if (!get_double(env, value, op, name, &v)) return 0;
  if (!(v >= 0) || v != floor(v) || v > 9007199254740991.0) {
    char expected[96], got[64];
    snprintf(expected, sizeof expected, "%s a non-negative integer", name);
    snprintf(got, sizeof got, "%g", v);
    throw_expected(env, op, expected, got);
    return 0;
  }
  *out = (int64_t)v;
  return 1;
}

int get_bool(napi_env env, napi_value value, const char *op, const char *name, int *out) {
  bool b;
  if (napi_get_value_bool(env, value, &b) != napi_ok) {
    char expected[96];
    snprintf(expected, sizeof expected, "%s a boolean", name);
    throw_expected(env, op, expected, "another value");
    return 0;
  }
  *out = b;
  return 1;
}
