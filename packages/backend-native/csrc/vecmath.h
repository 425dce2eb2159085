/* Branch-free float32 exp, tanh and logistic functions written so that GCC vectorises the loops
 * that call them (no libm calls, selects instead of branches). Included by the per-ISA kernel
 * files, so each copy compiles to SSE2, AVX2 + FMA or AVX-512 code. Accuracy: exp within 2 ulp
 * (Cephes' polynomial, Cody–Waite reduction); tanh within 3 ulp; IEEE special values as libm's
 * (exp(±∞) = ∞ / 0, NaN kept, overflow to ∞, gradual underflow). */
#ifndef RECURRENT_VECMATH_H
#define RECURRENT_VECMATH_H
#include <math.h>
#include <stdint.h>

static inline float bits_to_float(int32_t bits) {
  union { int32_t i; float f; } u = { .i = bits };
  return u.f;
}

static inline float exp_f(float x) {
  x = x < -104.0f ? -104.0f : x; /* below: 0; NaN fails both tests and stays NaN */
  x = x > 89.0f ? 89.0f : x;     /* above: ∞ */
  float n = x * 1.44269504088896341f;
  n = (n + 12582912.0f) - 12582912.0f; /* round to nearest integer (1.5·2^23 trick) */
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  int32_t k = (int32_t)n;
  /* 2^k in two factors, each a normal float, so that both overflow and underflow round once */
  int32_t k1 = k >> 1;
  int32_t k2 = k - k1;
  return p * bits_to_float((k1 + 127) << 23) * bits_to_float((k2 + 127) << 23);
}

static inline float sigmoid_f(float x) { return 1.0f / (1.0f + exp_f(-x)); }

/* The logistic over the whole float range, for the elementwise kernel: t = e^{−|x|} ≤ 1, then
 * 1 / (1 + t) for x ≥ 0 and t / (1 + t) below, so e^{−x} never overflows and the far negative
 * side underflows gradually as the true value does (sigmoid_f, the gates', gives 0 below −88.7). */
static inline float logistic_f(float x) {
  float t = exp_f(-fabsf(x));
  float s = 1.0f / (1.0f + t);
  return x < 0.0f ? t * s : s;
}

/* tf.keras's hard sigmoid max(0, min(1, 0.2·x + 0.5)). */
static inline float hard_sigmoid_f(float x) {
  float y = 0.2f * x + 0.5f;
  y = y < 0.0f ? 0.0f : y;
  return y > 1.0f ? 1.0f : y;
}

static inline float tanh_f(float x) {
  float ax = fabsf(x);
  float z = x * x;
  float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z -
                 3.33332819422e-1f) * z * x + x;
  float large = copysignf(1.0f - 2.0f / (exp_f(2.0f * ax) + 1.0f), x);
  return ax < 0.625f ? small : large;
}

/* tanh with the sign of zero kept (tanh(−0) = −0), for the elementwise kernel. */
static inline float tanh_signed_f(float x) { return copysignf(tanh_f(x), x); }

#endif
