import { Generator, fromData, uniform } from '@recurrent/tensor';
import { Variable, backward, mul, sum } from '@recurrent/autograd';
import { describe, expect, it } from 'vitest';
import { logLinearScan, scanForward } from './logScan.js';

/** h_t = a_t h_{t−1} + b_t, one step after another, in float64. */
function loop(logA: Float32Array, logB: Float32Array, h0: Float32Array, T: number, N: number, lengths: number[] | null, H: number): Float64Array {
  const h = new Float64Array(T * N);
  for (let lane = 0; lane < N; lane++) {
    let state = h0[lane];
    for (let t = 0; t < T; t++) {
      if (!lengths || t < lengths[Math.floor(lane / H)]) state = Math.exp(logA[t * N + lane]) * state + Math.exp(logB[t * N + lane]);
      h[t * N + lane] = state;
    }
  }
  return h;
}

describe('logLinearScan', () => {
  it('matches the sequential recurrence for every T from 1 to 40, with and without lengths', () => {
    const B = 2, H = 3, N = B * H;
    for (let T = 1; T <= 40; T++) {
      const generator = new Generator(T);
      const logA = uniform([T, B, H], -2, 0, generator);
      const logB = uniform([T, B, H], -3, 1, generator);
      const h0 = uniform([B, H], 0, 2, generator);
      for (const lengths of [null, [T, Math.max(1, T - 3)]]) {
        const [h] = logLinearScan({ logA, logB, h0 }, { owner: 'test', lengths: lengths && Int32Array.from(lengths) });
        const expected = loop(logA.data as Float32Array, logB.data as Float32Array, h0.data as Float32Array, T, N, lengths, H);
        h.value.data.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(expected[i])));
        // the same scan in linear space, on a = exp(log a), b = exp(log b)
        const a = Float32Array.from(logA.data as Float32Array, Math.exp);
        const b = Float32Array.from(logB.data as Float32Array, Math.exp);
        const linear = scanForward('test', 'linear', a, b, h0.data, T, N, H, lengths && Int32Array.from(lengths)).h;
        linear.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(expected[i])));
      }
    }
  });

  it('has the gradient of the recurrence (finite differences of the loop)', () => {
    const T = 13, B = 1, H = 2, N = 2;
    const generator = new Generator(99);
    const logA = new Variable(uniform([T, B, H], -1, 0, generator), { requiresGrad: true });
    const logB = new Variable(uniform([T, B, H], -2, 0.5, generator), { requiresGrad: true });
    const h0 = new Variable(uniform([B, H], 0.1, 1, generator), { requiresGrad: true });
    const weights = uniform([T, B, H], -1, 1, generator);
    const [h] = logLinearScan({ logA, logB, h0 }, { owner: 'test', lengths: null });
    backward(sum(mul(h, weights)));
    const objective = (a: Float32Array, b: Float32Array, s: Float32Array) => loop(a, b, s, T, N, null, H).reduce((acc, v, i) => acc + v * weights.data[i], 0);
    for (const [variable, index] of [[logA, 0], [logB, 1], [h0, 2]] as const) {
      const base = [logA, logB, h0].map((v) => Float32Array.from(v.value.data));
      for (let i = 0; i < variable.value.size; i++) {
        const eps = 1e-3;
        const up = base.map((v) => Float32Array.from(v));
        const down = base.map((v) => Float32Array.from(v));
        up[index][i] += eps;
        down[index][i] -= eps;
        const numeric = (objective(up[0], up[1], up[2]) - objective(down[0], down[1], down[2])) / (2 * eps);
        expect(variable.grad!.data[i]).toBeCloseTo(numeric, 2);
      }
    }
  });

  it('refuses a negative initial state', () => {
    const x = fromData(new Float32Array(2), [1, 1, 2]);
    expect(() => logLinearScan({ logA: x, logB: x, h0: fromData(Float32Array.from([1, -0.5]), [1, 2]) }, { owner: 'MinGRU', lengths: null })).toThrow(
      'MinGRU: expected h0 ≥ 0 (the scan holds non-negative states), got -0.5',
    );
  });
});
