/* The recurrence kernels, included once per instruction set by recurrenceScalar.c,
 * recurrenceAvx2.c and recurrenceAvx512.c with FN(name) naming that copy. Products go to the BLAS
 * (one for the input projection of every step, one or two per step for the recurrent weight, a few
 * after the loop for the weight gradients); the gate loops are plain C over contiguous rows that
 * the compiler vectorises for the file's target (vecmath.h gives exp, tanh and σ without libm). */
#include <cblas.h>
/* cblas.h brings complex.h, whose macro I would shadow the input size */
#undef I
#include <stdlib.h>
#include <string.h>
#include "recurrence.h"
#include "vecmath.h"

#define ACTIVE(d, b, t) ((d)->lengths == NULL || (t) < (d)->lengths[b])
#define GEMM(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc) \
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc)
#define NT CblasNoTrans
#define TR CblasTrans

/* Gate loops take `hard` as a constant: called through WITH_HARD, each inlined copy has no select
 * between the two activations inside the loop (which would keep GCC from vectorising it). */
#define INLINE static inline __attribute__((always_inline))
#define WITH_HARD(hard, call) do { if (hard) { const int HARD = 1; call; } else { const int HARD = 0; call; } } while (0)

static inline float FN(gate)(float v, int hard) { return hard ? hard_sigmoid_f(v) : sigmoid_f(v); }
/* dσ from σ's output: y(1 − y) for the logistic, 0.2 inside (0, 1) for the hard sigmoid */
static inline float FN(gate_slope)(float y, int hard) {
  return hard ? ((y > 0.0f && y < 1.0f) ? 0.2f : 0.0f) : y * (1.0f - y);
}

/* LSTM gates of one row: pre-activations in g (input side) + w (hidden side) + bias; writes the
 * activated gates back into g, the new cell state into c and the unprojected output into out. */
INLINE void FN(lstm_row)(int H, const int hard, float *restrict g, const float *restrict w, const float *restrict bias,
                         const float *restrict cp, float *restrict c, float *restrict tc, float *restrict out,
                         const float *wci, const float *wcf, const float *wco) {
  if (wci == NULL) {
    for (int j = 0; j < H; j++) {
      float bi = bias[j], bf = bias[H + j], bg = bias[2 * H + j], bo = bias[3 * H + j];
      float i = FN(gate)(g[j] + w[j] + bi, hard);
      float f = FN(gate)(g[H + j] + w[H + j] + bf, hard);
      float gg = tanh_f(g[2 * H + j] + w[2 * H + j] + bg);
      float o = FN(gate)(g[3 * H + j] + w[3 * H + j] + bo, hard);
      float cn = f * cp[j] + i * gg;
      float t = tanh_f(cn);
      g[j] = i; g[H + j] = f; g[2 * H + j] = gg; g[3 * H + j] = o;
      c[j] = cn; tc[j] = t; out[j] = o * t;
    }
    return;
  }
  for (int j = 0; j < H; j++) {
    float bi = bias[j], bf = bias[H + j], bg = bias[2 * H + j], bo = bias[3 * H + j];
    float i = FN(gate)(g[j] + w[j] + bi + wci[j] * cp[j], hard);
    float f = FN(gate)(g[H + j] + w[H + j] + bf + wcf[j] * cp[j], hard);
    float gg = tanh_f(g[2 * H + j] + w[2 * H + j] + bg);
    float cn = f * cp[j] + i * gg;
    float o = FN(gate)(g[3 * H + j] + w[3 * H + j] + bo + wco[j] * cn, hard);
    float t = tanh_f(cn);
    g[j] = i; g[H + j] = f; g[2 * H + j] = gg; g[3 * H + j] = o;
    c[j] = cn; tc[j] = t; out[j] = o * t;
  }
}

