/* The elementwise entry points: unary, affine, clamp, binary (two collapsed axes), reduce and
 * softmax on float32 or float64 arrays, in place. Each takes the instruction set first (0 portable,
 * 1 AVX2, 2 AVX-512: the backend's choice) and returns false for what it does not take (another
 * dtype, mixed dtypes), which the caller then runs on the CPU kernels. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "addon.h"
#include "elementwise.h"

#define PICK(isa, name, sfx) ((isa) == 2 ? name##_##sfx##_avx512 : (isa) == 1 ? name##_##sfx##_avx2 : name##_##sfx##_scalar)

static napi_value boolean(napi_env env, int value) {
  napi_value v;
  napi_get_boolean(env, value, &v);
  return v;
}

static int get_isa(napi_env env, napi_value v, const char *op, int *isa) {
  int64_t value;
  if (!get_size(env, v, op, "isa", &value)) return 0;
  *isa = value > 2 ? 2 : (int)value;
  return 1;
}

/* The unary ops whose loops call libm, computed in double as the CPU backend's Math.* calls are. */
static double libm_unary(int op, double v) {
  switch (op) {
    case U_LOG: return log(v);
    case U_LOG1P: return log1p(v);
    case U_EXPM1: return expm1(v);
    case U_SOFTPLUS: return fmax(v, 0) + log1p(exp(-fabs(v)));
    case U_SIN: return sin(v);
    case U_COS: return cos(v);
    case U_FLOOR: return floor(v);
    case U_CEIL: return ceil(v);
    case U_ROUND: return v != v ? v : nearbyint(v); /* half to even in the default rounding mode */
    default: return NAN;
  }
}

/* JavaScript's Math.pow, which differs from C's pow in two places: a NaN exponent always gives
 * NaN, and (±1)^±∞ is NaN (C gives 1 for both). */
static double js_pow(double a, double b) {
  if (b != b || ((a == 1 || a == -1) && isinf(b))) return NAN;
  return pow(a, b);
}

/* unary(isa, op, x, out) */
napi_value native_unary(napi_env env, napi_callback_info info) {
  const char *op = "unary";
  napi_value argv[4];
  int isa;
  int64_t code;
  array_t x, out;
  if (!get_args(env, info, op, 4, argv) || !get_isa(env, argv[0], op, &isa) || !get_size(env, argv[1], op, "op", &code) ||
      !get_array(env, argv[2], op, "x", &x) || !get_array(env, argv[3], op, "out", &out)) {
    return NULL;
  }
  if (x.dtype != out.dtype || x.dtype == DT_I32 || code > U_ROUND) return boolean(env, 0);
  if (out.length < x.length) return throw_expected(env, op, "out as long as x", "a shorter out");
  int done = x.dtype == DT_F32 ? PICK(isa, ew_unary, f32)((int)code, x.data, out.data, x.length)
                               : PICK(isa, ew_unary, f64)((int)code, x.data, out.data, x.length);
  if (!done) {
    if (x.dtype == DT_F32) {
      const float *in = x.data;
      float *o = out.data;
      for (size_t i = 0; i < x.length; i++) o[i] = (float)libm_unary((int)code, in[i]);
    } else {
      const double *in = x.data;
      double *o = out.data;
      for (size_t i = 0; i < x.length; i++) o[i] = libm_unary((int)code, in[i]);
    }
  }
  return boolean(env, 1);
}

/* affine(isa, x, scale, shift, out) and clamp(isa, x, low, high, out) */
static napi_value two_numbers(napi_env env, napi_callback_info info, const char *op, int clamp) {
  napi_value argv[5];
  int isa;
  double p, q;
  array_t x, out;
  if (!get_args(env, info, op, 5, argv) || !get_isa(env, argv[0], op, &isa) || !get_array(env, argv[1], op, "x", &x) ||
      !get_double(env, argv[2], op, clamp ? "low" : "scale", &p) || !get_double(env, argv[3], op, clamp ? "high" : "shift", &q) ||
      !get_array(env, argv[4], op, "out", &out)) {
    return NULL;
  }
  if (x.dtype != out.dtype || x.dtype == DT_I32) return boolean(env, 0);
  if (out.length < x.length) return throw_expected(env, op, "out as long as x", "a shorter out");
  if (x.dtype == DT_F32) (clamp ? PICK(isa, ew_clamp, f32) : PICK(isa, ew_affine, f32))(x.data, p, q, out.data, x.length);
  else (clamp ? PICK(isa, ew_clamp, f64) : PICK(isa, ew_affine, f64))(x.data, p, q, out.data, x.length);
  return boolean(env, 1);
}
napi_value native_affine(napi_env env, napi_callback_info info) { return two_numbers(env, info, "affine", 0); }
napi_value native_clamp(napi_env env, napi_callback_info info) { return two_numbers(env, info, "clamp", 1); }

