import { describe, expect, it } from 'vitest';
import { Generator, zeros } from '@recurrent/tensor';
import { Variable, add, backward, matmul, mul, relu, sum, tanh } from '@recurrent/autograd';
import { ElmanCell, RNNCell } from './rnnCell.js';
import { expectClose, finiteDifferences, random, weightedSum } from '../test/helpers.js';

function compareWithComposed(nonlinearity: 'tanh' | 'relu', bias: boolean) {
  const cell = new RNNCell({ inputSize: 4, hiddenSize: 5, nonlinearity, bias, generator: new Generator(7) });
  const x = new Variable(random([3, 4], 51), { requiresGrad: true });
  const h = new Variable(random([3, 5], 52), { requiresGrad: true });
  const weights = random([3, 5], 53);
  const fused = cell.forward(x, h);
  backward(sum(mul(fused, weights)));
  const grads = [x, h, ...cell.parameters()].map((v) => Float32Array.from(v.grad!.data));
  const leaves = [x, h, ...cell.parameters()].map((v) => new Variable(v.value, { requiresGrad: true }));
  const [lx, lh, wi, wh, bi, bh] = leaves;
  let pre = add(matmul(lx, wi, { transposeB: true }), matmul(lh, wh, { transposeB: true }));
  if (bias) pre = add(add(pre, bi), bh);
  const twin = nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
  backward(sum(mul(twin, weights)));
  expectClose('h', fused.value.data, twin.value.data);
  leaves.forEach((leaf, i) => expectClose(`gradient ${i}`, grads[i], leaf.grad!.data));
}

describe('RNNCell', () => {
  it('matches the composed-op version', () => {
    compareWithComposed('tanh', true);
    compareWithComposed('tanh', false);
    compareWithComposed('relu', true);
    compareWithComposed('relu', false);
  });

  it('has gradients that match finite differences', () => {
    const cell = new RNNCell({ inputSize: 3, hiddenSize: 4, generator: new Generator(8) });
    const x = new Variable(random([2, 3], 61), { requiresGrad: true });
    const h = new Variable(random([2, 4], 62), { requiresGrad: true });
    const weights = random([2, 4], 63);
    backward(sum(mul(cell.forward(x, h), weights)));
    const loss = () => weightedSum(cell.forward(x, h).value.data, weights.data);
    for (const v of [x, h, ...cell.parameters()]) {
      expectClose(`finite differences ${v.toString()}`, v.grad!.data, finiteDifferences(loss, v.value.data as Float32Array), 1e-3, 1e-2);
    }
  });

  it('is also ElmanCell, and names bad input', () => {
    const elman = new ElmanCell({ inputSize: 3, hiddenSize: 4 });
    const rnn = new RNNCell({ inputSize: 3, hiddenSize: 4 });
    const x = random([2, 3], 1);
    expect(elman.forward(x).value.toFlatArray()).toEqual(rnn.forward(x).value.toFlatArray());
    expect(() => elman.forward(random([2, 2], 1))).toThrow('ElmanCell: expected input [batch, 3], got [2, 2]');
    expect(() => rnn.forward(x, zeros([2, 5]))).toThrow('RNNCell: expected h [batch, 4], got [2, 5]');
    expect(() => new RNNCell({ inputSize: 3, hiddenSize: 0 })).toThrow('RNNCell: expected hiddenSize to be an integer ≥ 1, got number 0');
    expect(() => new RNNCell({ inputSize: 3, hiddenSize: 2, nonlinearity: 'sigmoid' as 'tanh' })).toThrow('RNNCell: expected nonlinearity to be one of "tanh", "relu", got "sigmoid" (a string)');
    expect(() => new RNNCell({ inputSize: 3, hiddenSize: 2, nonlinearty: 'relu' } as never)).toThrow("RNNCell: unknown option 'nonlinearty' (did you mean 'nonlinearity'?)");
  });
});
