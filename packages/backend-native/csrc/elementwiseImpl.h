/* Elementwise kernels, reductions and softmax on contiguous float32 or float64 rows, included by
 * elementwise_{scalar,avx2,avx512}.c once per element type: REAL is the type, SFX the name suffix,
 * EXP / TANH its exponential and tanh (vecmath.h's for float32, so those loops vectorise; libm's
 * for float64). A unit may also define EXP_ARRAY / TANH_ARRAY / SIGMOID_ARRAY(x, out, n) and
 * SUM_EXP(row, length, m, store), hand-vectorised loops that replace the plain ones.
 * The semantics are the CPU backend's (packages/tensor/src/cpu): NaN propagates,
 * comparisons give 1 or 0, reductions of float32 accumulate in float64 where the CPU's do. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifndef RECURRENT_ELEMENTWISE_IMPL_ONCE
#define RECURRENT_ELEMENTWISE_IMPL_ONCE
#include "elementwise.h"
#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)
#define F(name) CAT(CAT(name, SFX), ISA)
#define BIN_LOOP_DEFINED
#endif

/* 1 when the op ran, 0 when the caller runs it elsewhere (ops with libm calls in their loops). */
int F(ew_unary)(int op, const REAL *restrict x, REAL *restrict out, size_t n) {
  switch (op) {
    case U_NEG: for (size_t i = 0; i < n; i++) out[i] = -x[i]; return 1;
    case U_ABS: for (size_t i = 0; i < n; i++) out[i] = (REAL)fabs(x[i]); return 1;
#ifdef EXP_ARRAY
    case U_EXP: EXP_ARRAY(x, out, n); return 1;
    case U_TANH: TANH_ARRAY(x, out, n); return 1;
    case U_SIGMOID: SIGMOID_ARRAY(x, out, n); return 1;
#else
    case U_EXP: for (size_t i = 0; i < n; i++) out[i] = EXP(x[i]); return 1;
    case U_TANH: for (size_t i = 0; i < n; i++) out[i] = TANH(x[i]); return 1;
    case U_SIGMOID: for (size_t i = 0; i < n; i++) out[i] = SIGMOID(x[i]); return 1;
#endif
    case U_SQRT: for (size_t i = 0; i < n; i++) out[i] = SQRT(x[i]); return 1;
    case U_RSQRT: for (size_t i = 0; i < n; i++) out[i] = (REAL)1 / SQRT(x[i]); return 1;
    case U_SQUARE: for (size_t i = 0; i < n; i++) out[i] = x[i] * x[i]; return 1;
    case U_RECIPROCAL: for (size_t i = 0; i < n; i++) out[i] = (REAL)1 / x[i]; return 1;
    case U_RELU: for (size_t i = 0; i < n; i++) { REAL v = x[i]; out[i] = v > 0 ? v : (v != v ? v : 0); } return 1;
    case U_SIGN: for (size_t i = 0; i < n; i++) { REAL v = x[i]; out[i] = v > 0 ? 1 : (v < 0 ? -1 : v); } return 1;
    default: return 0;
  }
}

/* out = x·scale + shift (in double, as the CPU's typed-array arithmetic), clamp with NaN kept. */
void F(ew_affine)(const REAL *restrict x, double scale, double shift, REAL *restrict out, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = (REAL)((double)x[i] * scale + shift);
}
void F(ew_clamp)(const REAL *restrict x, double low, double high, REAL *restrict out, size_t n) {
  for (size_t i = 0; i < n; i++) { double v = x[i]; out[i] = (REAL)(v < low ? low : v > high ? high : v); }
}

