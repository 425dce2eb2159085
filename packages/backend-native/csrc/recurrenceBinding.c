/* recurrentForward(args) / recurrentBackward(args): the whole-sequence kernels of recurrence.h
 * called from JavaScript with one object of named fields (sizes, flags, Float32Arrays read and
 * written in place). Every array's length is checked against the sizes before any kernel runs. */
#include <stdio.h>
#include <string.h>
#include "addon.h"
#include "recurrence.h"
#include "threadPool.h"

typedef const char *(*forward_fn)(const rec_forward_t *);
typedef const char *(*backward_fn)(const rec_backward_t *);

/* The kernels of the instruction set named in the call's `isa` field ('avx512', 'avx2' or
 * 'scalar'; the JavaScript side names one this CPU runs, so each backend keeps its own choice). */
static int pick_isa(napi_env env, napi_value object, const char *op, forward_fn *forward, backward_fn *backward) {
  napi_value v;
  char name[16] = {0};
  size_t length;
  if (napi_get_named_property(env, object, "isa", &v) != napi_ok || napi_get_value_string_utf8(env, v, name, sizeof name, &length) != napi_ok) {
    throw_expected(env, op, "isa 'avx512', 'avx2' or 'scalar'", "another value");
    return 0;
  }
  if (strcmp(name, "avx512") == 0) { *forward = rec_forward_avx512; *backward = rec_backward_avx512; }
  else if (strcmp(name, "avx2") == 0) { *forward = rec_forward_avx2; *backward = rec_backward_avx2; }
  else if (strcmp(name, "scalar") == 0) { *forward = rec_forward_scalar; *backward = rec_backward_scalar; }
  else {
    throw_expected(env, op, "isa 'avx512', 'avx2' or 'scalar'", name);
    return 0;
  }
  return 1;
}

static void finalize_pool(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  pool_destroy(data);
}

/* createThreadPool(threads) → an external owning a pool of `threads` participants (the calling
 * thread and threads − 1 workers), joined when the external is collected. */
napi_value native_create_thread_pool(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  int64_t threads;
  if (!get_args(env, info, "createThreadPool", 1, argv) || !get_size(env, argv[0], "createThreadPool", "threads", &threads)) return NULL;
  if (threads < 1 || threads > 1024) return throw_expected(env, "createThreadPool", "threads in [1, 1024]", "another count");
  thread_pool_t *pool = pool_create((int)threads);
  if (!pool) return throw_expected(env, "createThreadPool", "memory for its threads", "none");
  if (napi_create_external(env, pool, finalize_pool, NULL, &result) != napi_ok) {
    pool_destroy(pool);
    return throw_expected(env, "createThreadPool", "an external value", "an error");
  }
  return result;
}

/* The `pool` field: an external from createThreadPool, or null / absent (one thread). */
static int get_pool_field(napi_env env, napi_value object, const char *op, void **out) {
  napi_value v;
  napi_valuetype type;
  *out = NULL;
  if (napi_get_named_property(env, object, "pool", &v) != napi_ok) return 0;
  napi_typeof(env, v, &type);
  if (type == napi_null || type == napi_undefined) return 1;
  if (type != napi_external || napi_get_value_external(env, v, out) != napi_ok) {
    throw_expected(env, op, "pool a thread pool from createThreadPool", "another value");
    return 0;
  }
  return 1;
}

static int get_int_field(napi_env env, napi_value object, const char *op, const char *name, int *out) {
  napi_value v;
  int64_t value;
  if (napi_get_named_property(env, object, name, &v) != napi_ok || !get_size(env, v, op, name, &value)) return 0;
  if (value > 0x7fffffff) {
    throw_expected(env, op, "sizes below 2^31", name);
    return 0;
  }
  *out = (int)value;
  return 1;
}

static int get_flag_field(napi_env env, napi_value object, const char *op, const char *name, int *out) {
  napi_value v;
  return napi_get_named_property(env, object, name, &v) == napi_ok && get_bool(env, v, op, name, out);
}

/* A Float32Array field of at least `length` elements (or null / absent when `optional`). */
static int get_f32_field(napi_env env, napi_value object, const char *op, const char *name, size_t length, int optional, float **out) {
  napi_value v;
  napi_valuetype type;
  *out = NULL;
  if (napi_get_named_property(env, object, name, &v) != napi_ok) return 0;
  napi_typeof(env, v, &type);
  if (type == napi_null || type == napi_undefined) {
    if (optional) return 1;
    char expected[96];
    snprintf(expected, sizeof expected, "%s a Float32Array", name);
    throw_expected(env, op, expected, "none");
    return 0;
  }
  array_t array;
  if (!get_array(env, v, op, name, &array)) return 0;
  char expected[128], got[96];
  if (array.dtype != DT_F32) {
    snprintf(expected, sizeof expected, "%s a Float32Array", name);
    throw_expected(env, op, expected, "another typed array");
    return 0;
  }
  if (array.length < length) {
    snprintf(expected, sizeof expected, "%s of at least %zu elements", name, length);
    snprintf(got, sizeof got, "%zu", array.length);
    throw_expected(env, op, expected, got);
    return 0;
  }
  *out = array.data;
  return 1;
}