/* Whether offset + (outer − 1)·s0 + (inner − 1)·s1 stays inside an array (strides ≥ 0). */
static int inside(const array_t *a, int64_t offset, int64_t s0, int64_t s1, int64_t outer, int64_t inner) {
  if (outer == 0 || inner == 0) return 1;
  return offset + (outer - 1) * s0 + (inner - 1) * s1 < (int64_t)a->length;
}

/* binary(isa, op, a, aOffset, a0, a1, b, bOffset, b0, b1, out, outer, inner) */
napi_value native_binary(napi_env env, napi_callback_info info) {
  const char *op = "binary";
  napi_value argv[13];
  int isa;
  int64_t code, ao, a0, a1, bo, b0, b1, outer, inner;
  array_t a, b, out;
  if (!get_args(env, info, op, 13, argv) || !get_isa(env, argv[0], op, &isa) || !get_size(env, argv[1], op, "op", &code) ||
      !get_array(env, argv[2], op, "a", &a) || !get_size(env, argv[3], op, "a offset", &ao) || !get_size(env, argv[4], op, "a stride", &a0) ||
      !get_size(env, argv[5], op, "a stride", &a1) || !get_array(env, argv[6], op, "b", &b) || !get_size(env, argv[7], op, "b offset", &bo) ||
      !get_size(env, argv[8], op, "b stride", &b0) || !get_size(env, argv[9], op, "b stride", &b1) || !get_array(env, argv[10], op, "out", &out) ||
      !get_size(env, argv[11], op, "outer", &outer) || !get_size(env, argv[12], op, "inner", &inner)) {
    return NULL;
  }
  if (a.dtype != b.dtype || a.dtype != out.dtype || a.dtype == DT_I32) return boolean(env, 0);
  if (!inside(&a, ao, a0, a1, outer, inner) || !inside(&b, bo, b0, b1, outer, inner) || (size_t)(outer * inner) > out.length) {
    return throw_expected(env, op, "operands inside their arrays", "a view past an end");
  }
  if (code == B_POW) {
    for (int64_t o = 0; o < outer; o++) {
      for (int64_t i = 0; i < inner; i++) {
        size_t ia = ao + o * a0 + i * a1, ib = bo + o * b0 + i * b1, io = o * inner + i;
        if (a.dtype == DT_F32) ((float *)out.data)[io] = (float)js_pow(((float *)a.data)[ia], ((float *)b.data)[ib]);
        else ((double *)out.data)[io] = js_pow(((double *)a.data)[ia], ((double *)b.data)[ib]);
      }
    }
    return boolean(env, 1);
  }
  int done = a.dtype == DT_F32
                 ? PICK(isa, ew_binary, f32)((int)code, (float *)a.data + ao, a0, a1, (float *)b.data + bo, b0, b1, out.data, outer, inner)
                 : PICK(isa, ew_binary, f64)((int)code, (double *)a.data + ao, a0, a1, (double *)b.data + bo, b0, b1, out.data, outer, inner);
  return boolean(env, done);
}

