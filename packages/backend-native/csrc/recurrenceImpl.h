/* The recurrence kernels, included once per instruction set by recurrenceScalar.c,
 * recurrenceAvx2.c and recurrenceAvx512.c with FN(name) naming that copy. Products go to the BLAS
 * (one for the input projection of every step, one or two per step for the recurrent weight, a few
 * after the loop for the weight gradients); the gate loops are plain C over contiguous rows that
 * the compiler vectorises for the file's target (vecmath.h gives exp, tanh and σ without libm). */
#include <cblas.h>
/* cblas.h brings complex.h, whose macro I would shadow the input size */
#undef I
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "recurrence.h"
#include "threadPool.h"
#include "vecmath.h"

#define ACTIVE(d, b, t) ((d)->lengths == NULL || (t) < (d)->lengths[b])
/* The sequence arrays (x, output, every tape array, dOutput, dx and the gate-gradient buffers) are
 * [T, B, ·] time-major or [B, T, ·] batch-first: the batch rows of step t start at row
 * SEQ_BASE(d, t) and lie SEQ_STRIDE(d) rows apart (ROW(b) in the loops below). The products over
 * all T·B rows (input projection, weight gradients, ∂L/∂x) do not care which. */
#define SEQ_BASE(d, t) ((d)->batchFirst ? (size_t)(t) : (size_t)(t) * (size_t)(d)->B)
#define SEQ_STRIDE(d) ((d)->batchFirst ? (size_t)(d)->T : (size_t)1)
#define ROW(b) (row0 + (size_t)(b) * stride)
#define GEMM(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc) \
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc)
#define NT CblasNoTrans
#define TR CblasTrans

/* Gate loops take `hard` as a constant: called through WITH_HARD, each inlined copy has no select
 * between the two activations inside the loop (which would keep GCC from vectorising it). */
#define INLINE static inline __attribute__((always_inline))
#define WITH_HARD(hard, call) do { if (hard) { const int HARD = 1; call; } else { const int HARD = 0; call; } } while (0)

/* The activations over a span of one row, in place or into another array: the vector loops of
 * vecmathAvx512.h / vecmathAvx2.h where the including file names them (TANH_SPAN, SIGMOID_SPAN),
 * else vecmath.h's functions in a loop GCC vectorises. The gate loops below first write every
 * pre-activation of a row's span, then run these over it: a scalar call per unit inside a loop
 * that also mixes gates would not vectorise. */
#ifndef TANH_SPAN
static inline void FN(tanh_span)(const float *x, float *out, size_t n) {
  for (size_t p = 0; p < n; p++) out[p] = tanh_f(x[p]);
}
static inline void FN(sigmoid_span)(const float *x, float *out, size_t n) {
  for (size_t p = 0; p < n; p++) out[p] = sigmoid_f(x[p]);
}
#define TANH_SPAN(x, out, n) FN(tanh_span)(x, out, n)
#define SIGMOID_SPAN(x, out, n) FN(sigmoid_span)(x, out, n)
#endif

/* σ over a span in place: the logistic, or tf.keras's hard sigmoid */
INLINE void FN(gate_span)(float *x, int n, const int hard) {
  if (n <= 0) return;
  if (hard) {
    for (int p = 0; p < n; p++) x[p] = hard_sigmoid_f(x[p]);
  } else {
    SIGMOID_SPAN(x, x, (size_t)n);
  }
}

/* x[j] += y[j] + z[j] over [j0, j1): a gate's pre-activation from its input side, hidden side, bias */
INLINE void FN(add2)(float *restrict x, const float *restrict y, const float *restrict z, int j0, int j1) {
  for (int j = j0; j < j1; j++) x[j] += y[j] + z[j];
}
/* dσ from σ's output: y(1 − y) for the logistic, 0.2 inside (0, 1) for the hard sigmoid */
static inline float FN(gate_slope)(float y, int hard) {
  return hard ? ((y > 0.0f && y < 1.0f) ? 0.2f : 0.0f) : y * (1.0f - y);
}

/* LSTM gates of one row: pre-activations in g (input side) + w (hidden side) + bias; writes the
 * activated gates back into g, the new cell state into c, tanh of it into tc and the unprojected
 * output into out. Each step is a pass over the span [j0, j1) of one gate block. */
INLINE void FN(lstm_row)(int H, int j0, int j1, const int hard, float *restrict g, const float *restrict w, const float *restrict bias,
                         const float *restrict cp, float *restrict c, float *restrict tc, float *restrict out,
                         const float *wci, const float *wcf, const float *wco) {
  const int n = j1 - j0;
  if (n <= 0) return;
  float *restrict gi = g, *restrict gf = g + H, *restrict gg = g + 2 * H, *restrict go = g + 3 * H;
  for (int q = 0; q < 4; q++) FN(add2)(g + q * H, w + q * H, bias + q * H, j0, j1);
  if (wci != NULL) {
    /* peepholes: i and f see c_{t−1} */
    for (int j = j0; j < j1; j++) {
      gi[j] += wci[j] * cp[j];
      gf[j] += wcf[j] * cp[j];
    }
  }
  FN(gate_span)(gi + j0, n, hard);
  FN(gate_span)(gf + j0, n, hard);
  TANH_SPAN(gg + j0, gg + j0, (size_t)n);
  for (int j = j0; j < j1; j++) c[j] = gf[j] * cp[j] + gi[j] * gg[j];
  /* with peepholes o sees c_t */
  if (wco != NULL) for (int j = j0; j < j1; j++) go[j] += wco[j] * c[j];
  FN(gate_span)(go + j0, n, hard);
  TANH_SPAN(c + j0, tc + j0, (size_t)n);
  for (int j = j0; j < j1; j++) out[j] = go[j] * tc[j];
}

