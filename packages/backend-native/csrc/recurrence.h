/* Whole-sequence recurrence (Elman RNN, LSTM with projection and peepholes, GRU with either
 * reset form), forward and backpropagation through time, on float32 arrays owned by the caller.
 * The arguments are plain structs; csrc/recurrenceBinding.c fills them from JavaScript objects,
 * and one of recurrenceScalar.c / recurrenceAvx2.c / recurrenceAvx512.c (the same code from
 * recurrenceImpl.h, compiled for each instruction set) runs them. */
#ifndef RECURRENT_RECURRENCE_H
#define RECURRENT_RECURRENCE_H
#include <stdint.h>

enum { MODE_RNN_TANH = 0, MODE_RNN_RELU = 1, MODE_LSTM = 2, MODE_GRU = 3 };

/* Sizes and flags; G = gates·H columns (RNN 1, GRU 3, LSTM 4 gate blocks), R = P || H. */
typedef struct {
  int mode, T, B, I, H, P, R, G;
  int resetAfter, hardSigmoid, reverse;
  /* the sequence arrays (x, output, the tape, dOutput, dx) are [B, T, ·] instead of [T, B, ·] */
  int batchFirst;
  const int32_t *lengths; /* [B] or NULL */
} rec_dims_t;

typedef struct {
  const float *weightIh, *weightHh, *biasIh, *biasHh, *weightHr, *weightCi, *weightCf, *weightCo;
} rec_weights_t;

/* What backward reads, written by forward (all [T, B, ·], or [B, T, ·] batch-first, as x is):
 * gates: the activated gates (LSTM i f g o; GRU r z n; RNN the new state h);
 * hPrev: the state each step started from; LSTM: cPrev, cells (c_t), tanhCells, unprojected
 * (o ⊙ tanh c before the projection, P > 0); GRU: hn (W_hn h + b_hn, reset-after; r ⊙ h, reset-before). */
typedef struct {
  float *gates, *hPrev, *cPrev, *cells, *tanhCells, *unprojected, *hn;
} rec_tape_t;

typedef struct {
  rec_dims_t d;
  rec_weights_t w;
  const float *x, *h0, *c0;
  float *output, *hN, *cN; /* [T, B, R] (or [B, T, R]), [B, R], [B, H] (cN LSTM only) */
  float *scratchGates;     /* [T, B, G] work buffer for inference (keepTape 0), or NULL: allocated here */
  rec_tape_t tape;         /* every pointer NULL for inference */
  int keepTape;
  void *pool;              /* the backend's thread_pool_t (threadPool.h), or NULL: the calling thread alone */
} rec_forward_t;

typedef struct {
  rec_dims_t d;
  rec_weights_t w;
  const float *x;
  rec_tape_t tape;
  const float *dOutput, *dhN, *dcN; /* NULL: zero */
  float *dx;                        /* [T, B, I] (or [B, T, I]) or NULL (not needed) */
  float *dh0, *dc0;                 /* [B, R], [B, H] (LSTM) */
  float *dWeightIh, *dWeightHh, *dBiasIh, *dBiasHh, *dWeightHr, *dWeightCi, *dWeightCf, *dWeightCo; /* NULL: not needed / absent */
  /* work buffers from the caller's workspace, or NULL (allocated here): the gate gradients
   * [T, B, G], the GRU's hidden-side ones [T, B, G] and the projected-state gradients [T, B, P] */
  float *scratchDGates, *scratchDGatesHidden, *scratchDHidden;
  void *pool; /* as in rec_forward_t */
} rec_backward_t;

/* 0 on success, else a static message (out of memory). */
const char *rec_forward_scalar(const rec_forward_t *a);
const char *rec_forward_avx2(const rec_forward_t *a);
const char *rec_forward_avx512(const rec_forward_t *a);
const char *rec_backward_scalar(const rec_backward_t *a);
const char *rec_backward_avx2(const rec_backward_t *a);
const char *rec_backward_avx512(const rec_backward_t *a);

#endif
