import { tensor } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { backward, grad } from './graph.js';
import { matmul, mul, sum, tanh } from './ops.js';
import { Variable } from './variable.js';

describe('backward', () => {
  it('gives d/dx sum(x·x) = 2x and accumulates until zeroed', () => {
    const x = new Variable(tensor([1, 2, 3]), { requiresGrad: true });
    backward(sum(mul(x, x)));
    expect(x.grad?.toArray()).toEqual([2, 4, 6]);
    backward(sum(mul(x, x)));
    expect(x.grad?.toArray()).toEqual([4, 8, 12]);
  });

  it('refuses a non-scalar output without a seed', () => {
    const x = new Variable(tensor([1, 2]), { requiresGrad: true });
    expect(() => backward(tanh(x))).toThrow('backward: expected a scalar output or a seed gradient, got an output of shape [2] and no seed');
  });

  it('refuses to run twice through a released graph', () => {
    const x = new Variable(tensor([1, 2]), { requiresGrad: true });
    const y = sum(tanh(x));
    backward(y);
    expect(() => backward(y)).toThrow(/already released/);
  });

  it('differentiates transposed matrix products', () => {
    const a = new Variable(tensor([[1, 2], [3, 4], [5, 6]]), { requiresGrad: true }); // [3, 2]
    const b = new Variable(tensor([[1, 0, 2], [0, 1, 1]]), { requiresGrad: true }); // [2, 3]
    // aᵀ is [2, 3], bᵀ is [3, 2], so y is [2, 2]
    const [da, db] = grad([sum(matmul(a, b, { transposeA: true, transposeB: true }))], [a, b]);
    // y[i, j] = Σ_n a[n, i]·b[j, n]:  d a[n, i] = Σ_j b[j, n],  d b[j, n] = Σ_i a[n, i]
    expect(da?.toArray()).toEqual([[1, 1], [1, 1], [3, 3]]);
    expect(db?.toArray()).toEqual([[3, 7, 11], [3, 7, 11]]);
  });
});
