import { Generator, type Tensor, matmul as tensorMatmul, mul as tensorMul, affine, square, uniform } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from './graph.js';
import { add, mul } from './ops/binary.js';
import { matmul } from './ops/linalg.js';
import { sum } from './ops/reduce.js';
import { tanh } from './ops/unary.js';
import { Variable } from './variable.js';

const norm = (t: Tensor) => Math.sqrt(Array.from(t.data).reduce((s, v) => s + v * v, 0));

describe('gradient hooks', () => {
  it('record per-time-step gradient norms of the hidden states of an unrolled tanh RNN', () => {
    const generator = new Generator(4);
    const steps = 6, batch = 2, hidden = 3, input = 2;
    const W = new Variable(uniform([hidden, hidden], -0.8, 0.8, generator), { requiresGrad: true });
    const U = new Variable(uniform([hidden, input], -0.8, 0.8, generator), { requiresGrad: true });
    const xs = Array.from({ length: steps }, () => uniform([batch, input], -1, 1, generator));
    const readout = uniform([batch, hidden], -1, 1, generator);
    const norms = new Array<number>(steps).fill(NaN);
    const states: Variable[] = [];
    let h: Variable = new Variable(uniform([batch, hidden], -1, 1, generator));
    for (let t = 0; t < steps; t++) {
      // hₜ = tanh(hₜ₋₁·Wᵀ + xₜ·Uᵀ)
      h = tanh(add(matmul(h, W, { transposeB: true }), matmul(xs[t], U, { transposeB: true })));
      h.registerHook((g) => {
        norms[t] = norm(g);
      });
      states.push(h);
    }
    backward(sum(mul(h, readout)));
    // Plain backpropagation through time: dh_T = R, dhₜ₋₁ = (dhₜ ⊙ (1 − hₜ²))·W
    const expected = new Array<number>(steps);
    let dh: Tensor = readout;
    for (let t = steps - 1; t >= 0; t--) {
      expected[t] = norm(dh);
      dh = tensorMatmul(tensorMul(dh, affine(square(states[t].value), -1, 1)), W.value);
    }
    norms.forEach((n, t) => expect(n).toBeCloseTo(expected[t], 5));
  });

  it('may replace a gradient, and can be removed', () => {
    const x = new Variable(uniform([3], -1, 1, new Generator(2)), { requiresGrad: true });
    const remove = x.registerHook((g) => affine(g, 2));
    backward(sum(x));
    expect(x.grad?.toArray()).toEqual([2, 2, 2]);
    remove();
    x.zeroGrad();
    backward(sum(x));
    expect(x.grad?.toArray()).toEqual([1, 1, 1]);
  });

  it('refuses a hook on a constant', () => {
    expect(() => new Variable(uniform([1], 0, 1, new Generator(1))).registerHook(() => undefined)).toThrow(
      'registerHook: expected a variable that requires grad, got a constant',
    );
  });
});
