/* The elementwise entry points: unary, affine, clamp, binary (two collapsed axes), reduce and
 * softmax on float32 or float64 arrays, in place. Each takes the instruction set first (0 portable,
 * 1 AVX2, 2 AVX-512: the backend's choice) and the backend's thread pool last (null: one thread),
 * and returns false for what it does not take (another dtype, mixed dtypes), which the caller then
 * runs on the CPU kernels. From SPLIT_ELEMENTS elements on, the work is cut into contiguous parts
 * (element ranges, or whole rows for reductions and softmax), one per pool thread, each computed
 * exactly as one thread would: the results do not depend on the thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "addon.h"
#include "elementwise.h"
#include "threadPool.h"

/* Below this many elements one thread does it all: waking the pool (some microseconds) would
 * cost more than it saves; each part gets at least half of it. */
#define SPLIT_ELEMENTS 65536

/* The trailing `pool` argument: an external from createThreadPool, or null / undefined. */
static int get_pool(napi_env env, napi_value v, const char *op, thread_pool_t **pool) {
  napi_valuetype type;
  void *data;
  *pool = NULL;
  if (napi_typeof(env, v, &type) != napi_ok) return 0;
  if (type == napi_null || type == napi_undefined) return 1;
  if (type != napi_external || napi_get_value_external(env, v, &data) != napi_ok) {
    throw_expected(env, op, "pool a thread pool from createThreadPool, or null", "another value");
    return 0;
  }
  *pool = data;
  return 1;
}

/* fn(context, begin, end) over [0, count) in parts on the pool: `work` elements in all, part
 * bounds multiples of `align` units (a cache line of elements, so no two threads write one). */
typedef void (*range_fn)(void *context, size_t begin, size_t end);
typedef struct {
  range_fn fn;
  void *context;
  size_t count, align;
  int parts;
} split_t;

static size_t split_bound(const split_t *s, int k) {
  if (k >= s->parts) return s->count;
  size_t bound = s->count / s->parts * k + s->count % s->parts * k / s->parts;
  return bound - bound % s->align;
}

static void split_part(void *context, int k) {
  const split_t *s = context;
  size_t begin = split_bound(s, k), end = split_bound(s, k + 1);
  if (begin < end) s->fn(s->context, begin, end);
}

static void run_split(thread_pool_t *pool, size_t count, size_t work, size_t align, range_fn fn, void *context) {
  size_t parts = (size_t)pool_size(pool);
  size_t most = work / (SPLIT_ELEMENTS / 2);
  if (parts > most) parts = most;
  if (parts > count / align) parts = count / align;
  if (work < SPLIT_ELEMENTS || parts <= 1) {
    fn(context, 0, count);
    return;
  }
  split_t s = {fn, context, count, align, (int)parts};
  pool_run(pool, (int)parts, split_part, &s);
}

/* elements in 64 bytes */
static size_t line_of(dtype_t dtype) { return 64 / dtype_size(dtype); }

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

typedef struct {
  int isa, code;
  dtype_t dtype;
  void *x, *out;
  double p, q;
} unary_job_t;

static void unary_range(void *context, size_t begin, size_t end) {
  const unary_job_t *j = context;
  size_t n = end - begin;
  if (j->dtype == DT_F32) {
    const float *in = (const float *)j->x + begin;
    float *o = (float *)j->out + begin;
    if (!PICK(j->isa, ew_unary, f32)(j->code, in, o, n)) for (size_t i = 0; i < n; i++) o[i] = (float)libm_unary(j->code, in[i]);
  } else {
    const double *in = (const double *)j->x + begin;
    double *o = (double *)j->out + begin;
    if (!PICK(j->isa, ew_unary, f64)(j->code, in, o, n)) for (size_t i = 0; i < n; i++) o[i] = libm_unary(j->code, in[i]);
  }
}