#undef BIN_LOOP
#define BIN_LOOP(expr)                                                                                     \
  for (size_t o = 0; o < outer; o++) {                                                                     \
    const REAL *restrict pa = a + o * sa0;                                                                 \
    const REAL *restrict pb = b + o * sb0;                                                                 \
    REAL *restrict po = out + o * inner;                                                                   \
    if (sa1 == 1 && sb1 == 1) for (size_t i = 0; i < inner; i++) { REAL x = pa[i], y = pb[i]; po[i] = (expr); } \
    else if (sa1 == 1 && sb1 == 0) { REAL y = pb[0]; for (size_t i = 0; i < inner; i++) { REAL x = pa[i]; po[i] = (expr); } } \
    else if (sa1 == 0 && sb1 == 1) { REAL x = pa[0]; for (size_t i = 0; i < inner; i++) { REAL y = pb[i]; po[i] = (expr); } } \
    else for (size_t i = 0; i < inner; i++) { REAL x = pa[(ptrdiff_t)i * sa1], y = pb[(ptrdiff_t)i * sb1]; po[i] = (expr); } \
  }                                                                                                        \
  return 1

/* out[o, i] = f(a[o·sa0 + i·sa1], b[o·sb0 + i·sb1]): a broadcast pair collapsed to two axes. */
int F(ew_binary)(int op, const REAL *a, ptrdiff_t sa0, ptrdiff_t sa1, const REAL *b, ptrdiff_t sb0, ptrdiff_t sb1, REAL *out,
                 size_t outer, size_t inner) {
  switch (op) {
    case B_ADD: BIN_LOOP(x + y);
    case B_SUB: BIN_LOOP(x - y);
    case B_MUL: BIN_LOOP(x * y);
    case B_DIV: BIN_LOOP(x / y);
    case B_MAXIMUM: BIN_LOOP((x != x || y != y) ? (REAL)NAN : (x > y ? x : y));
    case B_MINIMUM: BIN_LOOP((x != x || y != y) ? (REAL)NAN : (x < y ? x : y));
    case B_EQ: BIN_LOOP(x == y ? 1 : 0);
    case B_NE: BIN_LOOP(x != y ? 1 : 0);
    case B_LT: BIN_LOOP(x < y ? 1 : 0);
    case B_LE: BIN_LOOP(x <= y ? 1 : 0);
    case B_GT: BIN_LOOP(x > y ? 1 : 0);
    case B_GE: BIN_LOOP(x >= y ? 1 : 0);
    default: return 0;
  }
}

/* Row max and min with GCC vector extensions (VBYTES wide, four accumulators so compare and blend
 * do not wait on each other): the compiler does not vectorise a NaN-aware running max by itself.
 * `nan_sticky` 1: any NaN gives NaN (reduce); 0: NaN is skipped (softmax's x > max). */
typedef REAL F(vreal) __attribute__((vector_size(VBYTES)));
typedef MASKINT F(vmask) __attribute__((vector_size(VBYTES)));
#define VLANES ((int)(VBYTES / sizeof(REAL)))

static inline REAL F(row_extreme)(const REAL *restrict row, size_t length, const int greater, const int nan_sticky) {
#ifdef ROW_MAX
  if (greater) {
    int any;
    REAL m = ROW_MAX(row, length, &any);
    return nan_sticky && any ? (REAL)NAN : m;
  }
#endif
  F(vreal) acc[4];
  F(vmask) nan = {0};
  const REAL start = greater ? (REAL)-INFINITY : (REAL)INFINITY;
  for (int a = 0; a < 4; a++) acc[a] = (F(vreal)){0} + start;
  size_t p = 0;
  for (; p + 4 * VLANES <= length; p += 4 * VLANES) {
    for (int a = 0; a < 4; a++) {
      F(vreal) v;
      memcpy(&v, row + p + a * VLANES, sizeof v);
      F(vmask) take = greater ? (v > acc[a]) : (v < acc[a]);
      acc[a] = (F(vreal))(((F(vmask))v & take) | ((F(vmask))acc[a] & ~take));
      nan |= v != v;
    }
  }
  /* the four accumulators folded into one as vectors, then its lanes (VLANES steps, not 4·VLANES) */
  for (int a = 1; a < 4; a++) {
    F(vmask) take = greater ? (acc[a] > acc[0]) : (acc[a] < acc[0]);
    acc[0] = (F(vreal))(((F(vmask))acc[a] & take) | ((F(vmask))acc[0] & ~take));
  }
  REAL m = start;
  int any = 0;
  for (; p < length; p++) { REAL v = row[p]; m = (greater ? v > m : v < m) ? v : m; any |= v != v; }
  for (int l = 0; l < VLANES; l++) { REAL v = acc[0][l]; m = (greater ? v > m : v < m) ? v : m; any |= nan[l] != 0; }
  return nan_sticky && any ? (REAL)NAN : m;
}
static inline REAL F(row_max)(const REAL *restrict row, size_t length) { return F(row_extreme)(row, length, 1, 1); }
static inline REAL F(row_min)(const REAL *restrict row, size_t length) { return F(row_extreme)(row, length, 0, 1); }

