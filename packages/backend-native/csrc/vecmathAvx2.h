/* vecmath.h's float32 exp, tanh and logistic on eight lanes with AVX2 + FMA intrinsics, and the
 * array loops of the elementwise kernels built on them (elementwise_avx2.c only). Same polynomials
 * and range reduction as vecmath.h; what differs is the reconstruction of p·2^n. Where every lane
 * of a vector lies in [−87, 88] (nearly always), 2^n is a normal float made by one shift of the
 * rounding sum's bits, and p·2^n rounds once; a vector with any lane outside (or NaN) takes the
 * full version, which clamps and scales in two factors as vecmath.h's exp_f does. tanh runs one
 * path, through e^{−2|x|} − 1; tanh and the logistic end in one division each (the divider works
 * beside the FMA units: cheaper than a reciprocal estimate refined by FMAs, measured). Accuracy
 * (test/vecmath.test.ts sweeps it): exp within 2 ulp, tanh and logistic within 3 ulp; NaN kept,
 * exp(+∞) = ∞, exp(−∞) = 0, tanh(±∞) = ±1. */
#ifndef RECURRENT_VECMATH_AVX2_H
#define RECURRENT_VECMATH_AVX2_H
#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define RECURRENT_MAGIC 12582912.0f /* 1.5·2^23: adding it rounds to an integer, kept in the low bits */

/* q(r) ≈ e^r − 1 on |r| ≤ ln 2 / 2, and n, r with x = n·ln 2 + r; *t holds x·log2 e + magic. */
static inline __m256 exp8_reduced(__m256 x, __m256 *t, __m256 *n) {
  const __m256 magic = _mm256_set1_ps(RECURRENT_MAGIC);
  *t = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), magic);
  *n = _mm256_sub_ps(*t, magic);
  __m256 r = _mm256_fnmadd_ps(*n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(*n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  return _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
}

/* e^x for x in [−87, 88], where 2^n is a normal float (n in [−126, 127]); NaN stays NaN. */
static inline __m256 exp8_fast(__m256 x) {
  __m256 t, n;
  __m256 q = exp8_reduced(x, &t, &n);
  /* the low bits of t are n + 2^22; shifted into the exponent field with the bias, the rest
   * falls off the top */
  __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(127)), 23);
  /* (q + 1)·2^n in one rounding */
  __m256 scale = _mm256_castsi256_ps(bits);
  return _mm256_fmadd_ps(q, scale, scale);
}

/* e^x for every x: clamped to [−104, 89] (NaN passes: MAXPS / MINPS return their second
 * operand then), 2^n in two normal factors so that overflow and gradual underflow round once. */
static inline __m256 exp8_full(__m256 x) {
  x = _mm256_max_ps(_mm256_set1_ps(-104.0f), x);
  x = _mm256_min_ps(_mm256_set1_ps(89.0f), x);
  __m256 t, n;
  __m256 p = _mm256_add_ps(exp8_reduced(x, &t, &n), _mm256_set1_ps(1.0f));
  __m256i k = _mm256_cvtps_epi32(n);
  __m256i k1 = _mm256_srai_epi32(k, 1);
  __m256i k2 = _mm256_sub_epi32(k, k1);
  const __m256i bias = _mm256_set1_epi32(127);
  __m256 f1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, bias), 23));
  __m256 f2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k2, bias), 23));
  return _mm256_mul_ps(_mm256_mul_ps(p, f1), f2);
}

static inline __m256 exp8(__m256 x) {
  __m256 inside = _mm256_and_ps(_mm256_cmp_ps(x, _mm256_set1_ps(-87.0f), _CMP_GE_OQ), _mm256_cmp_ps(x, _mm256_set1_ps(88.0f), _CMP_LE_OQ));
  return _mm256_movemask_ps(inside) == 0xff ? exp8_fast(x) : exp8_full(x);
}

/* e^x for x ≤ 0 or NaN where only a sum with a term ≥ 1 needs it (logsumexp, log-softmax of a
 * row with a finite max), to about 1e−7 relative: a one-constant reduction (its error n·2e−9 only
 * grows where the terms are below 2^−24 of the sum) and a polynomial of degree 5 (fitted here,
 * Lawson-weighted least squares on [−ln 2 / 2, ln 2 / 2]: 1.1e−7), both within the float lanes'
 * own rounding of that sum; below −87 the lane is e^−87 (under 1.7e−38), so no range test. */
