import { describe, expect, it } from 'vitest';
import { Generator, zeros } from '@recurrent/tensor';
import { Variable, add, backward, matmul, mul, sigmoid, sub, sum, tanh } from '@recurrent/autograd';
import { GRUCell } from './gruCell.js';
import { expectClose, finiteDifferences, joinedGradient, leafBlocks, random, weightedSum } from '../test/helpers.js';

/** The same step built from autograd ops, in either reset form. */
function composed(cell: GRUCell, x: Variable, h: Variable) {
  const wi = leafBlocks(cell.weightIh.value, 3);
  const wh = leafBlocks(cell.weightHh.value, 3);
  const bi = cell.biasIh ? leafBlocks(cell.biasIh.value, 3) : null;
  const bh = cell.biasHh ? leafBlocks(cell.biasHh.value, 3) : null;
  const inputPart = (k: number) => (bi ? add(matmul(x, wi[k], { transposeB: true }), bi[k]) : matmul(x, wi[k], { transposeB: true }));
  const hiddenPart = (k: number, state: Variable) => (bh ? add(matmul(state, wh[k], { transposeB: true }), bh[k]) : matmul(state, wh[k], { transposeB: true }));
  const r = sigmoid(add(inputPart(0), hiddenPart(0, h)));
  const z = sigmoid(add(inputPart(1), hiddenPart(1, h)));
  const n = cell.resetAfter ? tanh(add(inputPart(2), mul(r, hiddenPart(2, h)))) : tanh(add(inputPart(2), hiddenPart(2, mul(r, h))));
  const hNext = add(mul(sub(1, z), n), mul(z, h));
  return { h: hNext, leaves: { wi, wh, bi, bh } };
}

function compareWithComposed(options: { resetAfter?: boolean; bias?: boolean }) {
  const cell = new GRUCell({ inputSize: 5, hiddenSize: 6, generator: new Generator(4), ...options });
  const x = new Variable(random([3, 5], 31), { requiresGrad: true });
  const h = new Variable(random([3, 6], 32), { requiresGrad: true });
  const weights = random([3, 6], 33);
  const fused = cell.forward(x, h);
  backward(sum(mul(fused, weights)));
  const [dx, dh] = [x.grad!, h.grad!].map((g) => Float32Array.from(g.data));
  x.zeroGrad(); h.zeroGrad();
  const twin = composed(cell, x, h);
  backward(sum(mul(twin.h, weights)));
  expectClose('h', fused.value.data, twin.h.value.data);
  expectClose('dx', dx, x.grad!.data);
  expectClose('dh', dh, h.grad!.data);
  expectClose('d weight_ih', cell.weightIh.grad!.data, joinedGradient(twin.leaves.wi));
  expectClose('d weight_hh', cell.weightHh.grad!.data, joinedGradient(twin.leaves.wh));
  if (twin.leaves.bi) expectClose('d bias_ih', cell.biasIh!.grad!.data, joinedGradient(twin.leaves.bi));
  if (twin.leaves.bh) expectClose('d bias_hh', cell.biasHh!.grad!.data, joinedGradient(twin.leaves.bh));
}

describe('GRUCell', () => {
  it('matches the composed-op version in both reset forms', () => {
    compareWithComposed({});
    compareWithComposed({ bias: false });
    compareWithComposed({ resetAfter: false });
    compareWithComposed({ resetAfter: false, bias: false });
  });

  it('has gradients that match finite differences (reset-before form)', () => {
    const cell = new GRUCell({ inputSize: 3, hiddenSize: 4, resetAfter: false, generator: new Generator(6) });
    const x = new Variable(random([2, 3], 41), { requiresGrad: true });
    const h = new Variable(random([2, 4], 42), { requiresGrad: true });
    const weights = random([2, 4], 43);
    backward(sum(mul(cell.forward(x, h), weights)));
    const loss = () => weightedSum(cell.forward(x, h).value.data, weights.data);
    for (const v of [x, h, ...cell.parameters()]) {
      expectClose(`finite differences ${v.toString()}`, v.grad!.data, finiteDifferences(loss, v.value.data as Float32Array), 1e-3, 1e-2);
    }
  });

  it('keeps PyTorch names and names bad input', () => {
    const cell = new GRUCell({ inputSize: 4, hiddenSize: 8, recurrentInit: 'orthogonal' });
    expect(Object.keys(cell.stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    const x = random([2, 4], 1);
    expect(cell.forward(x).value.toFlatArray()).toEqual(cell.forward(x, zeros([2, 8])).value.toFlatArray());
    expect(() => cell.forward(random([2, 5], 1))).toThrow('GRUCell: expected input [batch, 4], got [2, 5]');
    expect(() => cell.forward(x, zeros([3, 8]))).toThrow("GRUCell: expected h with the input's batch size 2, got h [3, 8]");
    expect(() => new GRUCell({ inputSize: 4, hiddenSize: -1 })).toThrow('GRUCell: expected hiddenSize to be an integer ≥ 1, got number -1');
  });
});

describe('GRUCell and LSTMCell with a retained graph', () => {
  it('give the same gradients on a second backward, after another step reused the tape buffers', async () => {
    const { LSTMCell } = await import('./lstmCell.js');
    for (const make of [() => new GRUCell({ inputSize: 3, hiddenSize: 4 }), () => new LSTMCell({ inputSize: 3, hiddenSize: 4 })]) {
      const cell = make();
      const x = new Variable(random([2, 3], 81), { requiresGrad: true });
      const output = (input: Variable) => (cell instanceof GRUCell ? cell.forward(input) : cell.forward(input).h);
      const loss = sum(mul(output(x), random([2, 4], 82)));
      backward(loss, { retainGraph: true });
      const first = Array.from(x.grad!.data);
      x.zeroGrad();
      backward(sum(output(new Variable(random([2, 3], 83)))));
      backward(loss);
      expect(Array.from(x.grad!.data)).toEqual(first);
    }
  });
});
