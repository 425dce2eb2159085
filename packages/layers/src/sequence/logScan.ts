import { fail, fromData } from '@recurrent/tensor';
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

/** What {@link scanForward} leaves for {@link scanBackward}: states and the coefficients used. */
export interface ScanTape {
  T: number;
  N: number;
  H: number;
  lengths: Int32Array | null;
  /** `h_t` in float64, `[T, N]`. */
  h: Float32Array;
  /** `a_t` and `b_t` as the scan used them (1 and 0 past a length); `b` is kept by log-space scans only. */
  a: Float32Array;
  b: Float32Array;
  h0: Float32Array;
}

/** Where the scan composes its pairs: plain products and sums, or logarithms (Feng et al.'s form). */
export type ScanSpace = 'linear' | 'log';

/**
 * `h_t = a_t h_{t−1} + b_t` for every lane (`N = B·H`, lane `b·H + j`) over `[T, N]` coefficients
 * and `h0 ≥ 0` (null: zeros), as a Brent–Kung scan of the pairs. In `linear` space `first` and
 * `second` are `a` and `b`, composed as `(a₁, b₁) ∘ (a₂, b₂) = (a₁a₂, a₂b₁ + b₂)`; in `log` space
 * they are `log a` and `log b`, composed as `(A₁ + A₂, logaddexp(B₁ + A₂, B₂))`. Both are exact
 * and stable: the composition never divides by a running product (what pushes the paper's
 * cumulative-sum form into log space), so `linear`, with no logarithm per combine, is the fast one.
 * The buffers are overwritten (they become the tape's work buffers).
 */
export function scanForward(
  owner: string, space: ScanSpace, first: Float32Array, second: Float32Array, h0: ArrayLike<number> | null, T: number, N: number, H: number, lengths: Int32Array | null,
): ScanTape {
  const A = first, Bv = second;
  const hold = space === 'linear' ? [1, 0] : [0, -Infinity];
  if (lengths) {
    for (let t = 0; t < T; t++) {
      for (let lane = 0; lane < N; lane++) {
        if (t < lengths[Math.floor(lane / H)]) continue;
        A[t * N + lane] = hold[0];
        Bv[t * N + lane] = hold[1];
      }
    }
  }
  const start = new Float32Array(N);
  if (h0) {
    for (let lane = 0; lane < N; lane++) {
      const v = h0[lane];
      if (!(v >= 0)) fail(owner, 'h0 ≥ 0 (the scan holds non-negative states)', String(v));
      start[lane] = v;
    }
  }
  // the coefficients as used, for the backward pass (explicit loops: TypedArray.from(source, map)
  // gathers an intermediate list first)
  const a = new Float32Array(T * N);
  if (space === 'linear') {
    // b is not needed by the backward pass of a linear-space scan
    a.set(A);
    const b = new Float32Array(0);
    brentKung(T, (f0, s0) => {
      const f = f0 * N, s = s0 * N;
      for (let lane = 0; lane < N; lane++) {
        Bv[s + lane] += A[s + lane] * Bv[f + lane];
        A[s + lane] *= A[f + lane];
      }
    });
    const h = A;
    for (let t = 0; t < T; t++) for (let lane = 0; lane < N; lane++) h[t * N + lane] = A[t * N + lane] * start[lane] + Bv[t * N + lane];
    return { T, N, H, lengths, h, a, b, h0: start };
  }
  const b = new Float32Array(T * N);
  for (let i = 0; i < T * N; i++) {
    a[i] = Math.exp(A[i]);
    b[i] = Math.exp(Bv[i]);
  }
  brentKung(T, (f0, s0) => {
    const f = f0 * N, s = s0 * N;
    for (let lane = 0; lane < N; lane++) {
      Bv[s + lane] = logAddExp(Bv[f + lane] + A[s + lane], Bv[s + lane]);
      A[s + lane] += A[f + lane];
    }
  });
  const logH0 = new Float32Array(N);
  for (let lane = 0; lane < N; lane++) logH0[lane] = Math.log(start[lane]);
  // h_t = exp(logaddexp(A_{0..t} + log h0, B_{0..t})), written over the prefix buffer
  const h = A;
  for (let t = 0; t < T; t++) {
    for (let lane = 0; lane < N; lane++) {
      const i = t * N + lane;
      h[i] = Math.exp(logAddExp(A[i] + logH0[lane], Bv[i]));
    }
  }
  return { T, N, H, lengths, h, a, b, h0: start };
}