static inline __m256 exp8_summand(__m256 x) {
  const __m256 magic = _mm256_set1_ps(RECURRENT_MAGIC);
  x = _mm256_max_ps(_mm256_set1_ps(-87.0f), x);
  __m256 t = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), magic);
  __m256 n = _mm256_sub_ps(t, magic);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693147182f), x);
  __m256 p = _mm256_set1_ps(8.3125252277e-3f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1890114546e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6667114198e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.9999231100e-1f));
  __m256 q = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
  __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(127)), 23));
  return _mm256_fmadd_ps(q, scale, scale);
}

/* e^x for x ≤ 0 or NaN (x − max in softmax, −|x| in the logistic): only the lower bound tested. */
static inline __m256 exp8_nonpositive(__m256 x) {
  return _mm256_movemask_ps(_mm256_cmp_ps(x, _mm256_set1_ps(-87.0f), _CMP_GE_OQ)) == 0xff ? exp8_fast(x) : exp8_full(x);
}

/* tanh x = sign(x)·(−m) / (2 + m) with m = e^{−2|x|} − 1 ∈ (−1, 0], one path for every x: with
 * −2|x| = n·ln 2 + r, m = 2^n·(r + r²·P(r)) + (2^n − 1), P the exponential's polynomial past its
 * linear term, so m keeps its relative accuracy as x → 0 (no cancellation, no second polynomial).
 * From |x| = 20 on m = −1 in float, so the argument is clamped there (and 2^n stays normal). */
static inline __m256 tanh8(__m256 x) {
  const __m256 sign = _mm256_castsi256_ps(_mm256_set1_epi32(INT32_MIN));
  __m256 y = _mm256_max_ps(_mm256_set1_ps(-40.0f), _mm256_mul_ps(_mm256_andnot_ps(sign, x), _mm256_set1_ps(-2.0f)));
  __m256 t, n;
  __m256 mr = exp8_reduced(y, &t, &n); /* e^r − 1 */
  __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(127)), 23));
  __m256 m = _mm256_fmadd_ps(scale, mr, _mm256_sub_ps(scale, _mm256_set1_ps(1.0f)));
  __m256 quotient = _mm256_div_ps(m, _mm256_add_ps(m, _mm256_set1_ps(2.0f)));
  /* quotient ≤ 0: its magnitude, then x's sign (which keeps tanh(−0) = −0) */
  return _mm256_or_ps(_mm256_andnot_ps(sign, quotient), _mm256_and_ps(sign, x));
}

/* 1 / (1 + e^{−x}) as 1 / (1 + t) for x ≥ 0 and t / (1 + t) below, with t = e^{−|x|} ≤ 1. */
static inline __m256 sigmoid8(__m256 x) {
  const __m256 sign = _mm256_castsi256_ps(_mm256_set1_epi32(INT32_MIN));
  __m256 t = exp8_nonpositive(_mm256_or_ps(sign, x));
  /* numerator t where x's sign bit is set (x = −0 gives t = 1 all the same), else 1 */
  __m256 numerator = _mm256_blendv_ps(_mm256_set1_ps(1.0f), t, x);
  return _mm256_div_ps(numerator, _mm256_add_ps(t, _mm256_set1_ps(1.0f)));
}

/* the lanes below `count` (1 … 7) of a masked load or store */
static inline __m256i lanes8(size_t count) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

#define RECURRENT_ARRAY8(name, f)                                                       \
  static void name(const float *x, float *out, size_t n) {                              \
    size_t p = 0;                                                                       \
    for (; p + 8 <= n; p += 8) _mm256_storeu_ps(out + p, f(_mm256_loadu_ps(x + p)));    \
    if (p < n) {                                                                        \
      __m256i mask = lanes8(n - p);                                                     \
      _mm256_maskstore_ps(out + p, mask, f(_mm256_maskload_ps(x + p, mask)));           \
    }                                                                                   \
  }
RECURRENT_ARRAY8(exp_array8, exp8)
RECURRENT_ARRAY8(tanh_array8, tanh8)
RECURRENT_ARRAY8(sigmoid_array8, sigmoid8)
#undef RECURRENT_ARRAY8

static inline float horizontal_max8(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}