static int get_dims(napi_env env, napi_value o, const char *op, rec_dims_t *d) {
  if (!get_int_field(env, o, op, "mode", &d->mode) || !get_int_field(env, o, op, "steps", &d->T) ||
      !get_int_field(env, o, op, "batch", &d->B) || !get_int_field(env, o, op, "inputSize", &d->I) ||
      !get_int_field(env, o, op, "hiddenSize", &d->H) || !get_int_field(env, o, op, "projSize", &d->P) ||
      !get_flag_field(env, o, op, "resetAfter", &d->resetAfter) || !get_flag_field(env, o, op, "hardSigmoid", &d->hardSigmoid) ||
      !get_flag_field(env, o, op, "reverse", &d->reverse) || !get_flag_field(env, o, op, "batchFirst", &d->batchFirst)) {
    return 0;
  }
  if (d->mode > MODE_GRU || d->T < 1 || d->B < 1 || d->H < 1 || (d->P > 0 && d->mode != MODE_LSTM)) {
    throw_expected(env, op, "mode 0–3, steps, batch and hiddenSize ≥ 1, projSize only for LSTM", "other sizes");
    return 0;
  }
  d->R = d->P > 0 ? d->P : d->H;
  d->G = (d->mode == MODE_LSTM ? 4 : d->mode == MODE_GRU ? 3 : 1) * d->H;
  napi_value v;
  napi_valuetype type;
  d->lengths = NULL;
  if (napi_get_named_property(env, o, "lengths", &v) != napi_ok) return 0;
  napi_typeof(env, v, &type);
  if (type != napi_null && type != napi_undefined) {
    array_t array;
    if (!get_array(env, v, op, "lengths", &array)) return 0;
    if (array.dtype != DT_I32 || array.length < (size_t)d->B) {
      throw_expected(env, op, "lengths an Int32Array of batch elements", "another array");
      return 0;
    }
    const int32_t *lengths = array.data;
    for (int b = 0; b < d->B; b++) {
      if (lengths[b] < 1 || lengths[b] > d->T) {
        throw_expected(env, op, "lengths in [1, steps]", "a length outside");
        return 0;
      }
    }
    d->lengths = lengths;
  }
  return 1;
}

static int get_weights(napi_env env, napi_value o, const char *op, const rec_dims_t *d, rec_weights_t *w) {
  size_t G = d->G, H = d->H, I = d->I, R = d->R, P = d->P;
  float *p[8];
  if (!get_f32_field(env, o, op, "weightIh", G * I, 0, &p[0]) || !get_f32_field(env, o, op, "weightHh", G * R, 0, &p[1]) ||
      !get_f32_field(env, o, op, "biasIh", G, 1, &p[2]) || !get_f32_field(env, o, op, "biasHh", G, 1, &p[3]) ||
      !get_f32_field(env, o, op, "weightHr", P * H, P == 0, &p[4]) || !get_f32_field(env, o, op, "weightCi", H, 1, &p[5]) ||
      !get_f32_field(env, o, op, "weightCf", H, 1, &p[6]) || !get_f32_field(env, o, op, "weightCo", H, 1, &p[7])) {
    return 0;
  }
  if ((p[5] != NULL) != (p[6] != NULL) || (p[5] != NULL) != (p[7] != NULL) || (p[5] != NULL && d->mode != MODE_LSTM)) {
    throw_expected(env, op, "all three LSTM peephole weights or none", "some");
    return 0;
  }
  *w = (rec_weights_t){p[0], p[1], p[2], p[3], P > 0 ? p[4] : NULL, p[5], p[6], p[7]};
  return 1;
}

static int get_tape(napi_env env, napi_value o, const char *op, const rec_dims_t *d, rec_tape_t *tape) {
  size_t TB = (size_t)d->T * d->B, H = d->H;
  int lstm = d->mode == MODE_LSTM, gru = d->mode == MODE_GRU;
  memset(tape, 0, sizeof *tape);
  return get_f32_field(env, o, op, "gates", TB * d->G, 0, &tape->gates) && get_f32_field(env, o, op, "hPrev", TB * d->R, 0, &tape->hPrev) &&
         get_f32_field(env, o, op, "cPrev", TB * H, !lstm, &tape->cPrev) && get_f32_field(env, o, op, "cells", TB * H, !lstm, &tape->cells) &&
         get_f32_field(env, o, op, "tanhCells", TB * H, !lstm, &tape->tanhCells) &&
         get_f32_field(env, o, op, "unprojected", TB * H, !(lstm && d->P > 0), &tape->unprojected) &&
         get_f32_field(env, o, op, "hn", TB * H, !gru, &tape->hn);
}