/**
 * The backward pass of {@link scanForward}: from `∂L/∂h [T, N]`, the reverse recurrence
 * `δ_t = ∂L/∂h_t + a_{t+1} δ_{t+1}` as the same scan in linear space, then `∂L/∂a_t = δ_t h_{t−1}`,
 * `∂L/∂b_t = δ_t` (0 past a length) and `∂L/∂h0 = a_0 δ_0`.
 */
export function scanBackward(tape: ScanTape, dh: ArrayLike<number>): { dA: Float32Array; dB: Float32Array; dh0: Float32Array } {
  const { T, N, H, lengths, h, a, h0 } = tape;
  // δ_t = α_t δ_{t+1} + β_t with α_t = a_{t+1} (0 at the last step), β_t = ∂L/∂h_t: the forward
  // scan run from the last step back (element k of the scan is time T − 1 − k), in place in time order
  const alpha = new Float32Array(T * N);
  alpha.set(a.subarray(N));
  const delta = new Float32Array(T * N);
  if (dh instanceof Float32Array) delta.set(dh);
  else for (let i = 0; i < T * N; i++) delta[i] = dh[i];
  brentKung(T, (first, second) => {
    const f = (T - 1 - first) * N, s = (T - 1 - second) * N;
    for (let lane = 0; lane < N; lane++) {
      delta[s + lane] += alpha[s + lane] * delta[f + lane];
      alpha[s + lane] *= alpha[f + lane];
    }
  });
  const dA = alpha;
  const dB = delta;
  const dh0 = new Float32Array(N);
  for (let lane = 0; lane < N; lane++) {
    dh0[lane] = delta[lane] * a[lane];
    dA[lane] = delta[lane] * h0[lane];
  }
  for (let i = N; i < T * N; i++) dA[i] = delta[i] * h[i - N];
  if (lengths) {
    // past a length: no gradient for a or b
    for (let t = 0; t < T; t++) {
      for (let lane = 0; lane < N; lane++) {
        if (t < lengths[Math.floor(lane / H)]) continue;
        dA[t * N + lane] = 0;
        dB[t * N + lane] = 0;
      }
    }
  }
  return { dA, dB, dh0 };
}

/**
 * The linear recurrence `h_t = a_t ⊙ h_{t−1} + b_t` over a whole sequence, with `a_t = exp(logA_t)`,
 * `b_t = exp(logB_t)` and `h_{−1} = h0 ≥ 0`, computed as a parallel scan in log space (Feng et al.
 * 2024, "Were RNNs all we needed?"): the pairs `(log A, log B)` compose associatively,
 * `(A₁, B₁) ∘ (A₂, B₂) = (A₁ + A₂, logaddexp(B₁ + A₂, B₂))`, so a Brent–Kung scan gives every prefix
 * in O(log T) levels, and `log h_t = logaddexp(A_{0..t} + log h0, B_{0..t})`. The backward pass is
 * the reverse recurrence, the same scan in linear space (see {@link scanBackward}). Past a
 * sequence's length the state is held (`a = 1`, `b = 0`) and those steps get no gradient. Sums run
 * in float64.
 *
 * Inputs: `logA [T, B, H]`, `logB [T, B, H]`, `h0 [B, H]` (or null: zeros). Output: `h [T, B, H]`.
 */
export const logLinearScan = definePrimitive<LogScanOptions, 'logA' | 'logB' | 'h0'>({
  name: 'logLinearScan',
  inputs: ['logA', 'logB', 'h0'],
  forward(context, { logA, logB, h0 }, options) {
    const [T, B, H] = logA!.shape;
    const tape = scanForward(options.owner, 'log', new Float32Array(logA!.data), new Float32Array(logB!.data), h0 ? h0.data : null, T, B * H, H, options.lengths);
    context.saved.tape = tape;
    return [fromData(new Float32Array(tape.h), [T, B, H], { backend: logA!.backend })];
  },
  backward(context, [dh]) {
    if (!dh) return {};
    const tape = context.saved.tape as ScanTape;
    const [T, B, H] = dh.shape;
    const { dA, dB, dh0 } = scanBackward(tape, dh.data);
    // ∂L/∂log a = a·∂L/∂a, ∂L/∂log b = b·∂L/∂b
    const dLogA = new Float32Array(T * B * H);
    const dLogB = new Float32Array(T * B * H);
    for (let i = 0; i < dLogA.length; i++) {
      dLogA[i] = tape.a[i] * dA[i];
      dLogB[i] = tape.b[i] * dB[i];
    }
    const backend = dh.backend;
    return {
      logA: fromData(dLogA, [T, B, H], { backend }),
      logB: fromData(dLogB, [T, B, H], { backend }),
      h0: context.needsGrad.h0 ? fromData(new Float32Array(dh0), [B, H], { backend }) : null,
    };
  },
});