/* GRU, reset before the product: r, z and r ⊙ h of one row. */
INLINE void FN(gru_rz_row)(int H, int j0, int j1, const int hard, float *restrict g, const float *restrict w, const float *restrict bias,
                           const float *restrict h, float *restrict rh) {
  if (j1 <= j0) return;
  FN(add2)(g, w, bias, j0, j1);
  FN(add2)(g + H, w + H, bias + H, j0, j1);
  FN(gate_span)(g + j0, j1 - j0, hard);
  FN(gate_span)(g + H + j0, j1 - j0, hard);
  for (int j = j0; j < j1; j++) rh[j] = g[j] * h[j];
}

/* GRU, reset after the product (PyTorch's): the gates and new state of one row. */
INLINE void FN(gru_after_row)(int H, int j0, int j1, const int hard, float *restrict g, const float *restrict w, const float *restrict bias,
                              const float *restrict bhn, const float *restrict h, float *restrict hn, float *restrict out) {
  if (j1 <= j0) return;
  float *restrict gr = g, *restrict gz = g + H, *restrict gn = g + 2 * H;
  FN(add2)(gr, w, bias, j0, j1);
  FN(add2)(gz, w + H, bias + H, j0, j1);
  FN(gate_span)(gr + j0, j1 - j0, hard);
  FN(gate_span)(gz + j0, j1 - j0, hard);
  for (int j = j0; j < j1; j++) {
    float hv = w[2 * H + j] + bhn[j];
    hn[j] = hv;
    gn[j] = gn[j] + bias[2 * H + j] + gr[j] * hv;
  }
  TANH_SPAN(gn + j0, gn + j0, (size_t)(j1 - j0));
  for (int j = j0; j < j1; j++) out[j] = (1.0f - gz[j]) * gn[j] + gz[j] * h[j];
}

/* LSTM backward of one row without peepholes: dc carries to c_{t−1}, dg gets the gate gradients. */
INLINE void FN(lstm_back_row)(int H, int j0, int j1, const int hard, const float *restrict g, const float *restrict tc, const float *restrict cp,
                              const float *restrict dmb, float *restrict dcb, float *restrict dg) {
  for (int j = j0; j < j1; j++) {
    float i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j], th = tc[j], dmv = dmb[j];
    float dcv = dcb[j] + dmv * o * (1.0f - th * th); /* d tanh = 1 − tanh² */
    dcb[j] = dcv * f;
    dg[j] = dcv * gg * FN(gate_slope)(i, hard);
    dg[H + j] = dcv * cp[j] * FN(gate_slope)(f, hard);
    dg[2 * H + j] = dcv * i * (1.0f - gg * gg);
    dg[3 * H + j] = dmv * th * FN(gate_slope)(o, hard);
  }
}

/* The same with peepholes (i, f see c_{t−1}; o sees c_t), accumulating their gradients. */
INLINE void FN(lstm_back_peep_row)(int H, int j0, int j1, const int hard, const float *restrict g, const float *restrict tc, const float *restrict cp,
                                   const float *restrict ct, const float *restrict dmb, float *restrict dcb, float *restrict dg,
                                   const rec_weights_t *w, const rec_backward_t *a) {
  const float *restrict wci = w->weightCi, *restrict wcf = w->weightCf, *restrict wco = w->weightCo;
  float *restrict dci = a->dWeightCi, *restrict dcf = a->dWeightCf, *restrict dco = a->dWeightCo;
  for (int j = j0; j < j1; j++) {
    float i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j], th = tc[j], dmv = dmb[j];
    float dO = dmv * th * FN(gate_slope)(o, hard);
    float dcv = dcb[j] + dmv * o * (1.0f - th * th) + dO * wco[j];
    dco[j] += dO * ct[j];
    float dI = dcv * gg * FN(gate_slope)(i, hard);
    float dF = dcv * cp[j] * FN(gate_slope)(f, hard);
    dcb[j] = dcv * f + dI * wci[j] + dF * wcf[j];
    dci[j] += dI * cp[j];
    dcf[j] += dF * cp[j];
    dg[j] = dI; dg[H + j] = dF; dg[2 * H + j] = dcv * i * (1.0f - gg * gg); dg[3 * H + j] = dO;
  }
}

/* GRU backward of one row: with dh = ∂L/∂h', dn = dh·(1 − z)·(1 − n²), dz = dh·(h − n)·σ′;
 * reset-after: dr = dn·(W_hn h + b_hn)·σ′ and the hidden side of n is dn·r. Reset-before: dr
 * needs d(r ⊙ h) = dn·W_hn first (gru_dr_row, after that product). */