/* The largest lane of a row (NaN skipped; −∞ for an empty row), and in *nan whether it held NaN. */
static inline float row_max8(const float *row, size_t length, int *nan) {
  const __m256 low = _mm256_set1_ps(-INFINITY);
  __m256 a0 = low, a1 = low, a2 = low, a3 = low, unordered = _mm256_setzero_ps();
  size_t p = 0;
  /* MAXPS(v, acc) keeps acc when v is NaN */
  for (; p + 32 <= length; p += 32) {
    __m256 v0 = _mm256_loadu_ps(row + p), v1 = _mm256_loadu_ps(row + p + 8);
    __m256 v2 = _mm256_loadu_ps(row + p + 16), v3 = _mm256_loadu_ps(row + p + 24);
    a0 = _mm256_max_ps(v0, a0);
    a1 = _mm256_max_ps(v1, a1);
    a2 = _mm256_max_ps(v2, a2);
    a3 = _mm256_max_ps(v3, a3);
    unordered = _mm256_or_ps(unordered, _mm256_or_ps(_mm256_cmp_ps(v0, v1, _CMP_UNORD_Q), _mm256_cmp_ps(v2, v3, _CMP_UNORD_Q)));
  }
  float m = horizontal_max8(_mm256_max_ps(_mm256_max_ps(a0, a1), _mm256_max_ps(a2, a3)));
  int any = _mm256_movemask_ps(unordered) != 0;
  for (; p < length; p++) { float v = row[p]; m = v > m ? v : m; any |= v != v; }
  *nan = any;
  return m;
}

/* Σ e^{x − m} over a row, as elementwiseImpl.h's row_sum_exp: the exponentials summed in sixteen
 * float lanes (two vectors) over blocks of 512 elements, each block's lanes added into double
 * lanes; with `store`, each e^{x − m} is also written there. `summand`: m is the row's (finite)
 * max and only the sum is wanted, so exp8_summand serves. */
static inline __attribute__((always_inline)) double sum_exp8(const float *row, size_t length, float m, float *store, int summand) {
  const __m256 shift = _mm256_set1_ps(m);
  /* this pass reads the row from cache (the max pass brought it); meanwhile, one cache line every
   * two iterations, the memory up to 4 KB ahead (the next rows: the next max pass) is fetched */
  const size_t ahead = length < 1024 ? length : 1024;
  __m256d total = _mm256_setzero_pd();
  size_t p = 0;
  while (p < length) {
    size_t end = p + 512 < length ? p + 512 : length;
    __m256 lanes0 = _mm256_setzero_ps(), lanes1 = _mm256_setzero_ps();
    for (; p + 16 <= end; p += 16) {
      _mm_prefetch((const char *)(row + p + ahead), _MM_HINT_T0);
      __m256 e0 = (summand ? exp8_summand : exp8_nonpositive)(_mm256_sub_ps(_mm256_loadu_ps(row + p), shift));
      __m256 e1 = (summand ? exp8_summand : exp8_nonpositive)(_mm256_sub_ps(_mm256_loadu_ps(row + p + 8), shift));
      if (store) {
        _mm256_storeu_ps(store + p, e0);
        _mm256_storeu_ps(store + p + 8, e1);
      }
      lanes0 = _mm256_add_ps(lanes0, e0);
      lanes1 = _mm256_add_ps(lanes1, e1);
    }
    for (; p < end; p += 8) {
      __m256i mask = end - p >= 8 ? _mm256_set1_epi32(-1) : lanes8(end - p);
      __m256 e = _mm256_and_ps(_mm256_castsi256_ps(mask), (summand ? exp8_summand : exp8_nonpositive)(_mm256_sub_ps(_mm256_maskload_ps(row + p, mask), shift)));
      if (store) _mm256_maskstore_ps(store + p, mask, e);
      lanes0 = _mm256_add_ps(lanes0, e);
    }
    p = end;
    total = _mm256_add_pd(total, _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(lanes0)), _mm256_cvtps_pd(_mm256_extractf128_ps(lanes0, 1))));
    total = _mm256_add_pd(total, _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(lanes1)), _mm256_cvtps_pd(_mm256_extractf128_ps(lanes1, 1))));
  }
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(total), _mm256_extractf128_pd(total, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

#undef RECURRENT_MAGIC
#endif
