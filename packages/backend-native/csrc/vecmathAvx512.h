/* vecmath.h's float32 exp, tanh and logistic on sixteen lanes with AVX-512 intrinsics, and the
 * array loops of the elementwise kernels built on them (elementwise_avx512.c only). What GCC makes
 * of the portable functions costs more here: VSCALEFPS computes p·2^n with one rounding for every
 * n (gradual underflow, overflow to ∞), so the reconstruction is one instruction instead of the two
 * factors and their integer arithmetic. Same exponential polynomial and range reduction as
 * vecmath.h; tanh runs one path, through e^{−2|x|} − 1, and tanh and the logistic end in one
 * division each (the divider works beside the FMA units, so it costs less than a reciprocal
 * estimate refined by FMAs, measured). Accuracy (test/vecmath.test.ts sweeps it): exp within 2 ulp, tanh within
 * 3 ulp, logistic within 3 ulp; NaN kept, exp(+∞) = ∞, exp(−∞) = 0, tanh(±∞) = ±1. */
#ifndef RECURRENT_VECMATH_AVX512_H
#define RECURRENT_VECMATH_AVX512_H
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

/* q ≈ e^r − 1 and n with x = n·ln 2 + r, |r| ≤ ln 2 / 2 (Cody–Waite reduction, vecmath.h's polynomial). */
static inline __m512 exp16_reduced(__m512 x, __m512 *n) {
  const __m512 magic = _mm512_set1_ps(12582912.0f); /* 1.5·2^23: adding it rounds to an integer */
  *n = _mm512_sub_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), magic), magic);
  __m512 r = _mm512_fnmadd_ps(*n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(*n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  return _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r);
}

/* e^x for x already inside [−104, 89] (or NaN, which comes out NaN). */
static inline __m512 exp16_core(__m512 x) {
  __m512 n;
  __m512 p = _mm512_add_ps(exp16_reduced(x, &n), _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

static inline __m512 exp16(__m512 x) {
  /* MAXPS / MINPS return their second operand when either is NaN, so NaN passes both clamps */
  x = _mm512_max_ps(_mm512_set1_ps(-104.0f), x);
  x = _mm512_min_ps(_mm512_set1_ps(89.0f), x);
  return exp16_core(x);
}

/* e^x for x ≤ 0 or NaN (x − max in softmax): only the lower clamp. */
static inline __m512 exp16_nonpositive(__m512 x) { return exp16_core(_mm512_max_ps(_mm512_set1_ps(-104.0f), x)); }

/* e^x for x ≤ 0 or NaN where only a sum with a term ≥ 1 needs it (logsumexp, log-softmax of a
 * row with a finite max), to about 1e−7 relative, as vecmathAvx2.h's exp8_summand: a one-constant
 * reduction and the degree-5 polynomial fitted there, both within the float lanes' own rounding
 * of that sum. */
static inline __m512 exp16_summand(__m512 x) {
  const __m512 magic = _mm512_set1_ps(12582912.0f);
  x = _mm512_max_ps(_mm512_set1_ps(-104.0f), x);
  __m512 n = _mm512_sub_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(1.44269504088896341f), magic), magic);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693147182f), x);
  __m512 p = _mm512_set1_ps(8.3125252277e-3f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1890114546e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6667114198e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.9999231100e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r);
  return _mm512_scalef_ps(_mm512_add_ps(p, _mm512_set1_ps(1.0f)), n);
}

/* The largest lane of a row (NaN skipped; −∞ for an empty row), and in *nan whether it held NaN:
 * four accumulators, then one tree across the lanes. */
static inline float row_max16(const float *row, size_t length, int *nan) {
  const __m512 low = _mm512_set1_ps(-INFINITY);
  __m512 a0 = low, a1 = low, a2 = low, a3 = low;
  __mmask16 unordered = 0;
  size_t p = 0;
  /* MAXPS(v, acc) keeps acc when v is NaN */
  for (; p + 64 <= length; p += 64) {
    __m512 v0 = _mm512_loadu_ps(row + p), v1 = _mm512_loadu_ps(row + p + 16);
    __m512 v2 = _mm512_loadu_ps(row + p + 32), v3 = _mm512_loadu_ps(row + p + 48);
    a0 = _mm512_max_ps(v0, a0);
    a1 = _mm512_max_ps(v1, a1);
    a2 = _mm512_max_ps(v2, a2);
    a3 = _mm512_max_ps(v3, a3);
    unordered |= _mm512_cmp_ps_mask(v0, v1, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(v2, v3, _CMP_UNORD_Q);
  }
  for (; p < length; p += 16) {
    __mmask16 mask = length - p >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (length - p)) - 1);
    __m512 v = _mm512_mask_loadu_ps(low, mask, row + p);
    a0 = _mm512_max_ps(v, a0);
    unordered |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  }
  *nan = unordered != 0;
  return _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(a0, a1), _mm512_max_ps(a2, a3)));
}