/* Σ e^{x − m}: one pass, the exponentials summed in sixteen float lanes (so the loop vectorises
 * with the exponential inlined) over blocks of 512 elements, each block's total added in double;
 * with `store`, each e^{x − m} is also written there (softmax). `store` is a constant at each call
 * (the function is inlined), so neither loop tests it. `summand` (m is the row's finite max, no
 * `store`) lets an ISA's SUM_EXP skip exactness below e^−87, which that sum cannot see. */
static inline __attribute__((always_inline)) double F(row_sum_exp)(const REAL *restrict row, size_t length, REAL m, REAL *restrict store,
                                                                  int summand) {
#ifdef SUM_EXP
  return SUM_EXP(row, length, m, store, summand);
#endif
  (void)summand;
  double s = 0;
  size_t p = 0;
  while (p + 16 <= length) {
    size_t end = p + 512 < length ? p + 512 : length;
    REAL lanes[16] = {0};
    for (; p + 16 <= end; p += 16) {
      for (int l = 0; l < 16; l++) {
        REAL e = EXP(row[p + l] - m);
        if (store) store[p + l] = e;
        lanes[l] += e;
      }
    }
    double block = 0;
    for (int l = 0; l < 16; l++) block += lanes[l];
    s += block;
  }
  for (; p < length; p++) {
    REAL e = EXP(row[p] - m);
    if (store) store[p] = e;
    s += e;
  }
  return s;
}

/* The middle axis of [outer, length, inner] reduced into out[outer, inner]; sums and products
 * accumulate in double. NaN is sticky in max and min. */