/* unary(isa, op, x, out, pool) */
napi_value native_unary(napi_env env, napi_callback_info info) {
  const char *op = "unary";
  napi_value argv[5];
  int isa;
  int64_t code;
  array_t x, out;
  thread_pool_t *pool;
  if (!get_args(env, info, op, 5, argv) || !get_isa(env, argv[0], op, &isa) || !get_size(env, argv[1], op, "op", &code) ||
      !get_array(env, argv[2], op, "x", &x) || !get_array(env, argv[3], op, "out", &out) || !get_pool(env, argv[4], op, &pool)) {
    return NULL;
  }
  if (x.dtype != out.dtype || x.dtype == DT_I32 || code > U_ROUND) return boolean(env, 0);
  if (out.length < x.length) return throw_expected(env, op, "out as long as x", "a shorter out");
  unary_job_t job = {isa, (int)code, x.dtype, x.data, out.data, 0, 0};
  run_split(pool, x.length, x.length, line_of(x.dtype), unary_range, &job);
  return boolean(env, 1);
}

/* code 0: affine, 1: clamp */
static void two_numbers_range(void *context, size_t begin, size_t end) {
  const unary_job_t *j = context;
  size_t n = end - begin;
  if (j->dtype == DT_F32) {
    const float *in = (const float *)j->x + begin;
    float *o = (float *)j->out + begin;
    (j->code ? PICK(j->isa, ew_clamp, f32) : PICK(j->isa, ew_affine, f32))(in, j->p, j->q, o, n);
  } else {
    const double *in = (const double *)j->x + begin;
    double *o = (double *)j->out + begin;
    (j->code ? PICK(j->isa, ew_clamp, f64) : PICK(j->isa, ew_affine, f64))(in, j->p, j->q, o, n);
  }
}

/* affine(isa, x, scale, shift, out, pool) and clamp(isa, x, low, high, out, pool) */
static napi_value two_numbers(napi_env env, napi_callback_info info, const char *op, int clamp) {
  napi_value argv[6];
  int isa;
  double p, q;
  array_t x, out;
  thread_pool_t *pool;
  if (!get_args(env, info, op, 6, argv) || !get_isa(env, argv[0], op, &isa) || !get_array(env, argv[1], op, "x", &x) ||
      !get_double(env, argv[2], op, clamp ? "low" : "scale", &p) || !get_double(env, argv[3], op, clamp ? "high" : "shift", &q) ||
      !get_array(env, argv[4], op, "out", &out) || !get_pool(env, argv[5], op, &pool)) {
    return NULL;
  }
  if (x.dtype != out.dtype || x.dtype == DT_I32) return boolean(env, 0);
  if (out.length < x.length) return throw_expected(env, op, "out as long as x", "a shorter out");
  unary_job_t job = {isa, clamp, x.dtype, x.data, out.data, p, q};
  run_split(pool, x.length, x.length, line_of(x.dtype), two_numbers_range, &job);
  return boolean(env, 1);
}
napi_value native_affine(napi_env env, napi_callback_info info) { return two_numbers(env, info, "affine", 0); }
napi_value native_clamp(napi_env env, napi_callback_info info) { return two_numbers(env, info, "clamp", 1); }

/* Whether offset + (outer − 1)·s0 + (inner − 1)·s1 stays inside an array (strides ≥ 0). */
static int inside(const array_t *a, int64_t offset, int64_t s0, int64_t s1, int64_t outer, int64_t inner) {
  if (outer == 0 || inner == 0) return 1;
  return offset + (outer - 1) * s0 + (inner - 1) * s1 < (int64_t)a->length;
}

typedef struct {
  int isa, code;
  dtype_t dtype;
  const void *a, *b;
  void *out;
  int64_t a0, a1, b0, b1, outer, inner;
} binary_job_t;