INLINE void FN(gru_back_row)(int H, int j0, int j1, const int hard, const int resetAfter, const float *restrict g, const float *restrict hp,
                             const float *restrict hn, const float *restrict dhb, float *restrict dg, float *restrict dgh) {
  for (int j = j0; j < j1; j++) {
    float r = g[j], z = g[H + j], n = g[2 * H + j], dhv = dhb[j];
    float dn = dhv * (1.0f - z) * (1.0f - n * n);
    float dz = dhv * (hp[j] - n) * FN(gate_slope)(z, hard);
    dg[H + j] = dz; dgh[H + j] = dz;
    dg[2 * H + j] = dn;
    if (resetAfter) {
      float dr = dn * hn[j] * FN(gate_slope)(r, hard);
      dg[j] = dr; dgh[j] = dr;
      dgh[2 * H + j] = dn * r;
    } else {
      dgh[2 * H + j] = dn;
    }
  }
}

/* GRU reset-before: dr = d(r ⊙ h)·h·σ′(r). */
INLINE void FN(gru_dr_row)(int H, int j0, int j1, const int hard, const float *restrict g, const float *restrict hp, const float *restrict q,
                           float *restrict dg, float *restrict dgh) {
  for (int j = j0; j < j1; j++) {
    float dr = q[j] * hp[j] * FN(gate_slope)(g[j], hard);
    dg[j] = dr; dgh[j] = dr;
  }
}

/* Σ over rows of a [rows, n] matrix into out[c0 … c1) (the bias gradients, one participant's columns). */
static void FN(column_sums)(const float *restrict m, size_t rows, int n, int c0, int c1, float *restrict out) {
  memset(out + c0, 0, (size_t)(c1 - c0) * sizeof(float));
  for (size_t r = 0; r < rows; r++) {
    const float *restrict row = m + r * n;
    for (int j = c0; j < c1; j++) out[j] += row[j];
  }
}

/* Participant k's share [*lo, *hi) of `count` columns split n ways, in blocks of 16 floats (whole
 * cache lines, so that two threads never write one line of a row). */
static inline void FN(share)(int count, int n, int k, int *lo, int *hi) {
  int per = (count + n - 1) / n;
  per = (per + 15) & ~15;
  long start = (long)per * k, end = start + per;
  *lo = (int)(start < count ? start : count);
  *hi = (int)(end < count ? end : count);
}

/* How many of the pool's threads a sequence uses: one per 32 hidden units at most, and one alone
 * when a step's product is too small to share (its barrier would cost more than it saves). */
static inline int FN(participants)(const rec_dims_t *d, void *pool) {
  int n = pool_size(pool);
  int byUnits = d->H / 32;
  if (n > byUnits) n = byUnits;
  if ((double)d->B * d->G * d->R < 262144.0) n = 1;
  return n < 1 ? 1 : n;
}

/* How many chunks the forward cuts each phase into: one alone; else two a participant (so that one
 * descheduled holds back at most a small part of a step), at least 64 units each where the size allows. */
static inline int FN(chunk_count)(int H, int n) {
  if (n <= 1) return 1;
  int chunks = 2 * n, wide = H / 64;
  if (chunks > wide) chunks = wide > n ? wide : n;
  return chunks;
}

/* out[:, q·H + j0 … q·H + j1) = in · W[q·H + j0 … q·H + j1, :]ᵀ for each of the `blocks` gate
 * blocks (W is [blocks·H, K], out rows `ldo` apart): one thread's columns of a gate product. */
static inline void FN(gate_product)(int rows, int K, const float *in, int ldi, const float *W, int blocks, int H, int j0, int j1, float *out, int ldo) {
  if (j1 <= j0 || rows <= 0) return;
  for (int q = 0; q < blocks; q++) {
    GEMM(NT, TR, rows, j1 - j0, K, in, ldi, W + ((size_t)q * H + j0) * K, K, 0.0f, out + (size_t)q * H + j0, ldo);
  }
}

static inline void FN(copy_columns)(float *dst, int ldd, const float *src, int lds, int rows, int c0, int c1) {
  if (c1 <= c0) return;
  for (int b = 0; b < rows; b++) memcpy(dst + (size_t)b * ldd + c0, src + (size_t)b * lds + c0, (size_t)(c1 - c0) * sizeof(float));
}

static inline void FN(zero_columns)(float *dst, int ldd, int rows, int c0, int c1) {
  if (c1 <= c0) return;
  for (int b = 0; b < rows; b++) memset(dst + (size_t)b * ldd + c0, 0, (size_t)(c1 - c0) * sizeof(float));
}

/* Rows each step computes: with lengths sorted longest first (packed sequences), the rows still
 * inside their sequence at step t are a prefix, and only those enter the products; otherwise all
 * B (inactive rows are then skipped row by row). NULL without lengths or without memory: all. */
static int *FN(active_rows)(const rec_dims_t *d) {
  if (!d->lengths) return NULL;
  for (int b = 1; b < d->B; b++) if (d->lengths[b] > d->lengths[b - 1]) return NULL;
  int *rows = malloc((size_t)d->T * sizeof(int));
  if (!rows) return NULL;
  int active = d->B;
  for (int t = 0; t < d->T; t++) {
    while (active > 0 && d->lengths[active - 1] <= t) active--;
    rows[t] = active;
  }
  return rows;
}

