/* A second, tiny addon with no BLAS linked: it reports the CPU's features before the main addon
 * (and with it OpenBLAS) loads, so that the OpenBLAS kernels can be named for CPUs newer than the
 * installed OpenBLAS (0.3.21 runs its SSE3 "Prescott" kernels on a Xeon of family 6 model 207). */
#include <node_api.h>
#include <stdint.h>

static napi_value features(napi_env env, napi_callback_info info) {
  (void)info;
  __builtin_cpu_init();
  const char *names[] = {"sse4.2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512bf16"};
  size_t count = sizeof names / sizeof names[0];
  int present[] = {
    __builtin_cpu_supports("sse4.2"), __builtin_cpu_supports("avx"), __builtin_cpu_supports("avx2"),
    __builtin_cpu_supports("fma"), __builtin_cpu_supports("avx512f"), __builtin_cpu_supports("avx512bw"),
    __builtin_cpu_supports("avx512dq"), __builtin_cpu_supports("avx512vl"), __builtin_cpu_supports("avx512bf16"),
  };
  napi_value list;
  napi_create_array(env, &list);
  uint32_t at = 0;
  for (size_t i = 0; i < count; i++) {
    if (!present[i]) continue;
    napi_value name;
    napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &name);
    napi_set_element(env, list, at++, name);
  }
  return list;
}

NAPI_MODULE_INIT() {
  napi_value f;
  napi_create_function(env, "features", NAPI_AUTO_LENGTH, features, NULL, &f);
  napi_set_named_property(env, exports, "features", f);
  return exports;
}