/* rows [begin, end) of [outer, inner], or with one row its elements [begin, end) */
static void binary_range(void *context, size_t begin, size_t end) {
  const binary_job_t *j = context;
  size_t outer = (size_t)j->outer, inner = (size_t)j->inner;
  ptrdiff_t sa = j->outer > 1 ? j->a0 : j->a1, sb = j->outer > 1 ? j->b0 : j->b1;
  size_t so = j->outer > 1 ? inner : 1;
  if (j->outer > 1) outer = end - begin;
  else inner = end - begin;
  if (j->dtype == DT_F32) {
    PICK(j->isa, ew_binary, f32)(j->code, (const float *)j->a + (ptrdiff_t)begin * sa, j->a0, j->a1, (const float *)j->b + (ptrdiff_t)begin * sb,
                                 j->b0, j->b1, (float *)j->out + begin * so, outer, inner);
  } else {
    PICK(j->isa, ew_binary, f64)(j->code, (const double *)j->a + (ptrdiff_t)begin * sa, j->a0, j->a1, (const double *)j->b + (ptrdiff_t)begin * sb,
                                 j->b0, j->b1, (double *)j->out + begin * so, outer, inner);
  }
}

/* binary(isa, op, a, aOffset, a0, a1, b, bOffset, b0, b1, out, outer, inner, pool) */
napi_value native_binary(napi_env env, napi_callback_info info) {
  const char *op = "binary";
  napi_value argv[14];
  int isa;
  int64_t code, ao, a0, a1, bo, b0, b1, outer, inner;
  array_t a, b, out;
  thread_pool_t *pool;
  if (!get_args(env, info, op, 14, argv) || !get_isa(env, argv[0], op, &isa) || !get_size(env, argv[1], op, "op", &code) ||
      !get_array(env, argv[2], op, "a", &a) || !get_size(env, argv[3], op, "a offset", &ao) || !get_size(env, argv[4], op, "a stride", &a0) ||
      !get_size(env, argv[5], op, "a stride", &a1) || !get_array(env, argv[6], op, "b", &b) || !get_size(env, argv[7], op, "b offset", &bo) ||
      !get_size(env, argv[8], op, "b stride", &b0) || !get_size(env, argv[9], op, "b stride", &b1) || !get_array(env, argv[10], op, "out", &out) ||
      !get_size(env, argv[11], op, "outer", &outer) || !get_size(env, argv[12], op, "inner", &inner) || !get_pool(env, argv[13], op, &pool)) {
    return NULL;
  }
  if (a.dtype != b.dtype || a.dtype != out.dtype || a.dtype == DT_I32 || code > B_GE) return boolean(env, 0);
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
  size_t width = dtype_size(a.dtype);
  binary_job_t job = {isa, (int)code, a.dtype, (const char *)a.data + ao * width, (const char *)b.data + bo * width, out.data, a0, a1, b0, b1, outer, inner};
  /* rows as parts, or the elements of a single row (a cache line of them apart) */
  size_t count = outer > 1 ? (size_t)outer : (size_t)inner;
  run_split(pool, count, (size_t)(outer * inner), outer > 1 ? 1 : line_of(a.dtype), binary_range, &job);
  return boolean(env, 1);
}

typedef struct {
  int isa, code, logarithm;
  dtype_t dtype;
  const void *x;
  void *out;
  size_t length;
} rows_job_t;

/* rows [begin, end) of a reduction with inner = 1 */
static void reduce_range(void *context, size_t begin, size_t end) {
  const rows_job_t *j = context;
  if (j->dtype == DT_F32) PICK(j->isa, ew_reduce, f32)(j->code, (const float *)j->x + begin * j->length, end - begin, j->length, 1, (float *)j->out + begin, NULL);
  else PICK(j->isa, ew_reduce, f64)(j->code, (const double *)j->x + begin * j->length, end - begin, j->length, 1, (double *)j->out + begin, NULL);
}

