import { describe, expect, it } from 'vitest';
import { Generator } from '../random.js';
import { gemmReference } from '../cpu/gemmReference.js';
import { randn, tensor } from './creation.js';
import { matmul } from './matmul.js';

function naive(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((acc, v, p) => acc + v * b[p][j], 0)));
}

describe('matmul', () => {
  it('multiplies 2-D matrices as a plain triple loop does', () => {
    const a = [[1, 2, 3], [4, 5, 6]];
    const b = [[1, 0], [0, 1], [2, -1]];
    expect(matmul(tensor(a), tensor(b)).toArray()).toEqual(naive(a, b));
  });

  it('reads transposed operands', () => {
    const g = new Generator(1);
    const a = randn([7, 5], g);
    const b = randn([5, 3], g);
    const at = tensor(Array.from({ length: 35 }, (_, i) => a.data[(i % 7) * 5 + Math.floor(i / 7)]), { shape: [5, 7] });
    const expected = matmul(a, b).toFlatArray();
    const got = matmul(at, b, { transposeA: true }).toFlatArray();
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('names the shapes when inner dimensions disagree', () => {
    expect(() => matmul(tensor([[1, 2]]), tensor([[1, 2]]))).toThrow('matmul: expected inner dimensions to agree');
  });

  it('keeps NaN from either operand', () => {
    const c = new Float32Array(1);
    gemmReference({ transA: false, transB: false, m: 1, n: 1, k: 1, alpha: 1, a: new Float32Array([0]), aOffset: 0, lda: 1, b: new Float32Array([Infinity]), bOffset: 0, ldb: 1, beta: 0, c, cOffset: 0, ldc: 1 });
    expect(Number.isNaN(c[0])).toBe(true);
  });
});
