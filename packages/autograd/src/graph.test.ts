import { tensor } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { backward, detach, grad, noGrad } from './graph.js';
import { add, matmul, mul, sqrt, sum, tanh } from './ops.js';
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

describe('backward: bad input', () => {
  it('refuses a seed of the wrong shape', () => {
    const x = new Variable(tensor([1, 2]), { requiresGrad: true });
    expect(() => backward(tanh(x), { seed: tensor([1, 2, 3]) })).toThrow('backward: expected a seed of shape [2], got [3]');
    expect(() => grad([tanh(x)], [x], [tensor([[1, 2]])])).toThrow('grad: expected a seed of shape [2], got [1, 2]');
  });

  it('names the released op and the way out when run twice', () => {
    const x = new Variable(tensor([1, 2]), { requiresGrad: true });
    const y = sum(tanh(x));
    backward(y);
    expect(() => backward(y)).toThrow(
      "backward: expected a graph that is still alive, got one already released by an earlier backward through 'sum' (pass { retainGraph: true } to the first call to backward twice)",
    );
  });

  it('runs twice through a retained graph and accumulates', () => {
    const x = new Variable(tensor([1, 2]), { requiresGrad: true });
    const y = sum(mul(x, x));
    backward(y, { retainGraph: true });
    backward(y);
    expect(x.grad?.toArray()).toEqual([4, 8]);
  });

  it('names the op whose gradient turned NaN in checkNaN mode', () => {
    const x = new Variable(tensor([4, -1]), { requiresGrad: true });
    const y = sum(mul(sqrt(x), 2));
    expect(() => backward(y, { checkNaN: true })).toThrow('sqrt backward: expected a finite gradient for input 0, got NaN');
  });

  it('refuses an output that does not require grad', () => {
    expect(() => backward(sum(tensor([1, 2])))).toThrow('backward: expected an output that requires grad, got a constant');
  });

  it('gives each leaf its own gradient storage, so in-place clipping touches one leaf only', () => {
    const a = new Variable(tensor([1, 2]), { requiresGrad: true });
    const b = new Variable(tensor([3, 4]), { requiresGrad: true });
    const seed = tensor([1, 1]);
    backward(add(a, b), { seed });
    expect(a.grad!.data.buffer).not.toBe(b.grad!.data.buffer);
    expect(a.grad!.data.buffer).not.toBe(seed.data.buffer);
  });
});

describe('noGrad and detach', () => {
  it('records nothing inside noGrad and cuts the graph at detach', () => {
    const x = new Variable(tensor([1, 2]), { requiresGrad: true });
    expect(noGrad(() => mul(x, x)).requiresGrad).toBe(false);
    const y = add(mul(detach(mul(x, x)), x), x);
    backward(sum(y));
    // d/dx (c·x + x) with c = x² held constant = c + 1
    expect(x.grad?.toArray()).toEqual([2, 5]);
  });
});