static void softmax_range(void *context, size_t begin, size_t end) {
  const rows_job_t *j = context;
  size_t at = begin * j->length;
  if (j->dtype == DT_F32) PICK(j->isa, ew_softmax_rows, f32)((const float *)j->x + at, end - begin, j->length, j->logarithm, (float *)j->out + at);
  else PICK(j->isa, ew_softmax_rows, f64)((const double *)j->x + at, end - begin, j->length, j->logarithm, (double *)j->out + at);
}

/* reduce(isa, op, x, outer, length, inner, out, pool) and softmax(isa, x, outer, length, inner, log, out, pool) */
napi_value native_reduce(napi_env env, napi_callback_info info) {
  const char *op = "reduce";
  napi_value argv[8];
  int isa;
  int64_t code, outer, length, inner;
  array_t x, out;
  thread_pool_t *pool;
  if (!get_args(env, info, op, 8, argv) || !get_isa(env, argv[0], op, &isa) || !get_size(env, argv[1], op, "op", &code) ||
      !get_array(env, argv[2], op, "x", &x) || !get_size(env, argv[3], op, "outer", &outer) || !get_size(env, argv[4], op, "length", &length) ||
      !get_size(env, argv[5], op, "inner", &inner) || !get_array(env, argv[6], op, "out", &out) || !get_pool(env, argv[7], op, &pool)) {
    return NULL;
  }
  if (x.dtype != out.dtype || x.dtype == DT_I32 || length == 0 || code > R_LOGSUMEXP) return boolean(env, 0);
  if ((size_t)(outer * length * inner) > x.length || (size_t)(outer * inner) > out.length) {
    return throw_expected(env, op, "[outer, length, inner] inside x and [outer, inner] inside out", "a layout past an end");
  }
  if (inner == 1) {
    /* whole rows as parts (an output element each, which threads may share a line of: written once) */
    rows_job_t job = {isa, (int)code, 0, x.dtype, x.data, out.data, (size_t)length};
    run_split(pool, (size_t)outer, (size_t)(outer * length), 1, reduce_range, &job);
    return boolean(env, 1);
  }
  double *acc = malloc(2 * (size_t)inner * sizeof(double));
  if (!acc) return throw_expected(env, op, "memory for an accumulator row", "none");
  int done = x.dtype == DT_F32 ? PICK(isa, ew_reduce, f32)((int)code, x.data, outer, length, inner, out.data, acc)
                               : PICK(isa, ew_reduce, f64)((int)code, x.data, outer, length, inner, out.data, acc);
  free(acc);
  return boolean(env, done);
}

napi_value native_softmax(napi_env env, napi_callback_info info) {
  const char *op = "softmax";
  napi_value argv[8];
  int isa, logarithm;
  int64_t outer, length, inner;
  array_t x, out;
  thread_pool_t *pool;
  if (!get_args(env, info, op, 8, argv) || !get_isa(env, argv[0], op, &isa) || !get_array(env, argv[1], op, "x", &x) ||
      !get_size(env, argv[2], op, "outer", &outer) || !get_size(env, argv[3], op, "length", &length) ||
      !get_size(env, argv[4], op, "inner", &inner) || !get_bool(env, argv[5], op, "log", &logarithm) || !get_array(env, argv[6], op, "out", &out) ||
      !get_pool(env, argv[7], op, &pool)) {
    return NULL;
  }
  if (x.dtype != out.dtype || x.dtype == DT_I32 || inner != 1) return boolean(env, 0);
  if ((size_t)(outer * length) > x.length || (size_t)(outer * length) > out.length) {
    return throw_expected(env, op, "[outer, length] inside x and out", "a layout past an end");
  }
  rows_job_t job = {isa, 0, logarithm, x.dtype, x.data, out.data, (size_t)length};
  /* rows as parts; a part boundary inside a cache line of out only when rows are shorter than one */
  run_split(pool, (size_t)outer, (size_t)(outer * length), 1, softmax_range, &job);
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
