/* The addon's entry points, one function per JavaScript-visible kernel. */
#ifndef RECURRENT_ADDON_H
#define RECURRENT_ADDON_H
#include "napiUtil.h"

/* Sets OpenBLAS's thread count when it differs from the last one set (each backend has its own). */
void use_blas_threads(int threads);

napi_value native_gemm(napi_env env, napi_callback_info info);
napi_value native_unary(napi_env env, napi_callback_info info);
napi_value native_affine(napi_env env, napi_callback_info info);
napi_value native_clamp(napi_env env, napi_callback_info info);
napi_value native_binary(napi_env env, napi_callback_info info);
napi_value native_reduce(napi_env env, napi_callback_info info);
napi_value native_softmax(napi_env env, napi_callback_info info);
napi_value native_copy(napi_env env, napi_callback_info info);
napi_value native_recurrent_forward(napi_env env, napi_callback_info info);
napi_value native_recurrent_backward(napi_env env, napi_callback_info info);
napi_value native_create_thread_pool(napi_env env, napi_callback_info info);


#endif
