/* Module registration, CPU feature dispatch and BLAS thread control. */
#include <stdio.h>
#include <string.h>
#include "addon.h"

/* OpenBLAS's extensions, weak so that the addon also links against another CBLAS (then the
 * thread count and the configuration string are simply not available). */
extern void openblas_set_num_threads(int) __attribute__((weak));
extern int openblas_get_num_threads(void) __attribute__((weak));
extern char *openblas_get_config(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));

/* The widest instruction set this CPU runs, detected once at load. */
static const char *detect_isa(void) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl")) {
    return "avx512";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
  return "scalar";
}

static napi_value set_property_string(napi_env env, napi_value object, const char *key, const char *value) {
  napi_value v;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, object, key, v);
  return object;
}

/* info() → { isa, blas, blasCore, blasThreads } */
static napi_value native_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value object, threads;
  napi_create_object(env, &object);
  set_property_string(env, object, "isa", detect_isa());
  set_property_string(env, object, "blas", openblas_get_config ? openblas_get_config() : "CBLAS (not OpenBLAS)");
  set_property_string(env, object, "blasCore", openblas_get_corename ? openblas_get_corename() : "unknown");
  napi_create_int32(env, openblas_get_num_threads ? openblas_get_num_threads() : -1, &threads);
  napi_set_named_property(env, object, "blasThreads", threads);
  return object;
}

static int current_blas_threads = 0;

void use_blas_threads(int threads) {
  if (threads < 1) threads = 1;
  if (threads == current_blas_threads || !openblas_set_num_threads) return;
  openblas_set_num_threads(threads);
  current_blas_threads = threads;
}

/* setBlasThreads(n): OpenBLAS's thread count for later products (a no-op on another BLAS). */
static napi_value native_set_blas_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int64_t n;
  if (!get_args(env, info, "setBlasThreads", 1, argv) || !get_size(env, argv[0], "setBlasThreads", "threads", &n)) return NULL;
  use_blas_threads((int)n);
  napi_value result;
  napi_get_boolean(env, openblas_set_num_threads != NULL, &result);
  return result;
}

#define EXPORT(name, fn)                                        \
  do {                                                          \
    napi_value f;                                               \
    napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &f); \
    napi_set_named_property(env, exports, name, f);             \
  } while (0)

NAPI_MODULE_INIT() {
  EXPORT("info", native_info);
  EXPORT("setBlasThreads", native_set_blas_threads);
  EXPORT("gemm", native_gemm);
  EXPORT("unary", native_unary);
  EXPORT("affine", native_affine);
  EXPORT("clamp", native_clamp);
  EXPORT("binary", native_binary);
  EXPORT("reduce", native_reduce);
  EXPORT("softmax", native_softmax);
  EXPORT("copy", native_copy);
  EXPORT("recurrentForward", native_recurrent_forward);
  EXPORT("recurrentBackward", native_recurrent_backward);
  EXPORT("createThreadPool", native_create_thread_pool);
  return exports;
}