/* tanh x = sign(x)·(−m) / (2 + m) with m = e^{−2|x|} − 1 ∈ (−1, 0], one path for every x: with
 * −2|x| = n·ln 2 + r, m = 2^n·(r + r²·P(r)) + (2^n − 1), P the exponential's polynomial past its
 * linear term, so m keeps its relative accuracy as x → 0 (no cancellation, no second polynomial).
 * From |x| = 20 on m = −1 in float, so the argument is clamped there. */
static inline __m512 tanh16(__m512 x) {
  const __m512 sign = _mm512_castsi512_ps(_mm512_set1_epi32(INT32_MIN));
  __m512 y = _mm512_max_ps(_mm512_set1_ps(-40.0f), _mm512_mul_ps(_mm512_andnot_ps(sign, x), _mm512_set1_ps(-2.0f)));
  __m512 n;
  __m512 mr = exp16_reduced(y, &n); /* e^r − 1 */
  __m512 scale = _mm512_scalef_ps(_mm512_set1_ps(1.0f), n);
  __m512 m = _mm512_fmadd_ps(scale, mr, _mm512_sub_ps(scale, _mm512_set1_ps(1.0f)));
  __m512 quotient = _mm512_div_ps(m, _mm512_add_ps(m, _mm512_set1_ps(2.0f)));
  /* quotient ≤ 0: its magnitude, then x's sign (which keeps tanh(−0) = −0) */
  return _mm512_or_ps(_mm512_andnot_ps(sign, quotient), _mm512_and_ps(sign, x));
}

/* 1 / (1 + e^{−x}) as 1 / (1 + t) for x ≥ 0 and t / (1 + t) below, with t = e^{−|x|} ≤ 1: no overflow,
 * and the far negative side keeps its tiny (gradually underflowing) values. */
static inline __m512 sigmoid16(__m512 x) {
  const __m512 sign = _mm512_castsi512_ps(_mm512_set1_epi32(INT32_MIN));
  __m512 t = exp16_core(_mm512_max_ps(_mm512_set1_ps(-104.0f), _mm512_or_ps(sign, x)));
  __m512 numerator = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ), _mm512_set1_ps(1.0f), t);
  return _mm512_div_ps(numerator, _mm512_add_ps(t, _mm512_set1_ps(1.0f)));
}

#define RECURRENT_ARRAY16(name, f)                                                        \
  static void name(const float *x, float *out, size_t n) {                                \
    size_t p = 0;                                                                         \
    for (; p + 16 <= n; p += 16) _mm512_storeu_ps(out + p, f(_mm512_loadu_ps(x + p)));    \
    if (p < n) {                                                                          \
      __mmask16 mask = (__mmask16)((1u << (n - p)) - 1);                                  \
      _mm512_mask_storeu_ps(out + p, mask, f(_mm512_maskz_loadu_ps(mask, x + p)));        \
    }                                                                                     \
  }
RECURRENT_ARRAY16(exp_array16, exp16)
RECURRENT_ARRAY16(tanh_array16, tanh16)
RECURRENT_ARRAY16(sigmoid_array16, sigmoid16)
#undef RECURRENT_ARRAY16

/* Σ e^{x − m} over a row, as elementwiseImpl.h's row_sum_exp: the exponentials summed in sixteen
 * float lanes over blocks of 512 elements, each block's lanes added into double lanes; with
 * `store`, each e^{x − m} is also written there. `summand`: m is the row's (finite) max and only
 * the sum is wanted, so exp16_summand serves. */
static inline __attribute__((always_inline)) double sum_exp16(const float *row, size_t length, float m, float *store, int summand) {
  const __m512 shift = _mm512_set1_ps(m);
  /* this pass reads the row from cache (the max pass brought it); meanwhile, one cache line an
   * iteration, the memory up to 4 KB ahead (the next rows: the next max pass) is fetched */
  const size_t ahead = length < 1024 ? length : 1024;
  __m512d total = _mm512_setzero_pd();
  size_t p = 0;
  while (p < length) {
    size_t end = p + 512 < length ? p + 512 : length;
    __m512 lanes = _mm512_setzero_ps();
    for (; p + 16 <= end; p += 16) {
      _mm_prefetch((const char *)(row + p + ahead), _MM_HINT_T0);
      __m512 e = (summand ? exp16_summand : exp16_nonpositive)(_mm512_sub_ps(_mm512_loadu_ps(row + p), shift));
      if (store) _mm512_storeu_ps(store + p, e);
      lanes = _mm512_add_ps(lanes, e);
    }
    if (p < end) {
      __mmask16 mask = (__mmask16)((1u << (end - p)) - 1);
      __m512 e = _mm512_maskz_mov_ps(mask, (summand ? exp16_summand : exp16_nonpositive)(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, row + p), shift)));
      if (store) _mm512_mask_storeu_ps(store + p, mask, e);
      lanes = _mm512_add_ps(lanes, e);
      p = end;
    }
    total = _mm512_add_pd(total, _mm512_cvtps_pd(_mm512_castps512_ps256(lanes)));
    total = _mm512_add_pd(total, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(lanes), 1))));
  }
  return _mm512_reduce_add_pd(total);
}

#endif