napi_value native_recurrent_forward(napi_env env, napi_callback_info info) {
  const char *op = "recurrent.forward";
  napi_value argv[1];
  rec_forward_t a;
  memset(&a, 0, sizeof a);
  if (!get_args(env, info, op, 1, argv) || !get_dims(env, argv[0], op, &a.d) || !get_weights(env, argv[0], op, &a.d, &a.w) ||
      !get_flag_field(env, argv[0], op, "keepTape", &a.keepTape)) {
    return NULL;
  }
  forward_fn forward_kernel;
  backward_fn backward_kernel;
  if (!pick_isa(env, argv[0], op, &forward_kernel, &backward_kernel)) return NULL;
  size_t TB = (size_t)a.d.T * a.d.B, B = a.d.B, H = a.d.H, R = a.d.R;
  int lstm = a.d.mode == MODE_LSTM;
  float *x, *h0, *c0;
  if (!get_f32_field(env, argv[0], op, "x", TB * a.d.I, 0, &x) || !get_f32_field(env, argv[0], op, "h0", B * R, 1, &h0) ||
      !get_f32_field(env, argv[0], op, "c0", B * H, 1, &c0) || !get_f32_field(env, argv[0], op, "output", TB * R, 0, &a.output) ||
      !get_f32_field(env, argv[0], op, "hN", B * R, 0, &a.hN) || !get_f32_field(env, argv[0], op, "cN", B * H, !lstm, &a.cN) ||
      (a.keepTape && !get_tape(env, argv[0], op, &a.d, &a.tape)) ||
      !get_f32_field(env, argv[0], op, "scratchGates", TB * a.d.G, 1, &a.scratchGates) || !get_pool_field(env, argv[0], op, &a.pool)) {
    return NULL;
  }
  a.x = x; a.h0 = h0; a.c0 = lstm ? c0 : NULL;
  /* the pool's threads split the work; each product runs on the thread that calls it */
  use_blas_threads(1);
  const char *error = forward_kernel(&a);
  if (error) return throw_expected(env, op, "memory for its work buffers", error);
  return NULL;
}

napi_value native_recurrent_backward(napi_env env, napi_callback_info info) {
  const char *op = "recurrent.backward";
  napi_value argv[1];
  rec_backward_t a;
  memset(&a, 0, sizeof a);
  if (!get_args(env, info, op, 1, argv) || !get_dims(env, argv[0], op, &a.d) || !get_weights(env, argv[0], op, &a.d, &a.w) ||
      !get_tape(env, argv[0], op, &a.d, &a.tape)) {
    return NULL;
  }
  forward_fn forward_kernel;
  backward_fn backward_kernel;
  if (!pick_isa(env, argv[0], op, &forward_kernel, &backward_kernel)) return NULL;
  size_t TB = (size_t)a.d.T * a.d.B, B = a.d.B, H = a.d.H, R = a.d.R, G = a.d.G, I = a.d.I, P = a.d.P;
  int lstm = a.d.mode == MODE_LSTM, peep = a.w.weightCi != NULL;
  float *x, *dOutput, *dhN, *dcN;
  napi_value o = argv[0];
  if (!get_f32_field(env, o, op, "x", TB * I, 0, &x) || !get_f32_field(env, o, op, "dOutput", TB * R, 1, &dOutput) ||
      !get_f32_field(env, o, op, "dhN", B * R, 1, &dhN) || !get_f32_field(env, o, op, "dcN", B * H, 1, &dcN) ||
      !get_f32_field(env, o, op, "dx", TB * I, 1, &a.dx) || !get_f32_field(env, o, op, "dh0", B * R, 0, &a.dh0) ||
      !get_f32_field(env, o, op, "dc0", B * H, !lstm, &a.dc0) || !get_f32_field(env, o, op, "dWeightIh", G * I, 1, &a.dWeightIh) ||
      !get_f32_field(env, o, op, "dWeightHh", G * R, 1, &a.dWeightHh) || !get_f32_field(env, o, op, "dBiasIh", G, 1, &a.dBiasIh) ||
      !get_f32_field(env, o, op, "dBiasHh", G, 1, &a.dBiasHh) || !get_f32_field(env, o, op, "dWeightHr", P * H, 1, &a.dWeightHr) ||
      !get_f32_field(env, o, op, "dWeightCi", H, !peep, &a.dWeightCi) || !get_f32_field(env, o, op, "dWeightCf", H, !peep, &a.dWeightCf) ||
      !get_f32_field(env, o, op, "dWeightCo", H, !peep, &a.dWeightCo) ||
      !get_f32_field(env, o, op, "scratchDGates", TB * G, 1, &a.scratchDGates) ||
      !get_f32_field(env, o, op, "scratchDGatesHidden", TB * G, 1, &a.scratchDGatesHidden) ||
      !get_f32_field(env, o, op, "scratchDHidden", TB * P, 1, &a.scratchDHidden) || !get_pool_field(env, o, op, &a.pool)) {
    return NULL;
  }
  a.x = x; a.dOutput = dOutput; a.dhN = dhN; a.dcN = lstm ? dcN : NULL;
  use_blas_threads(1);
  const char *error = backward_kernel(&a);
  if (error) return throw_expected(env, op, "memory for its work buffers", error);
  return NULL;
}