typedef struct {
  const rec_forward_t *a;
  float *gates, *work, *bias, *cells, *tcs, *unproj, *hnRow, *proj, *hAlt;
  const int *rows; /* FN(active_rows), or NULL */
  void *pool;
  int n;
  /* chunks of hidden (and projected) units a phase is cut into */
  int chunks;
  /* chunk tickets handed out and chunks finished, counted over all phases */
  atomic_long next, done;
} FN(forward_job_t);

/* The participants share the forward by chunks, not by fixed shares: each phase (the input
 * projection, then every step, or two phases a step with a projection or a reset-before GRU) is
 * cut into `chunks` column ranges, the tickets of phase p are [base_p, base_p + chunks), and a
 * participant takes tickets until the phase has none left, then waits until every chunk of the
 * phase is finished before the next. A participant the system has descheduled (another process, a
 * garbage collector's thread on a two-core machine) holds back nothing but the chunk it holds:
 * the others take the rest (waiting: pool_wait_count). The chunks and the products inside them are the same however they
 * are shared, so the results do not depend on the threads. */
static inline int FN(take)(atomic_long *next, long base, int count) {
  long v = atomic_load_explicit(next, memory_order_relaxed);
  while (v < base + count) {
    if (atomic_compare_exchange_weak_explicit(next, &v, v + 1, memory_order_acq_rel, memory_order_relaxed)) return (int)(v - base);
  }
  return -1;
}

static inline void FN(finished)(atomic_long *done) { atomic_fetch_add_explicit(done, 1, memory_order_release); }

/* One participant of the forward (k is unused: chunks, not shares, say which units it computes).
 * The state alternates between two buffers, so a step's products read h_{t−1} while its gates
 * write h_t; a phase's end is every chunk of it finished. */