/* reduce(isa, op, x, outer, length, inner, out) and softmax(isa, x, outer, length, inner, log, out) */
napi_value native_reduce(napi_env env, napi_callback_info info) {
  const char *op = "reduce";
  napi_value argv[7];
  int isa;
  int64_t code, outer, length, inner;
  array_t x, out;
  if (!get_args(env, info, op, 7, argv) || !get_isa(env, argv[0], op, &isa) || !get_size(env, argv[1], op, "op", &code) ||
      !get_array(env, argv[2], op, "x", &x) || !get_size(env, argv[3], op, "outer", &outer) || !get_size(env, argv[4], op, "length", &length) ||
      !get_size(env, argv[5], op, "inner", &inner) || !get_array(env, argv[6], op, "out", &out)) {
    return NULL;
  }
  if (x.dtype != out.dtype || x.dtype == DT_I32 || length == 0) return boolean(env, 0);
  if ((size_t)(outer * length * inner) > x.length || (size_t)(outer * inner) > out.length) {
    return throw_expected(env, op, "[outer, length, inner] inside x and [outer, inner] inside out", "a layout past an end");
  }
  double *acc = inner > 1 ? malloc(2 * (size_t)inner * sizeof(double)) : NULL;
  if (inner > 1 && !acc) return throw_expected(env, op, "memory for an accumulator row", "none");
  int done = x.dtype == DT_F32 ? PICK(isa, ew_reduce, f32)((int)code, x.data, outer, length, inner, out.data, acc)
                               : PICK(isa, ew_reduce, f64)((int)code, x.data, outer, length, inner, out.data, acc);
  free(acc);
  return boolean(env, done);
}

napi_value native_softmax(napi_env env, napi_callback_info info) {
  const char *op = "softmax";
  napi_value argv[7];
  int isa, logarithm;
  int64_t outer, length, inner;
  array_t x, out;
  if (!get_args(env, info, op, 7, argv) || !get_isa(env, argv[0], op, &isa) || !get_array(env, argv[1], op, "x", &x) ||
      !get_size(env, argv[2], op, "outer", &outer) || !get_size(env, argv[3], op, "length", &length) ||
      !get_size(env, argv[4], op, "inner", &inner) || !get_bool(env, argv[5], op, "log", &logarithm) || !get_array(env, argv[6], op, "out", &out)) {
    return NULL;
  }
  if (x.dtype != out.dtype || x.dtype == DT_I32 || inner != 1) return boolean(env, 0);
  if ((size_t)(outer * length) > x.length || (size_t)(outer * length) > out.length) {
    return throw_expected(env, op, "[outer, length] inside x and out", "a layout past an end");
  }
  if (x.dtype == DT_F32) PICK(isa, ew_softmax_rows, f32)(x.data, outer, length, logarithm, out.data);
  else PICK(isa, ew_softmax_rows, f64)(x.data, outer, length, logarithm, out.data);
  return boolean(env, 1);
}

/* copy(source, offset, s0, s1, out, outer, inner): a strided view collapsed to two axes into
 * contiguous out (transposes, slices, broadcasts), element bits as they are, so any dtype whose
 * source and out agree; false for a cast (the CPU kernel converts). */
napi_value native_copy(napi_env env, napi_callback_info info) {
  const char *op = "copy";
  napi_value argv[7];
  int64_t offset, s0, s1, outer, inner;
  array_t x, out;
  if (!get_args(env, info, op, 7, argv) || !get_array(env, argv[0], op, "source", &x) || !get_size(env, argv[1], op, "offset", &offset) ||
      !get_size(env, argv[2], op, "stride", &s0) || !get_size(env, argv[3], op, "stride", &s1) || !get_array(env, argv[4], op, "out", &out) ||
      !get_size(env, argv[5], op, "outer", &outer) || !get_size(env, argv[6], op, "inner", &inner)) {
    return NULL;
  }
  if (x.dtype != out.dtype) return boolean(env, 0);
  if (!inside(&x, offset, s0, s1, outer, inner) || (size_t)(outer * inner) > out.length) {
    return throw_expected(env, op, "a view inside its array", "a view past an end");
  }
  if (x.dtype == DT_F64) {
    const double *src = (const double *)x.data + offset;
    double *dst = out.data;
    for (int64_t o = 0; o < outer; o++) {
      const double *row = src + o * s0;
      double *to = dst + o * inner;
      if (s1 == 1) memcpy(to, row, (size_t)inner * sizeof(double));
      else for (int64_t i = 0; i < inner; i++) to[i] = row[i * s1];
    }
  } else {
    /* float32 and int32: 32-bit words */
    const uint32_t *src = (const uint32_t *)x.data + offset;
    uint32_t *dst = out.data;
    for (int64_t o = 0; o < outer; o++) {
      const uint32_t *row = src + o * s0;
      uint32_t *to = dst + o * inner;
      if (s1 == 1) memcpy(to, row, (size_t)inner * sizeof(uint32_t));
      else for (int64_t i = 0; i < inner; i++) to[i] = row[i * s1];
    }
  }
  return boolean(env, 1);
}
