import { describe, expect, it } from 'vitest';
import type { GemmArgs } from '../backend.js';
import { Generator } from '../random.js';
import { gemmReference } from './gemmReference.js';

function args(overrides: Partial<GemmArgs>): GemmArgs {
  return {
    transA: false, transB: false, m: 1, n: 1, k: 1, alpha: 1, a: new Float32Array(1), aOffset: 0, lda: 1,
    b: new Float32Array(1), bOffset: 0, ldb: 1, beta: 0, c: new Float32Array(1), cOffset: 0, ldc: 1, ...overrides,
  };
}

describe('gemmReference', () => {
  it('matches the triple loop Σ_p op(A)[i,p]·op(B)[p,j] for every transpose, with alpha, beta, offsets and strides', () => {
    const g = new Generator(21);
    const [m, n, k, pad] = [5, 7, 6, 2];
    for (const transA of [false, true]) for (const transB of [false, true]) {
      const lda = (transA ? m : k) + pad;
      const ldb = (transB ? k : n) + pad;
      const ldc = n + pad;
      const a = Float32Array.from({ length: pad + (transA ? k : m) * lda }, () => g.normal());
      const b = Float32Array.from({ length: pad + (transB ? n : k) * ldb }, () => g.normal());
      const c = Float32Array.from({ length: pad + m * ldc }, () => g.normal());
      const before = c.slice();
      gemmReference({ transA, transB, m, n, k, alpha: 0.5, a, aOffset: pad, lda, b, bOffset: pad, ldb, beta: -2, c, cOffset: pad, ldc });
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = transA ? a[pad + p * lda + i] : a[pad + i * lda + p];
          const bv = transB ? b[pad + j * ldb + p] : b[pad + p * ldb + j];
          sum += av * bv;
        }
        const at = pad + i * ldc + j;
        expect(c[at]).toBeCloseTo(0.5 * sum - 2 * before[at], 5);
      }
      for (let p = 0; p < pad; p++) expect(c[p]).toBe(before[p]); // nothing before cOffset is touched
    }
  });

  it('accumulates in float64 before rounding once', () => {
    const c = new Float32Array(1);
    gemmReference(args({ k: 3, lda: 3, a: new Float32Array([1e8, 1, -1e8]), b: new Float32Array([1, 1, 1]), c }));
    expect(c[0]).toBe(1);
  });

  it('follows BLAS: beta = 0 ignores C (even NaN), alpha = 0 or k = 0 reads neither A nor B', () => {
    const c = new Float32Array([NaN]);
    gemmReference(args({ a: new Float32Array([2]), b: new Float32Array([3]), c }));
    expect(c[0]).toBe(6);
    const d = new Float32Array([4]);
    gemmReference(args({ alpha: 0, beta: 1, a: new Float32Array([NaN]), b: new Float32Array([Infinity]), c: d }));
    expect(d[0]).toBe(4);
    const e = new Float32Array([4]);
    gemmReference(args({ k: 0, beta: 0.5, c: e }));
    expect(e[0]).toBe(2);
  });
});