static void FN(forward_part)(void *context, int k) {
  (void)k;
  FN(forward_job_t) *job = context;
  const rec_forward_t *a = job->a;
  const rec_dims_t *d = &a->d;
  const int T = d->T, B = d->B, I = d->I, H = d->H, P = d->P, R = d->R, G = d->G, hard = d->hardSigmoid, C = job->chunks;
  const int lstm = d->mode == MODE_LSTM, gru = d->mode == MODE_GRU, relu = d->mode == MODE_RNN_RELU;
  const int resetBefore = gru && !d->resetAfter;
  const int blocks = G / H;
  const size_t TB = (size_t)T * B;
  const rec_tape_t *tp = a->keepTape ? &a->tape : NULL;
  float *gates = job->gates, *work = job->work, *proj = job->proj;
  const float *bias = job->bias, *bhn = job->bias + G;
  long base = 0;
  int c, j0, j1, r0, r1;
  /* phase 0: each chunk's gate columns of the input projection of every step (and, with lengths,
   * its zeros of the output: rows past their length stay zero, every other row is written at its step) */
  while ((c = FN(take)(&job->next, base, C)) >= 0) {
    FN(share)(H, C, c, &j0, &j1);
    FN(gate_product)((int)TB, I, a->x, I, a->w.weightIh, blocks, H, j0, j1, gates, G);
    FN(share)(R, C, c, &r0, &r1);
    if (d->lengths) FN(zero_columns)(a->output, R, (int)TB, r0, r1);
    FN(finished)(&job->done);
  }
  base += C;
  float *hCur = a->hN, *hNext = job->hAlt;
  for (int s = 0; s < T; s++) {
    const int t = d->reverse ? T - 1 - s : s;
    const size_t row0 = SEQ_BASE(d, t), stride = SEQ_STRIDE(d);
    const int nb = job->rows ? job->rows[t] : B;
    float *rhBase = gru ? (tp ? tp->hn + row0 * H : job->hnRow) : NULL;
    const size_t rhStride = tp ? stride * H : (size_t)H; /* rows of rhBase */
    /* h_{t−1} (and every earlier phase) complete */
    pool_wait_count(&job->done, base);
    if (resetBefore) {
      /* reset before the product: r and z first, then W_hn (r ⊙ h), which needs every unit's r ⊙ h */
      while ((c = FN(take)(&job->next, base, C)) >= 0) {
        FN(share)(H, C, c, &j0, &j1);
        if (tp) FN(copy_columns)(tp->hPrev + row0 * R, (int)(stride * R), hCur, R, B, j0, j1);
        FN(gate_product)(nb, R, hCur, R, a->w.weightHh, 2, H, j0, j1, work, G);
        for (int b = 0; b < nb; b++) {
          WITH_HARD(hard, FN(gru_rz_row)(H, j0, j1, HARD, gates + ROW(b) * G, work + (size_t)b * G, bias, hCur + (size_t)b * R, rhBase + (size_t)b * rhStride));
        }
        FN(finished)(&job->done);
      }
      base += C;
      pool_wait_count(&job->done, base);
    }
    while ((c = FN(take)(&job->next, base, C)) >= 0) {
      FN(share)(H, C, c, &j0, &j1);
      FN(share)(R, C, c, &r0, &r1);
      if (tp && !resetBefore) {
        FN(copy_columns)(tp->hPrev + row0 * R, (int)(stride * R), hCur, R, B, r0, r1);
        if (lstm) FN(copy_columns)(tp->cPrev + row0 * H, (int)(stride * H), a->cN, H, B, j0, j1);
      }
      if (resetBefore) {
        if (j1 > j0 && nb > 0) GEMM(NT, TR, nb, j1 - j0, H, rhBase, (int)rhStride, a->w.weightHh + ((size_t)2 * H + j0) * R, R, 0.0f, work + 2 * H + j0, G);
      } else {
        FN(gate_product)(nb, R, hCur, R, a->w.weightHh, blocks, H, j0, j1, work, G);
      }
      for (int b = 0; b < B; b++) {
        float *restrict hn = hNext + (size_t)b * R;
        const float *restrict h = hCur + (size_t)b * R;
        if (!ACTIVE(d, b, t)) {
          /* the state carries over (the projected one below, with a projection) */
          if (P == 0 && j1 > j0) memcpy(hn + j0, h + j0, (size_t)(j1 - j0) * sizeof(float));
          continue;
        }
        float *restrict g = gates + ROW(b) * G;
        const float *restrict w = work + (size_t)b * G;
        float *restrict out = a->output + ROW(b) * R;
        if (lstm) {
          float *c = tp ? tp->cells + ROW(b) * H : job->cells + (size_t)b * H;
          float *tc = tp ? tp->tanhCells + ROW(b) * H : job->tcs + (size_t)b * H;
          float *m = P > 0 ? (tp ? tp->unprojected + ROW(b) * H : job->unproj + (size_t)b * H) : out;
          WITH_HARD(hard, FN(lstm_row)(H, j0, j1, HARD, g, w, bias, a->cN + (size_t)b * H, c, tc, m, a->w.weightCi, a->w.weightCf, a->w.weightCo));
          if (j1 > j0) {
            memcpy(a->cN + (size_t)b * H + j0, c + j0, (size_t)(j1 - j0) * sizeof(float));
            if (P == 0) memcpy(hn + j0, out + j0, (size_t)(j1 - j0) * sizeof(float));
          }
        } else if (gru) {
          float *restrict hnb = rhBase + (size_t)b * rhStride;
          if (d->resetAfter) {
            WITH_HARD(hard, FN(gru_after_row)(H, j0, j1, HARD, g, w, bias, bhn, h, hnb, out));
          } else {
            float *restrict gn = g + 2 * H;
            for (int j = j0; j < j1; j++) gn[j] = gn[j] + bias[2 * H + j] + w[2 * H + j] + bhn[j];
            if (j1 > j0) TANH_SPAN(gn + j0, gn + j0, (size_t)(j1 - j0));
            for (int j = j0; j < j1; j++) out[j] = (1.0f - g[H + j]) * gn[j] + g[H + j] * h[j];
          }
          for (int j = j0; j < j1; j++) hn[j] = out[j];
        } else if (relu) {
          for (int j = j0; j < j1; j++) {
            float y = g[j] + w[j] + bias[j];
            y = y > 0.0f ? y : 0.0f;
            g[j] = y; out[j] = y; hn[j] = y;
          }
        } else {
          FN(add2)(g, w, bias, j0, j1);
          if (j1 > j0) {
            TANH_SPAN(g + j0, g + j0, (size_t)(j1 - j0));
            memcpy(out + j0, g + j0, (size_t)(j1 - j0) * sizeof(float));
            memcpy(hn + j0, g + j0, (size_t)(j1 - j0) * sizeof(float));
          }
        }
      }
      FN(finished)(&job->done);
    }
    base += C;
    if (P > 0) {
      /* the projection needs every unit of o ⊙ tanh c */
      pool_wait_count(&job->done, base);
      const float *m = tp ? tp->unprojected + row0 * H : job->unproj;
      while ((c = FN(take)(&job->next, base, C)) >= 0) {
        FN(share)(P, C, c, &r0, &r1);
        if (r1 > r0 && nb > 0) GEMM(NT, TR, nb, r1 - r0, H, m, tp ? (int)(stride * H) : H, a->w.weightHr + (size_t)r0 * H, H, 0.0f, proj + r0, P);
        for (int b = 0; b < B && r1 > r0; b++) {
          float *hn = hNext + (size_t)b * P;
          if (!ACTIVE(d, b, t)) {
            memcpy(hn + r0, hCur + (size_t)b * P + r0, (size_t)(r1 - r0) * sizeof(float));
            continue;
          }
          memcpy(hn + r0, proj + (size_t)b * P + r0, (size_t)(r1 - r0) * sizeof(float));
          memcpy(a->output + ROW(b) * P + r0, proj + (size_t)b * P + r0, (size_t)(r1 - r0) * sizeof(float));
        }
        FN(finished)(&job->done);
      }
      base += C;
    }
    float *swap = hCur; hCur = hNext; hNext = swap;
  }
}

