import { describe, expect, it } from 'vitest';
import { tensor, Generator, randn } from '@recurrent/tensor';
import { add, exp, gradcheck, logsumexp, matmul, mul, sigmoid, softmax, sum, tanh } from '@recurrent/autograd';
import { createNativeBackend } from '../src/index.js';

// Float64 gradients through the native kernels (dgemm, the C elementwise kernels, reductions and
// softmax), checked against central differences.
describe('float64 gradcheck through the native kernels', () => {
  const backend = createNativeBackend({ threads: 1 });
  const generator = new Generator(5);
  const input = (shape: number[]) => tensor(randn(shape, generator).data, { shape, dtype: 'float64', backend });

  it('matmul, tanh, sigmoid, exp, broadcast add, softmax and logsumexp', () => {
    const result = gradcheck(
      (a, b, c) => {
        const h = tanh(matmul(a, b));
        const s = softmax(add(sigmoid(h), c), 1);
        return add(sum(mul(s, exp(h))), sum(logsumexp(h, { axis: 1 })));
      },
      [input([3, 4]), input([4, 5]), input([5])],
    );
    expect(result.checked).toBe(12 + 20 + 5);
    // the products ran on dgemm and every elementwise op in the addon
    for (const kernel of ['gemm', 'unary', 'binary', 'reduce', 'softmax']) expect(backend.fallbacks.get(kernel), kernel).toBeUndefined();
  });
});
