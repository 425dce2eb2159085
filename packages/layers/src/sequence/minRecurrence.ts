import { type Tensor, fromData } from '@recurrent/tensor';
import { definePrimitive } from '@recurrent/autograd';
import { type ScanSpace, type ScanTape, scanBackward, scanForward } from './logScan.js';

/** Options of {@link minRecurrence}. */
export interface MinRecurrenceOptions {
  /** `MinGRU` (gates `z, h̃`) or `MinLSTM` (gates `f, i, h̃`); also the name in errors. */
  kind: 'MinGRU' | 'MinLSTM';
  /** Per-sequence lengths, or null. */
  lengths: Int32Array | null;
  /** Where the scan composes its pairs (see `scanForward`). */
  space: ScanSpace;
}

/** `k + bias` broadcast over the rows (the projection itself when there is no bias). */
function biasAdded(k: Tensor, bias: Tensor | null): { data: ArrayLike<number>; shape: readonly number[] } {
  if (!bias) return k;
  const width = bias.size;
  const data = new Float32Array(k.size);
  for (let row = 0; row < k.size / width; row++) for (let q = 0; q < width; q++) data[row * width + q] = k.data[row * width + q] + bias.data[q];
  return { data, shape: k.shape };
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
// g(v) = v + ½ for v ≥ 0, σ(v) below; log g; g′
const g = (v: number) => (v >= 0 ? v + 0.5 : sigmoid(v));
const logG = (v: number) => (v >= 0 ? Math.log(v + 0.5) : -softplus(-v));
const dG = (v: number) => {
  if (v >= 0) return 1;
  const s = sigmoid(v);
  return s * (1 - s);
};

/**
 * A whole min-RNN layer's recurrence from its projections `k = x W_ihᵀ + b_ih [T, B, gates·H]`, in
 * one node: the coefficients of `h_t = a_t h_{t−1} + b_t` (minGRU: `a = 1 − σ(z̃)`,
 * `b = σ(z̃)·g(h̃)`; minLSTM: `a = σ(f̃)/(σ(f̃) + σ(ĩ))`, `b = (1 − a)·g(h̃)`), the parallel scan
 * ({@link scanForward}) and a backward pass that carries `∂L/∂a`, `∂L/∂b` back to `k`. In `log`
 * space the coefficients are formed as Feng et al. write them (`log a = −softplus(z̃)`,
 * `log b = −softplus(−z̃) + log g(h̃)`; minLSTM with `d = softplus(−f̃) − softplus(−ĩ)`:
 * `log a = −softplus(d)`, `log b = −softplus(−d) + log g(h̃)`). The result equals composing the ops,
 * in a few passes over memory instead of a graph node per op.
 *
 * Inputs: `k [T, B, gates·H]` (the projections without bias), `bias [gates·H]` (or null; added
 * here, which saves a pass over `k` and its gradient's reduction), `h0 [B, H]` (≥ 0, or null).
 * Output: `h [T, B, H]`.
 */
export const minRecurrence = definePrimitive<MinRecurrenceOptions, 'projection' | 'bias' | 'h0'>({
  name: 'minRecurrence',
  inputs: ['projection', 'bias', 'h0'],
  forward(context, { projection, bias, h0 }, options) {
    const k = biasAdded(projection!, bias);
    const [T, B, width] = k.shape;
    const gates = options.kind === 'MinGRU' ? 2 : 3;
    const H = width / gates;
    const N = B * H;
    const first = new Float32Array(T * N);
    const second = new Float32Array(T * N);
    const data = k.data;
    const log = options.space === 'log';
    // σ of the gates and g(h̃), kept for the backward pass (no exp there)
    const gateValues = new Float32Array(T * N * gates);
    for (let row = 0; row < T * B; row++) {
      const base = row * width;
      for (let j = 0; j < H; j++) {
        const i = row * H + j;
        const candidate = data[base + (gates - 1) * H + j];
        const gv = g(candidate);
        gateValues[i * gates + gates - 1] = gv;
        if (gates === 2) {
          const z = data[base + j];
          const s = sigmoid(z);
          gateValues[i * 2] = s;
          if (log) {
            first[i] = -softplus(z);
            second[i] = -softplus(-z) + logG(candidate);
          } else {
            first[i] = 1 - s;
            second[i] = s * gv;
          }
        } else {
          const f = sigmoid(data[base + j]), input = sigmoid(data[base + H + j]);
          gateValues[i * 3] = f;
          gateValues[i * 3 + 1] = input;
          if (log) {
            const d = softplus(-data[base + j]) - softplus(-data[base + H + j]);
            first[i] = -softplus(d);
            second[i] = -softplus(-d) + logG(candidate);
          } else {
            const a = f / (f + input);
            first[i] = a;
            second[i] = (1 - a) * gv;
          }
        }
      }
    }
    const tape = scanForward(options.kind, options.space, first, second, h0 ? h0.data : null, T, N, H, options.lengths);
    context.saved.tape = tape;
    context.saved.k = k;
    context.saved.gates = gateValues;
    return [fromData(new Float32Array(tape.h), [T, B, H], { backend: projection!.backend })];
  },
  backward(context, [dh], options) {
    if (!dh) return {};
    const tape = context.saved.tape as ScanTape;
    const k = context.saved.k as { data: ArrayLike<number>; shape: readonly number[] };
    const [T, B, width] = k.shape;
    const gates = options.kind === 'MinGRU' ? 2 : 3;
    const H = width / gates;
    const { dA, dB, dh0 } = scanBackward(tape, dh.data);
    const dk = new Float32Array(T * B * width);
    const data = k.data;
    const values = context.saved.gates as Float32Array;
    for (let row = 0; row < T * B; row++) {
      const base = row * width;
      for (let j = 0; j < H; j++) {
        const i = row * H + j;
        const da = dA[i], db = dB[i];
        const candidate = data[base + (gates - 1) * H + j];
        if (gates === 2) {
          // a = 1 − z, b = z·g(h̃), z = σ(z̃): ∂/∂z̃ = z(1 − z)(g·∂b − ∂a), ∂/∂h̃ = z·g′(h̃)·∂b
          const z = values[i * 2];
          dk[base + j] = z * (1 - z) * (values[i * 2 + 1] * db - da);
          dk[base + H + j] = z * dG(candidate) * db;
        } else {
          // a = f/s, b = (i/s)·g, s = f + i: ∂/∂f = (i/s²)(∂a − g∂b), ∂/∂i = (f/s²)(g∂b − ∂a)
          const f = values[i * 3], input = values[i * 3 + 1];
          const s = f + input;
          const gv = values[i * 3 + 2];
          const common = (da - gv * db) / (s * s);
          dk[base + j] = input * common * f * (1 - f);
          dk[base + H + j] = -f * common * input * (1 - input);
          dk[base + 2 * H + j] = (input / s) * dG(candidate) * db;
        }
      }
    }
    const backend = dh.backend;
    let dBias: Tensor | null = null;
    if (context.needsGrad.bias) {
      const sums = new Float64Array(width);
      for (let row = 0; row < T * B; row++) for (let q = 0; q < width; q++) sums[q] += dk[row * width + q];
      dBias = fromData(Float32Array.from(sums), [width], { backend });
    }
    return { projection: fromData(dk, [T, B, width], { backend }), bias: dBias, h0: context.needsGrad.h0 ? fromData(new Float32Array(dh0), [B, H], { backend }) : null };
  },
});