const char *FN(rec_forward)(const rec_forward_t *a) {
  const rec_dims_t *d = &a->d;
  const int T = d->T, B = d->B, H = d->H, P = d->P, R = d->R, G = d->G;
  const int lstm = d->mode == MODE_LSTM, gru = d->mode == MODE_GRU;
  const size_t TB = (size_t)T * B;
  const rec_tape_t *tp = a->keepTape ? &a->tape : NULL;
  FN(forward_job_t) job = {.a = a, .pool = a->pool, .n = FN(participants)(d, a->pool)};
  job.gates = tp ? tp->gates : a->scratchGates ? a->scratchGates : malloc(TB * G * sizeof(float));
  const int ownGates = !tp && !a->scratchGates;
  job.work = malloc((size_t)B * G * sizeof(float));
  job.bias = malloc((size_t)(G + H) * sizeof(float));
  job.hAlt = malloc((size_t)B * R * sizeof(float));
  job.cells = lstm && !tp ? malloc((size_t)B * H * sizeof(float)) : NULL;
  job.tcs = lstm && !tp ? malloc((size_t)B * H * sizeof(float)) : NULL;
  job.unproj = lstm && P > 0 && !tp ? malloc((size_t)B * H * sizeof(float)) : NULL;
  job.hnRow = gru && !tp ? malloc((size_t)B * H * sizeof(float)) : NULL;
  job.proj = P > 0 ? malloc((size_t)B * P * sizeof(float)) : NULL;
  if (!job.gates || !job.work || !job.bias || !job.hAlt || (lstm && !tp && (!job.cells || !job.tcs)) ||
      (P > 0 && (!job.proj || (!tp && !job.unproj))) || (gru && !tp && !job.hnRow)) {
    if (ownGates) free(job.gates);
    free(job.work); free(job.bias); free(job.hAlt); free(job.cells); free(job.tcs); free(job.unproj); free(job.hnRow); free(job.proj);
    return "out of memory";
  }
  /* the bias of each gate: b_ih + b_hh, except GRU's n gate, whose b_hh sits inside r ⊙ (·) */
  for (int j = 0; j < G; j++) {
    float bi = a->w.biasIh ? a->w.biasIh[j] : 0.0f, bh = a->w.biasHh ? a->w.biasHh[j] : 0.0f;
    job.bias[j] = gru && j >= 2 * H ? bi : bi + bh;
  }
  /* GRU's b_hn after the gate biases, zeros without a bias: the gate loops read it unconditionally */
  for (int j = 0; j < H; j++) job.bias[G + j] = gru && a->w.biasHh ? a->w.biasHh[2 * H + j] : 0.0f;
  /* h_0 and c_0 in place before the first product reads them */
  if (a->h0) memcpy(a->hN, a->h0, (size_t)B * R * sizeof(float));
  else memset(a->hN, 0, (size_t)B * R * sizeof(float));
  if (lstm) {
    if (a->c0) memcpy(a->cN, a->c0, (size_t)B * H * sizeof(float));
    else memset(a->cN, 0, (size_t)B * H * sizeof(float));
  }
  int *rows = FN(active_rows)(d);
  job.rows = rows;
  job.chunks = FN(chunk_count)(H, job.n);
  atomic_init(&job.next, 0);
  atomic_init(&job.done, 0);
  pool_run(a->pool, job.n, FN(forward_part), &job);
  /* the last state sits in hAlt after an odd number of steps */
  if (T % 2 == 1) memcpy(a->hN, job.hAlt, (size_t)B * R * sizeof(float));
  free(rows);
  if (ownGates) free(job.gates);
  free(job.work); free(job.bias); free(job.hAlt); free(job.cells); free(job.tcs); free(job.unproj); free(job.hnRow); free(job.proj);
  return NULL;
}

typedef struct {
  const rec_backward_t *a;
  float *dG, *dGh, *dHidden, *dm, *next, *drh;
  const int *rows;
  void *pool;
  int n;
} FN(backward_job_t);

/* One participant of backpropagation through time: the gate gradients of hidden units [j0, j1),
 * its columns of ∂L/∂h_{t−1} (a barrier between, since those need every unit's gate gradients),
 * then its rows of the weight gradients and of ∂L/∂x once every step has run. */
