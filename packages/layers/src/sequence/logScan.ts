import { type Tensor, fail, fromData } from '@recurrent/tensor';
import { definePrimitive } from '@recurrent/autograd';

/** Options of {@link logLinearScan}. */
export interface LogScanOptions {
  /** The layer named in errors. */
  owner: string;
  /** Per-sequence lengths (PyTorch's packed semantics), or null for all T steps. */
  lengths: Int32Array | null;
}

/** logaddexp(x, y) = log(eˣ + eʸ), exact for −∞. */
function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
}

/**
 * An inclusive scan of `T` elements over `N` lanes with an associative operator, by Brent–Kung:
 * an up-sweep and a down-sweep of ⌈log₂ T⌉ levels each (depth O(log T), work O(T)), every level
 * one pass over independent element pairs × lanes. `combine(first, second, lane)` writes
 * `element[first] ∘ element[second]` into `second`.
 */
function brentKung(T: number, combine: (first: number, second: number) => void): void {
  let top = 1;
  for (let d = 1; d < T; d *= 2) {
    for (let i = 2 * d - 1; i < T; i += 2 * d) combine(i - d, i);
    top = d;
  }
  for (let d = top / 2; d >= 1; d /= 2) {
    for (let i = 3 * d - 1; i < T; i += 2 * d) combine(i - d, i);
  }
}

/**
 * The linear recurrence `h_t = a_t ⊙ h_{t−1} + b_t` over a whole sequence, with `a_t = exp(logA_t)`,
 * `b_t = exp(logB_t)` and `h_{−1} = h0 ≥ 0`, computed as a parallel scan in log space (Feng et al.
 * 2024, "Were RNNs all we needed?"): the pairs `(log A, log B)` compose associatively,
 * `(A₁, B₁) ∘ (A₂, B₂) = (A₁ + A₂, logaddexp(B₁ + A₂, B₂))`, so a Brent–Kung scan gives every prefix
 * in O(log T) levels, and `log h_t = logaddexp(A_{0..t} + log h0, B_{0..t})`. The backward pass is
 * the reverse recurrence `δ_t = ∂L/∂h_t + a_{t+1} δ_{t+1}`, the same scan in linear space, then
 * `∂L/∂logA_t = δ_t a_t h_{t−1}`, `∂L/∂logB_t = δ_t b_t`, `∂L/∂h0 = a_0 δ_0`. Past a sequence's
 * length the state is held (`a = 1`, `b = 0`) and those steps get no gradient. Sums run in float64.
 *
 * Inputs: `logA [T, B, H]`, `logB [T, B, H]`, `h0 [B, H]` (or null: zeros). Output: `h [T, B, H]`.
 */
export const logLinearScan = definePrimitive<LogScanOptions>({
  name: 'logLinearScan',
  forward(context, [logA, logB, h0], options) {
    const [T, B, H] = logA!.shape;
    const N = B * H;
    const la = logA!.data, lb = logB!.data;
    const active = (t: number, lane: number) => options.lengths === null || t < options.lengths[Math.floor(lane / H)];
    const A = new Float64Array(T * N);
    const Bv = new Float64Array(T * N);
    for (let t = 0; t < T; t++) {
      for (let lane = 0; lane < N; lane++) {
        const i = t * N + lane;
        if (active(t, lane)) {
          A[i] = la[i];
          Bv[i] = lb[i];
        } else {
          A[i] = 0;
          Bv[i] = -Infinity;
        }
      }
    }
    brentKung(T, (first, second) => {
      const f = first * N, s = second * N;
      for (let lane = 0; lane < N; lane++) {
        Bv[s + lane] = logAddExp(Bv[f + lane] + A[s + lane], Bv[s + lane]);
        A[s + lane] += A[f + lane];
      }
    });
    const logH0 = new Float64Array(N).fill(-Infinity);
    if (h0) {
      for (let lane = 0; lane < N; lane++) {
        const v = h0.data[lane];
        if (!(v >= 0)) fail(options.owner, 'h0 ≥ 0 (the log-space scan holds non-negative states)', String(v));
        logH0[lane] = Math.log(v);
      }
    }
    const h = new Float32Array(T * N);
    const h64 = new Float64Array(T * N);
    for (let i = 0; i < T * N; i++) {
      h64[i] = Math.exp(logAddExp(A[i] + logH0[i % N], Bv[i]));
      h[i] = h64[i];
    }
    // a_t and b_t as the scan used them (1 and 0 past a sequence's length), for the backward pass
    for (let i = 0; i < T * N; i++) {
      const active = options.lengths === null || Math.floor(i / N) < options.lengths[Math.floor((i % N) / H)];
      A[i] = active ? Math.exp(la[i]) : 1;
      Bv[i] = active ? Math.exp(lb[i]) : 0;
    }
    context.saved.h = h64;
    context.saved.a = A;
    context.saved.b = Bv;
    context.saved.h0 = h0 ? Float64Array.from(h0.data) : new Float64Array(N);
    return [fromData(h, [T, B, H], { backend: logA!.backend })];
  },
  backward(context, [dh], options) {
    if (!dh) return [null, null, null];
    const [T, B, H] = dh.shape;
    const N = B * H;
    const h = context.saved.h as Float64Array;
    const a = context.saved.a as Float64Array;
    const b = context.saved.b as Float64Array;
    const h0 = context.saved.h0 as Float64Array;
    // reversed time s = T − 1 − t: δ_s = α_s δ_{s−1} + β_s with α_s = a_{t+1}, β_s = ∂L/∂h_t
    const alpha = new Float64Array(T * N);
    const delta = new Float64Array(T * N);
    for (let s = 0; s < T; s++) {
      const t = T - 1 - s;
      for (let lane = 0; lane < N; lane++) {
        alpha[s * N + lane] = t + 1 < T ? a[(t + 1) * N + lane] : 0;
        delta[s * N + lane] = dh.data[t * N + lane];
      }
    }
    brentKung(T, (first, second) => {
      const f = first * N, s = second * N;
      for (let lane = 0; lane < N; lane++) {
        delta[s + lane] += alpha[s + lane] * delta[f + lane];
        alpha[s + lane] *= alpha[f + lane];
      }
    });
    const dLogA = new Float32Array(T * N);
    const dLogB = new Float32Array(T * N);
    const dh0 = new Float32Array(N);
    for (let t = 0; t < T; t++) {
      for (let lane = 0; lane < N; lane++) {
        const i = t * N + lane;
        const active = options.lengths === null || t < options.lengths[Math.floor(lane / H)];
        if (!active) continue;
        const d = delta[(T - 1 - t) * N + lane];
        const previous = t === 0 ? h0[lane] : h[i - N];
        dLogA[i] = d * a[i] * previous;
        dLogB[i] = d * b[i];
        if (t === 0) dh0[lane] = d * a[i];
      }
    }
    const backend = dh.backend;
    return [
      fromData(dLogA, [T, B, H], { backend }),
      fromData(dLogB, [T, B, H], { backend }),
      context.needsGrad[2] ? fromData(dh0, [B, H], { backend }) : null,
    ];
  },
});