int F(ew_reduce)(int op, const REAL *restrict x, size_t outer, size_t length, size_t inner, REAL *restrict out, double *restrict acc) {
  for (size_t o = 0; o < outer; o++) {
    const REAL *restrict base = x + o * length * inner;
    if (inner == 1) {
      double r;
      if (op == R_SUM) {
        /* sixteen partial sums, so the loop vectorises (one sum would chain every add) */
        double lanes[16] = {0};
        size_t p = 0;
        for (; p + 16 <= length; p += 16) for (int l = 0; l < 16; l++) lanes[l] += base[p + l];
        double s = 0;
        for (; p < length; p++) s += base[p];
        for (int l = 0; l < 16; l++) s += lanes[l];
        r = s;
      }
      else if (op == R_PROD) { double s = 1; for (size_t p = 0; p < length; p++) s *= base[p]; r = s; }
      else if (op == R_MAX || op == R_MIN || op == R_LOGSUMEXP) {
        REAL m = op == R_MIN ? F(row_min)(base, length) : F(row_max)(base, length);
        r = m;
        if (op == R_LOGSUMEXP && isfinite(r)) r = r + log(F(row_sum_exp)(base, length, m, NULL, 1));
      } else return 0;
      out[o] = (REAL)r;
      continue;
    }
    /* inner > 1: whole rows into a double accumulator row, memory read in order */
    REAL *restrict dst = out + o * inner;
    if (op == R_SUM || op == R_PROD) {
      double start = op == R_SUM ? 0 : 1;
      for (size_t i = 0; i < inner; i++) acc[i] = start;
      for (size_t p = 0; p < length; p++) {
        const REAL *restrict row = base + p * inner;
        if (op == R_SUM) for (size_t i = 0; i < inner; i++) acc[i] += row[i];
        else for (size_t i = 0; i < inner; i++) acc[i] *= row[i];
      }
      for (size_t i = 0; i < inner; i++) dst[i] = (REAL)acc[i];
    } else if (op == R_MAX || op == R_MIN || op == R_LOGSUMEXP) {
      for (size_t i = 0; i < inner; i++) acc[i] = op == R_MIN ? INFINITY : -INFINITY;
      for (size_t p = 0; p < length; p++) {
        const REAL *restrict row = base + p * inner;
        if (op == R_MIN) for (size_t i = 0; i < inner; i++) { double v = row[i]; acc[i] = (v < acc[i] || v != v || acc[i] != acc[i]) ? (acc[i] != acc[i] ? acc[i] : v) : acc[i]; }
        else for (size_t i = 0; i < inner; i++) { double v = row[i]; acc[i] = (v > acc[i] || v != v || acc[i] != acc[i]) ? (acc[i] != acc[i] ? acc[i] : v) : acc[i]; }
      }
      if (op == R_LOGSUMEXP) {
        double *restrict sum = acc + inner;
        for (size_t i = 0; i < inner; i++) sum[i] = 0;
        for (size_t p = 0; p < length; p++) {
          const REAL *restrict row = base + p * inner;
          for (size_t i = 0; i < inner; i++) sum[i] += EXP(row[i] - (REAL)acc[i]);
        }
        for (size_t i = 0; i < inner; i++) { double m = acc[i]; dst[i] = (REAL)(isfinite(m) ? m + log(sum[i]) : m); }
      } else {
        for (size_t i = 0; i < inner; i++) dst[i] = (REAL)acc[i];
      }
    } else return 0;
  }
  return 1;
}

/* Softmax (or log-softmax) of contiguous rows (inner = 1): max (NaN ignored, −∞ rows use 0), one
 * exponential per element, then one scaling; the CPU's softmaxLoop, row for row. */
void F(ew_softmax_rows)(const REAL *restrict x, size_t outer, size_t length, int logarithm, REAL *restrict out) {
  for (size_t o = 0; o < outer; o++) {
    const REAL *restrict row = x + o * length;
    REAL *restrict dst = out + o * length;
    /* the CPU's max for softmax skips NaN (x > max is false for it) */
    REAL m = F(row_extreme)(row, length, 1, 0);
    int finite = isfinite(m);
    if (m == (REAL)-INFINITY) m = 0;
    double sum = 0;
    if (logarithm) {
      /* two calls, so that each inlined copy sees its flag as a constant */
      sum = finite ? F(row_sum_exp)(row, length, m, NULL, 1) : F(row_sum_exp)(row, length, m, NULL, 0);
      /* not max + log Σ rounded to float: that loses digits when max is large */
      double logSum = log(sum) + m;
      if (sizeof(REAL) == sizeof(float)) {
        /* float32: log Σ + max as a float pair hi + lo, so the pass runs in float lanes; x − hi is
         * exact where x is near hi, and lo corrects it (within an ulp of the double difference) */
        REAL hi = (REAL)logSum;
        REAL lo = isfinite(logSum) ? (REAL)(logSum - hi) : 0;
        for (size_t p = 0; p < length; p++) dst[p] = (row[p] - hi) - lo;
      } else {
        for (size_t p = 0; p < length; p++) dst[p] = (REAL)(row[p] - logSum);
      }
    } else {
      sum = F(row_sum_exp)(row, length, m, dst, 0);
      REAL scale = (REAL)(1.0 / sum);
      for (size_t p = 0; p < length; p++) dst[p] *= scale;
    }
  }
}