static void FN(backward_part)(void *context, int k) {
  const FN(backward_job_t) *job = context;
  const rec_backward_t *a = job->a;
  const rec_dims_t *d = &a->d;
  const int T = d->T, B = d->B, I = d->I, H = d->H, P = d->P, R = d->R, G = d->G, hard = d->hardSigmoid, n = job->n;
  const int lstm = d->mode == MODE_LSTM, gru = d->mode == MODE_GRU, relu = d->mode == MODE_RNN_RELU;
  const size_t TB = (size_t)T * B;
  const rec_tape_t *tp = &a->tape;
  float *dG = job->dG, *dGh = job->dGh, *dHidden = job->dHidden, *dm = job->dm, *next = job->next, *drh = job->drh;
  int j0, j1, r0, r1;
  FN(share)(H, n, k, &j0, &j1);
  if (P > 0) FN(share)(P, n, k, &r0, &r1);
  else { r0 = j0; r1 = j1; }
  float *dh = a->dh0, *dc = a->dc0;
  if (a->dhN) FN(copy_columns)(dh, R, a->dhN, R, B, r0, r1);
  else FN(zero_columns)(dh, R, B, r0, r1);
  if (lstm) {
    if (a->dcN) FN(copy_columns)(dc, H, a->dcN, H, B, j0, j1);
    else FN(zero_columns)(dc, H, B, j0, j1);
  }
  const int peep = lstm && a->w.weightCi != NULL;
  if (peep && j1 > j0) {
    memset(a->dWeightCi + j0, 0, (size_t)(j1 - j0) * sizeof(float));
    memset(a->dWeightCf + j0, 0, (size_t)(j1 - j0) * sizeof(float));
    memset(a->dWeightCo + j0, 0, (size_t)(j1 - j0) * sizeof(float));
  }
  for (int s = T - 1; s >= 0; s--) {
    const int t = d->reverse ? T - 1 - s : s;
    const size_t row0 = SEQ_BASE(d, t), stride = SEQ_STRIDE(d);
    const int nb = job->rows ? job->rows[t] : B;
    for (int b = 0; b < B; b++) {
      if (!ACTIVE(d, b, t) || !a->dOutput) continue;
      float *restrict dhb = dh + (size_t)b * R;
      const float *restrict dob = a->dOutput + ROW(b) * R;
      for (int j = r0; j < r1; j++) dhb[j] += dob[j];
    }
    if (P > 0) {
      for (int b = 0; b < B; b++) {
        if (ACTIVE(d, b, t) && r1 > r0) memcpy(dHidden + ROW(b) * P + r0, dh + (size_t)b * P + r0, (size_t)(r1 - r0) * sizeof(float));
      }
      /* ∂L/∂m = ∂L/∂h · W_hr needs every projected unit */
      pool_barrier(job->pool, n);
      if (j1 > j0 && nb > 0) GEMM(NT, NT, nb, j1 - j0, P, dh, P, a->w.weightHr + j0, H, 0.0f, dm + j0, H);
    }
    for (int b = 0; b < B; b++) {
      if (!ACTIVE(d, b, t)) continue;
      const float *restrict g = tp->gates + ROW(b) * G;
      float *restrict dg = dG + ROW(b) * G;
      if (lstm) {
        const float *restrict tc = tp->tanhCells + ROW(b) * H;
        const float *restrict cp = tp->cPrev + ROW(b) * H;
        const float *restrict dmb = P > 0 ? dm + (size_t)b * H : dh + (size_t)b * R;
        float *restrict dcb = dc + (size_t)b * H;
        if (!peep) WITH_HARD(hard, FN(lstm_back_row)(H, j0, j1, HARD, g, tc, cp, dmb, dcb, dg));
        else WITH_HARD(hard, FN(lstm_back_peep_row)(H, j0, j1, HARD, g, tc, cp, tp->cells + ROW(b) * H, dmb, dcb, dg, &a->w, a));
      } else if (gru) {
        const float *restrict hp = tp->hPrev + ROW(b) * R;
        const float *restrict hn = tp->hn + ROW(b) * H;
        const float *restrict dhb = dh + (size_t)b * R;
        float *restrict dgh = dGh + ROW(b) * G;
        if (d->resetAfter) WITH_HARD(hard, FN(gru_back_row)(H, j0, j1, HARD, 1, g, hp, hn, dhb, dg, dgh));
        else WITH_HARD(hard, FN(gru_back_row)(H, j0, j1, HARD, 0, g, hp, hn, dhb, dg, dgh));
      } else {
        const float *restrict dhb = dh + (size_t)b * R;
        if (relu) for (int j = j0; j < j1; j++) dg[j] = g[j] > 0.0f ? dhb[j] : 0.0f;
        else for (int j = j0; j < j1; j++) dg[j] = dhb[j] * (1.0f - g[j] * g[j]);
      }
    }
    /* ∂L/∂h_{t−1} needs the gate gradients of every unit */
    pool_barrier(job->pool, n);
    if (gru && !d->resetAfter) {
      /* d(r ⊙ h) = dn · W_hn first: it gives dr, which the r block of the product needs */
      if (j1 > j0 && nb > 0) GEMM(NT, NT, nb, j1 - j0, H, dGh + row0 * G + 2 * H, (int)(stride * G), a->w.weightHh + (size_t)2 * H * R + j0, R, 0.0f, drh + j0, H);
      for (int b = 0; b < B; b++) {
        if (!ACTIVE(d, b, t)) continue;
        const float *restrict g = tp->gates + ROW(b) * G;
        const float *restrict hp = tp->hPrev + ROW(b) * R;
        float *restrict dg = dG + ROW(b) * G, *restrict dgh = dGh + ROW(b) * G;
        WITH_HARD(hard, FN(gru_dr_row)(H, j0, j1, HARD, g, hp, drh + (size_t)b * H, dg, dgh));
      }
      pool_barrier(job->pool, n);
      if (r1 > r0 && nb > 0) GEMM(NT, NT, nb, r1 - r0, 2 * H, dGh + row0 * G, (int)(stride * G), a->w.weightHh + r0, R, 0.0f, next + r0, R);
    } else if (r1 > r0 && nb > 0) {
      GEMM(NT, NT, nb, r1 - r0, G, dGh + row0 * G, (int)(stride * G), a->w.weightHh + r0, R, 0.0f, next + r0, R);
    }
    for (int b = 0; b < B; b++) {
      if (!ACTIVE(d, b, t)) continue;
      float *restrict dhb = dh + (size_t)b * R;
      const float *restrict nb = next + (size_t)b * R;
      if (gru) {
        const float *restrict g = tp->gates + ROW(b) * G;
        if (d->resetAfter) {
          for (int j = r0; j < r1; j++) dhb[j] = nb[j] + dhb[j] * g[H + j];
        } else {
          const float *restrict q = drh + (size_t)b * H;
          for (int j = r0; j < r1; j++) dhb[j] = nb[j] + dhb[j] * g[H + j] + q[j] * g[j];
        }
      } else if (r1 > r0) {
        memcpy(dhb + r0, nb + r0, (size_t)(r1 - r0) * sizeof(float));
      }
    }
  }
  /* the weight and input gradients of all steps at once, each participant its rows */
  pool_barrier(job->pool, n);
  int g0, g1;
  FN(share)(G, n, k, &g0, &g1);
  if (g1 > g0) {
    if (a->dWeightIh) GEMM(TR, NT, g1 - g0, I, (int)TB, dG + g0, G, a->x, I, 0.0f, a->dWeightIh + (size_t)g0 * I, I);
    if (a->dWeightHh) {
      if (gru && !d->resetAfter) {
        /* rows of r and z against h_{t−1}, rows of n against r ⊙ h_{t−1} */
        int a1 = g1 < 2 * H ? g1 : 2 * H;
        if (a1 > g0) GEMM(TR, NT, a1 - g0, R, (int)TB, dGh + g0, G, tp->hPrev, R, 0.0f, a->dWeightHh + (size_t)g0 * R, R);
        int b0 = g0 > 2 * H ? g0 : 2 * H;
        if (g1 > b0) GEMM(TR, NT, g1 - b0, R, (int)TB, dGh + b0, G, tp->hn, H, 0.0f, a->dWeightHh + (size_t)b0 * R, R);
      } else {
        GEMM(TR, NT, g1 - g0, R, (int)TB, dGh + g0, G, tp->hPrev, R, 0.0f, a->dWeightHh + (size_t)g0 * R, R);
      }
    }
    if (a->dBiasIh) FN(column_sums)(dG, TB, G, g0, g1, a->dBiasIh);
    if (a->dBiasHh) FN(column_sums)(dGh, TB, G, g0, g1, a->dBiasHh);
  }
  if (a->dx) {
    int x0, x1;
    FN(share)((int)TB, n, k, &x0, &x1);
    if (x1 > x0) GEMM(NT, NT, x1 - x0, I, G, dG + (size_t)x0 * G, G, a->w.weightIh, I, 0.0f, a->dx + (size_t)x0 * I, I);
  }
  if (P > 0 && a->dWeightHr) {
    int p0, p1;
    FN(share)(P, n, k, &p0, &p1);
    if (p1 > p0) GEMM(TR, NT, p1 - p0, H, (int)TB, dHidden + p0, P, tp->unprojected, H, 0.0f, a->dWeightHr + (size_t)p0 * H, H);
  }
}