/* GRU, reset before the product: r, z and r ⊙ h of one row. */
INLINE void FN(gru_rz_row)(int H, const int hard, float *restrict g, const float *restrict w, const float *restrict bias,
                           const float *restrict h, float *restrict rh) {
  for (int j = 0; j < H; j++) {
    float r = FN(gate)(g[j] + w[j] + bias[j], hard);
    g[j] = r;
    g[H + j] = FN(gate)(g[H + j] + w[H + j] + bias[H + j], hard);
    rh[j] = r * h[j];
  }
}

/* GRU, reset after the product (PyTorch's): the gates and new state of one row. */
INLINE void FN(gru_after_row)(int H, const int hard, float *restrict g, const float *restrict w, const float *restrict bias,
                              const float *restrict bhn, const float *restrict h, float *restrict hn, float *restrict out) {
  for (int j = 0; j < H; j++) {
    float r = FN(gate)(g[j] + w[j] + bias[j], hard);
    float z = FN(gate)(g[H + j] + w[H + j] + bias[H + j], hard);
    float hv = w[2 * H + j] + bhn[j];
    float n = tanh_f(g[2 * H + j] + bias[2 * H + j] + r * hv);
    g[j] = r; g[H + j] = z; g[2 * H + j] = n;
    hn[j] = hv;
    out[j] = (1.0f - z) * n + z * h[j];
  }
}

/* LSTM backward of one row without peepholes: dc carries to c_{t−1}, dg gets the gate gradients. */
INLINE void FN(lstm_back_row)(int H, const int hard, const float *restrict g, const float *restrict tc, const float *restrict cp,
                              const float *restrict dmb, float *restrict dcb, float *restrict dg) {
  for (int j = 0; j < H; j++) {
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
INLINE void FN(lstm_back_peep_row)(int H, const int hard, const float *restrict g, const float *restrict tc, const float *restrict cp,
                                   const float *restrict ct, const float *restrict dmb, float *restrict dcb, float *restrict dg,
                                   const rec_weights_t *w, const rec_backward_t *a) {
  const float *restrict wci = w->weightCi, *restrict wcf = w->weightCf, *restrict wco = w->weightCo;
  float *restrict dci = a->dWeightCi, *restrict dcf = a->dWeightCf, *restrict dco = a->dWeightCo;
  for (int j = 0; j < H; j++) {
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
INLINE void FN(gru_back_row)(int H, const int hard, const int resetAfter, const float *restrict g, const float *restrict hp,
                             const float *restrict hn, const float *restrict dhb, float *restrict dg, float *restrict dgh) {
  for (int j = 0; j < H; j++) {
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
INLINE void FN(gru_dr_row)(int H, const int hard, const float *restrict g, const float *restrict hp, const float *restrict q,
                           float *restrict dg, float *restrict dgh) {
  for (int j = 0; j < H; j++) {
    float dr = q[j] * hp[j] * FN(gate_slope)(g[j], hard);
    dg[j] = dr; dgh[j] = dr;
  }
}

const char *FN(rec_forward)(const rec_forward_t *a) {
  const rec_dims_t *d = &a->d;
  const int T = d->T, B = d->B, I = d->I, H = d->H, P = d->P, R = d->R, G = d->G, hard = d->hardSigmoid;
  const int lstm = d->mode == MODE_LSTM, gru = d->mode == MODE_GRU, relu = d->mode == MODE_RNN_RELU;
  const size_t TB = (size_t)T * B;
  const rec_tape_t *tp = a->keepTape ? &a->tape : NULL;
  float *gates = tp ? tp->gates : a->scratchGates ? a->scratchGates : malloc(TB * G * sizeof(float));
  const int ownGates = !tp && !a->scratchGates;
  float *work = malloc((size_t)B * G * sizeof(float));
  float *bias = malloc((size_t)(G + H) * sizeof(float));
  float *cells = lstm ? (tp ? NULL : malloc((size_t)B * H * sizeof(float))) : NULL;
  float *tcs = lstm ? (tp ? NULL : malloc((size_t)B * H * sizeof(float))) : NULL;
  float *unproj = lstm && P > 0 ? (tp ? NULL : malloc((size_t)B * H * sizeof(float))) : NULL;
  float *hnRow = gru ? (tp ? NULL : malloc((size_t)B * H * sizeof(float))) : NULL;
  float *proj = P > 0 ? malloc((size_t)B * P * sizeof(float)) : NULL;
  float *cTmp = lstm ? malloc((size_t)B * H * sizeof(float)) : NULL;
  if (!gates || !work || !bias || (lstm && !tp && (!cells || !tcs)) || (P > 0 && (!proj || (!tp && !unproj))) || (gru && !tp && !hnRow) || (lstm && !cTmp)) {
    if (ownGates) free(gates);
    free(work); free(bias); free(cells); free(tcs); free(unproj); free(hnRow); free(proj); free(cTmp);
    return "out of memory";
  }
  /* the bias of each gate: b_ih + b_hh, except GRU's n gate, whose b_hh sits inside r ⊙ (·) */
  for (int j = 0; j < G; j++) {
    float bi = a->w.biasIh ? a->w.biasIh[j] : 0.0f, bh = a->w.biasHh ? a->w.biasHh[j] : 0.0f;
    bias[j] = gru && j >= 2 * H ? bi : bi + bh;
  }
  /* GRU's b_hn after the gate biases, zeros without a bias: the gate loops read it unconditionally */
  const float *bhn = bias + G;
  for (int j = 0; j < H; j++) bias[G + j] = gru && a->w.biasHh ? a->w.biasHh[2 * H + j] : 0.0f;
  GEMM(NT, TR, (int)TB, G, I, a->x, I, a->w.weightIh, I, 0.0f, gates, G);
  if (a->h0) memcpy(a->hN, a->h0, (size_t)B * R * sizeof(float));
  else memset(a->hN, 0, (size_t)B * R * sizeof(float));
  if (lstm) {
    if (a->c0) memcpy(a->cN, a->c0, (size_t)B * H * sizeof(float));
    else memset(a->cN, 0, (size_t)B * H * sizeof(float));
  }
  memset(a->output, 0, TB * R * sizeof(float));
  for (int s = 0; s < T; s++) {
    const int t = d->reverse ? T - 1 - s : s;
    const size_t row0 = (size_t)t * B;
    if (tp) {
      memcpy(tp->hPrev + row0 * R, a->hN, (size_t)B * R * sizeof(float));
      if (lstm) memcpy(tp->cPrev + row0 * H, a->cN, (size_t)B * H * sizeof(float));
    }
    if (gru && !d->resetAfter) {
      /* reset before the product: r and z first, then W_hn (r ⊙ h) */
      GEMM(NT, TR, B, 2 * H, R, a->hN, R, a->w.weightHh, R, 0.0f, work, G);
      for (int b = 0; b < B; b++) {
        float *restrict g = gates + (row0 + b) * G;
        const float *restrict w = work + (size_t)b * G;
        const float *restrict h = a->hN + (size_t)b * R;
        float *restrict rh = (tp ? tp->hn + (row0 + b) * H : hnRow + (size_t)b * H);
        WITH_HARD(hard, FN(gru_rz_row)(H, HARD, g, w, bias, h, rh));
      }
      GEMM(NT, TR, B, H, H, tp ? tp->hn + row0 * H : hnRow, H, a->w.weightHh + (size_t)2 * H * R, R, 0.0f, work + 2 * H, G);
    } else {
      GEMM(NT, TR, B, G, R, a->hN, R, a->w.weightHh, R, 0.0f, work, G);
    }
    for (int b = 0; b < B; b++) {
      if (!ACTIVE(d, b, t)) continue;
      float *restrict g = gates + (row0 + b) * G;
      const float *restrict w = work + (size_t)b * G;
      float *restrict h = a->hN + (size_t)b * R;
      float *restrict out = a->output + (row0 + b) * R;
      if (lstm) {
        float *c = tp ? tp->cells + (row0 + b) * H : cells + (size_t)b * H;
        float *tc = tp ? tp->tanhCells + (row0 + b) * H : tcs + (size_t)b * H;
        float *m = P > 0 ? (tp ? tp->unprojected + (row0 + b) * H : unproj + (size_t)b * H) : out;
        WITH_HARD(hard, FN(lstm_row)(H, HARD, g, w, bias, a->cN + (size_t)b * H, c, tc, m, a->w.weightCi, a->w.weightCf, a->w.weightCo));
        memcpy(a->cN + (size_t)b * H, c, (size_t)H * sizeof(float));
        if (P == 0) memcpy(h, out, (size_t)H * sizeof(float));
      } else if (gru) {
        float *restrict hn = tp ? tp->hn + (row0 + b) * H : hnRow + (size_t)b * H;
        if (d->resetAfter) {
          WITH_HARD(hard, FN(gru_after_row)(H, HARD, g, w, bias, bhn, h, hn, out));
        } else {
          for (int j = 0; j < H; j++) {
            float z = g[H + j];
            float n = tanh_f(g[2 * H + j] + bias[2 * H + j] + w[2 * H + j] + bhn[j]);
            g[2 * H + j] = n;
            out[j] = (1.0f - z) * n + z * h[j];
          }
        }
        memcpy(h, out, (size_t)H * sizeof(float));
      } else {
        if (relu) {
          for (int j = 0; j < H; j++) {
            float v = g[j] + w[j] + bias[j];
            float y = v > 0.0f ? v : 0.0f;
            g[j] = y; out[j] = y;
          }
        } else {
          for (int j = 0; j < H; j++) {
            float y = tanh_f(g[j] + w[j] + bias[j]);
            g[j] = y; out[j] = y;
          }
        }
        memcpy(h, out, (size_t)H * sizeof(float));
      }
    }
    if (P > 0) {
      GEMM(NT, TR, B, P, H, tp ? tp->unprojected + row0 * H : unproj, H, a->w.weightHr, H, 0.0f, proj, P);
      for (int b = 0; b < B; b++) {
        if (!ACTIVE(d, b, t)) continue;
        memcpy(a->hN + (size_t)b * P, proj + (size_t)b * P, (size_t)P * sizeof(float));
        memcpy(a->output + (row0 + b) * P, proj + (size_t)b * P, (size_t)P * sizeof(float));
      }
    }
  }
  if (ownGates) free(gates);
  free(work); free(bias); free(cells); free(tcs); free(unproj); free(hnRow); free(proj); free(cTmp);
  return NULL;
}

/* Σ over rows of a [rows, n] matrix into out[n] (the bias gradients). */
static void FN(column_sums)(const float *restrict m, size_t rows, int n, float *restrict out) {
  memset(out, 0, (size_t)n * sizeof(float));
  for (size_t r = 0; r < rows; r++) {
    const float *restrict row = m + r * n;
    for (int j = 0; j < n; j++) out[j] += row[j];
  }
}

const char *FN(rec_backward)(const rec_backward_t *a) {
  const rec_dims_t *d = &a->d;
  const int T = d->T, B = d->B, I = d->I, H = d->H, P = d->P, R = d->R, G = d->G, hard = d->hardSigmoid;
  const int lstm = d->mode == MODE_LSTM, gru = d->mode == MODE_GRU, relu = d->mode == MODE_RNN_RELU;
  const size_t TB = (size_t)T * B;
  const rec_tape_t *tp = &a->tape;
  /* gate gradients of every step; the GRU's hidden side differs in its n block (dn ⊙ r) */
  /* every row of the gate gradients is written at each step it runs: only rows past their length
   * (lengths given) need zeros, for the products after the loop */
  const int zero = d->lengths != NULL;
  float *dG = a->scratchDGates ? a->scratchDGates : calloc(TB * G, sizeof(float));
  float *dGh = gru ? (a->scratchDGatesHidden ? a->scratchDGatesHidden : calloc(TB * G, sizeof(float))) : dG;
  float *dHidden = P > 0 ? (a->scratchDHidden ? a->scratchDHidden : calloc(TB * P, sizeof(float))) : NULL;
  const int ownDG = !a->scratchDGates, ownDGh = gru && !a->scratchDGatesHidden, ownDH = P > 0 && !a->scratchDHidden;
  if (zero && dG && !ownDG) memset(dG, 0, TB * G * sizeof(float));
  if (zero && gru && dGh && !ownDGh) memset(dGh, 0, TB * G * sizeof(float));
  if (zero && dHidden && !ownDH) memset(dHidden, 0, TB * P * sizeof(float));
  float *dm = P > 0 ? malloc((size_t)B * H * sizeof(float)) : NULL;
  float *next = malloc((size_t)B * R * sizeof(float));
  float *drh = gru && !d->resetAfter ? malloc((size_t)B * H * sizeof(float)) : NULL;
  if (!dG || !dGh || (P > 0 && (!dHidden || !dm)) || !next || (gru && !d->resetAfter && !drh)) {
    if (ownDG) free(dG);
    if (ownDGh) free(dGh);
    if (ownDH) free(dHidden);
    free(dm); free(next); free(drh);
    return "out of memory";
  }
  float *dh = a->dh0, *dc = a->dc0;
  if (a->dhN) memcpy(dh, a->dhN, (size_t)B * R * sizeof(float));
  else memset(dh, 0, (size_t)B * R * sizeof(float));
  if (lstm) {
    if (a->dcN) memcpy(dc, a->dcN, (size_t)B * H * sizeof(float));
    else memset(dc, 0, (size_t)B * H * sizeof(float));
  }
  const int peep = lstm && a->w.weightCi != NULL;
  if (peep) {
    memset(a->dWeightCi, 0, (size_t)H * sizeof(float));
    memset(a->dWeightCf, 0, (size_t)H * sizeof(float));
    memset(a->dWeightCo, 0, (size_t)H * sizeof(float));
  }
  for (int s = T - 1; s >= 0; s--) {
    const int t = d->reverse ? T - 1 - s : s;
    const size_t row0 = (size_t)t * B;
    for (int b = 0; b < B; b++) {
      if (!ACTIVE(d, b, t) || !a->dOutput) continue;
      float *restrict dhb = dh + (size_t)b * R;
      const float *restrict dob = a->dOutput + (row0 + b) * R;
      for (int j = 0; j < R; j++) dhb[j] += dob[j];
    }
    if (P > 0) {
      for (int b = 0; b < B; b++) {
        if (ACTIVE(d, b, t)) memcpy(dHidden + (row0 + b) * P, dh + (size_t)b * P, (size_t)P * sizeof(float));
      }
      GEMM(NT, NT, B, H, P, dh, P, a->w.weightHr, H, 0.0f, dm, H);
    }
    for (int b = 0; b < B; b++) {
      if (!ACTIVE(d, b, t)) continue;
      const float *restrict g = tp->gates + (row0 + b) * G;
      float *restrict dg = dG + (row0 + b) * G;
      if (lstm) {
        const float *restrict tc = tp->tanhCells + (row0 + b) * H;
        const float *restrict cp = tp->cPrev + (row0 + b) * H;
        const float *restrict dmb = P > 0 ? dm + (size_t)b * H : dh + (size_t)b * R;
        float *restrict dcb = dc + (size_t)b * H;
        if (!peep) WITH_HARD(hard, FN(lstm_back_row)(H, HARD, g, tc, cp, dmb, dcb, dg));
        else WITH_HARD(hard, FN(lstm_back_peep_row)(H, HARD, g, tc, cp, tp->cells + (row0 + b) * H, dmb, dcb, dg, &a->w, a));
      } else if (gru) {
        const float *restrict hp = tp->hPrev + (row0 + b) * R;
        const float *restrict hn = tp->hn + (row0 + b) * H;
        const float *restrict dhb = dh + (size_t)b * R;
        float *restrict dgh = dGh + (row0 + b) * G;
        if (d->resetAfter) WITH_HARD(hard, FN(gru_back_row)(H, HARD, 1, g, hp, hn, dhb, dg, dgh));
        else WITH_HARD(hard, FN(gru_back_row)(H, HARD, 0, g, hp, hn, dhb, dg, dgh));
      } else {
        const float *restrict dhb = dh + (size_t)b * R;
        if (relu) for (int j = 0; j < H; j++) dg[j] = g[j] > 0.0f ? dhb[j] : 0.0f;
        else for (int j = 0; j < H; j++) dg[j] = dhb[j] * (1.0f - g[j] * g[j]);
      }
    }
    /* ∂L/∂h_{t−1} */
    if (gru && !d->resetAfter) {
      /* d(r ⊙ h) = dn · W_hn first: it gives dr, which the r block of the product needs */
      GEMM(NT, NT, B, H, H, dGh + row0 * G + 2 * H, G, a->w.weightHh + (size_t)2 * H * R, R, 0.0f, drh, H);
      for (int b = 0; b < B; b++) {
        if (!ACTIVE(d, b, t)) continue;
        const float *restrict g = tp->gates + (row0 + b) * G;
        const float *restrict hp = tp->hPrev + (row0 + b) * R;
        float *restrict dg = dG + (row0 + b) * G, *restrict dgh = dGh + (row0 + b) * G;
        const float *restrict q = drh + (size_t)b * H;
        WITH_HARD(hard, FN(gru_dr_row)(H, HARD, g, hp, q, dg, dgh));
      }
      GEMM(NT, NT, B, R, 2 * H, dGh + row0 * G, G, a->w.weightHh, R, 0.0f, next, R);
    } else {
      GEMM(NT, NT, B, R, G, dGh + row0 * G, G, a->w.weightHh, R, 0.0f, next, R);
    }
    for (int b = 0; b < B; b++) {
      if (!ACTIVE(d, b, t)) continue;
      float *restrict dhb = dh + (size_t)b * R;
      const float *restrict nb = next + (size_t)b * R;
      if (gru) {
        const float *restrict g = tp->gates + (row0 + b) * G;
        if (d->resetAfter) {
          for (int j = 0; j < H; j++) dhb[j] = nb[j] + dhb[j] * g[H + j];
        } else {
          const float *restrict q = drh + (size_t)b * H;
          for (int j = 0; j < H; j++) dhb[j] = nb[j] + dhb[j] * g[H + j] + q[j] * g[j];
        }
      } else {
        memcpy(dhb, nb, (size_t)R * sizeof(float));
      }
    }
  }
  /* the weight and input gradients of all steps at once */
  if (a->dWeightIh) GEMM(TR, NT, G, I, (int)TB, dG, G, a->x, I, 0.0f, a->dWeightIh, I);
  if (a->dWeightHh) {
    if (gru && !d->resetAfter) {
      GEMM(TR, NT, 2 * H, R, (int)TB, dGh, G, tp->hPrev, R, 0.0f, a->dWeightHh, R);
      GEMM(TR, NT, H, R, (int)TB, dGh + 2 * H, G, tp->hn, H, 0.0f, a->dWeightHh + (size_t)2 * H * R, R);
    } else {
      GEMM(TR, NT, G, R, (int)TB, dGh, G, tp->hPrev, R, 0.0f, a->dWeightHh, R);
    }
  }
  if (a->dBiasIh) FN(column_sums)(dG, TB, G, a->dBiasIh);
  if (a->dBiasHh) FN(column_sums)(dGh, TB, G, a->dBiasHh);
  if (a->dx) GEMM(NT, NT, (int)TB, I, G, dG, G, a->w.weightIh, I, 0.0f, a->dx, I);
  if (P > 0 && a->dWeightHr) GEMM(TR, NT, P, H, (int)TB, dHidden, P, tp->unprojected, H, 0.0f, a->dWeightHr, H);
  if (ownDG) free(dG);
  if (ownDGh) free(dGh);
  if (ownDH) free(dHidden);
  free(dm); free(next); free(drh);
  return NULL;
}