const char *FN(rec_backward)(const rec_backward_t *a) {
  const rec_dims_t *d = &a->d;
  const int T = d->T, B = d->B, H = d->H, P = d->P, R = d->R, G = d->G;
  const int gru = d->mode == MODE_GRU;
  const size_t TB = (size_t)T * B;
  /* every row of the gate gradients is written at each step it runs: only rows past their length
   * (lengths given) need zeros, for the products after the loop */
  const int zero = d->lengths != NULL;
  FN(backward_job_t) job = {.a = a, .pool = a->pool, .n = FN(participants)(d, a->pool)};
  job.dG = a->scratchDGates ? a->scratchDGates : calloc(TB * G, sizeof(float));
  job.dGh = gru ? (a->scratchDGatesHidden ? a->scratchDGatesHidden : calloc(TB * G, sizeof(float))) : job.dG;
  job.dHidden = P > 0 ? (a->scratchDHidden ? a->scratchDHidden : calloc(TB * P, sizeof(float))) : NULL;
  const int ownDG = !a->scratchDGates, ownDGh = gru && !a->scratchDGatesHidden, ownDH = P > 0 && !a->scratchDHidden;
  if (zero && job.dG && !ownDG) memset(job.dG, 0, TB * G * sizeof(float));
  if (zero && gru && job.dGh && !ownDGh) memset(job.dGh, 0, TB * G * sizeof(float));
  if (zero && job.dHidden && !ownDH) memset(job.dHidden, 0, TB * P * sizeof(float));
  job.dm = P > 0 ? malloc((size_t)B * H * sizeof(float)) : NULL;
  job.next = malloc((size_t)B * R * sizeof(float));
  job.drh = gru && !d->resetAfter ? malloc((size_t)B * H * sizeof(float)) : NULL;
  if (!job.dG || !job.dGh || (P > 0 && (!job.dHidden || !job.dm)) || !job.next || (gru && !d->resetAfter && !job.drh)) {
    if (ownDG) free(job.dG);
    if (ownDGh) free(job.dGh);
    if (ownDH) free(job.dHidden);
    free(job.dm); free(job.next); free(job.drh);
    return "out of memory";
  }
  int *rows = FN(active_rows)(d);
  job.rows = rows;
  pool_run(a->pool, job.n, FN(backward_part), &job);
  free(rows);
  if (ownDG) free(job.dG);
  if (ownDGh) free(job.dGh);
  if (ownDH) free(job.dHidden);
  free(job.dm); free(job.next); free(job.drh);
  return NULL;
}
