import { describe, expect, it } from 'vitest';
import { Generator, tensor, zeros } from '@recurrent/tensor';
import { Variable, add, backward, matmul, mul, sigmoid, sum, tanh } from '@recurrent/autograd';
import { LSTMCell } from './lstmCell.js';
import { expectClose, finiteDifferences, joinedGradient, leafBlocks, random, weightedSum } from '../test/helpers.js';

type Options = { projSize?: number; peephole?: boolean; bias?: boolean };

/** The same step built from autograd ops, one gate block at a time. */
function composed(cell: LSTMCell, x: Variable, h: Variable, c: Variable) {
  const H = cell.hiddenSize;
  const wi = leafBlocks(cell.weightIh.value, 4);
  const wh = leafBlocks(cell.weightHh.value, 4);
  const bi = cell.biasIh ? leafBlocks(cell.biasIh.value, 4) : null;
  const bh = cell.biasHh ? leafBlocks(cell.biasHh.value, 4) : null;
  const peep = cell.peepholeWeights?.map((p) => leafBlocks(p.value, 1)[0]) ?? null;
  const pre = (k: number) => {
    let z = add(matmul(x, wi[k], { transposeB: true }), matmul(h, wh[k], { transposeB: true }));
    if (bi && bh) z = add(add(z, bi[k]), bh[k]);
    return z;
  };
  const i = sigmoid(peep ? add(pre(0), mul(c, peep[0])) : pre(0));
  const f = sigmoid(peep ? add(pre(1), mul(c, peep[1])) : pre(1));
  const g = tanh(pre(2));
  const cNext = add(mul(f, c), mul(i, g));
  const o = sigmoid(peep ? add(pre(3), mul(cNext, peep[2])) : pre(3));
  let hNext = mul(o, tanh(cNext));
  const wr = cell.weightHr ? leafBlocks(cell.weightHr.value, 1)[0] : null;
  if (wr) hNext = matmul(hNext, wr, { transposeB: true });
  expect(H).toBeGreaterThan(0);
  return { h: hNext, c: cNext, leaves: { wi, wh, bi, bh, peep, wr } };
}

function compareWithComposed(options: Options) {
  const cell = new LSTMCell({ inputSize: 5, hiddenSize: 6, generator: new Generator(3), ...options });
  const width = options.projSize || 6;
  const x = new Variable(random([4, 5], 11), { requiresGrad: true });
  const h = new Variable(random([4, width], 12), { requiresGrad: true });
  const c = new Variable(random([4, 6], 13), { requiresGrad: true });
  const rh = random([4, width], 14);
  const rc = random([4, 6], 15);
  const fused = cell.forward(x, { h, c });
  backward(add(sum(mul(fused.h, rh)), sum(mul(fused.c, rc))));
  const grads = { x: Float32Array.from(x.grad!.data), h: Float32Array.from(h.grad!.data), c: Float32Array.from(c.grad!.data) };
  x.zeroGrad(); h.zeroGrad(); c.zeroGrad();
  const twin = composed(cell, x, h, c);
  backward(add(sum(mul(twin.h, rh)), sum(mul(twin.c, rc))));
  expectClose('h', fused.h.value.data, twin.h.value.data);
  expectClose('c', fused.c.value.data, twin.c.value.data);
  expectClose('dx', grads.x, x.grad!.data);
  expectClose('dh', grads.h, h.grad!.data);
  expectClose('dc', grads.c, c.grad!.data);
  expectClose('d weight_ih', cell.weightIh.grad!.data, joinedGradient(twin.leaves.wi));
  expectClose('d weight_hh', cell.weightHh.grad!.data, joinedGradient(twin.leaves.wh));
  if (twin.leaves.bi) expectClose('d bias_ih', cell.biasIh!.grad!.data, joinedGradient(twin.leaves.bi));
  if (twin.leaves.bh) expectClose('d bias_hh', cell.biasHh!.grad!.data, joinedGradient(twin.leaves.bh));
  if (twin.leaves.wr) expectClose('d weight_hr', cell.weightHr!.grad!.data, twin.leaves.wr.grad!.data);
  twin.leaves.peep?.forEach((p, k) => expectClose(`d peephole ${k}`, cell.peepholeWeights![k].grad!.data, p.grad!.data));
}

describe('LSTMCell', () => {
  it('matches the composed-op version (plain, no bias, projection, peephole)', () => {
    compareWithComposed({});
    compareWithComposed({ bias: false });
    compareWithComposed({ projSize: 3 });
    compareWithComposed({ peephole: true });
  });

  it('has gradients that match finite differences', () => {
    const cell = new LSTMCell({ inputSize: 3, hiddenSize: 4, projSize: 2, peephole: true, generator: new Generator(5) });
    const x = new Variable(random([2, 3], 21), { requiresGrad: true });
    const h = new Variable(random([2, 2], 22), { requiresGrad: true });
    const c = new Variable(random([2, 4], 23), { requiresGrad: true });
    const rh = random([2, 2], 24);
    const rc = random([2, 4], 25);
    const loss = () => {
      const s = cell.forward(x, { h, c });
      return weightedSum(s.h.value.data, rh.data) + weightedSum(s.c.value.data, rc.data);
    };
    const s = cell.forward(x, { h, c });
    backward(add(sum(mul(s.h, rh)), sum(mul(s.c, rc))));
    const checked = [x, h, c, ...cell.parameters()];
    for (const v of checked) {
      const numeric = finiteDifferences(loss, v.value.data as Float32Array);
      expectClose(`finite differences ${v.toString()}`, v.grad!.data, numeric, 1e-3, 1e-2);
    }
  });

  it('registers parameters in PyTorch state-dict order with PyTorch init bounds', () => {
    const cell = new LSTMCell({ inputSize: 10, hiddenSize: 20, projSize: 5 });
    expect(Object.keys(cell.stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh', 'weight_hr']);
    expect(cell.weightHh.shape).toEqual([80, 5]);
    const bound = 1 / Math.sqrt(20);
    for (const p of cell.parameters()) for (const v of p.value.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    const again = new LSTMCell({ inputSize: 10, hiddenSize: 20, projSize: 5 });
    expect(again.weightIh.value.toFlatArray()).toEqual(cell.weightIh.value.toFlatArray());
    const other = new LSTMCell({ inputSize: 10, hiddenSize: 20, generator: new Generator(9) });
    expect(other.weightIh.value.toFlatArray()).not.toEqual(cell.weightIh.value.toFlatArray());
  });

  it('offers orthogonal recurrent weights and a unit forget bias', () => {
    const cell = new LSTMCell({ inputSize: 3, hiddenSize: 4, recurrentInit: 'orthogonal', unitForgetBias: true });
    const w = cell.weightHh.value.data;
    for (let gate = 0; gate < 4; gate++) {
      for (let r = 0; r < 4; r++) {
        for (let s = 0; s < 4; s++) {
          let dot = 0;
          for (let k = 0; k < 4; k++) dot += w[(gate * 4 + r) * 4 + k] * w[(gate * 4 + s) * 4 + k];
          expect(dot).toBeCloseTo(r === s ? 1 : 0, 5);
        }
      }
    }
    const total = Array.from({ length: 16 }, (_, j) => cell.biasIh!.value.data[j] + cell.biasHh!.value.data[j]);
    expect(total.slice(4, 8)).toEqual([1, 1, 1, 1]);
  });

  it('starts from zeros without a state and names bad input', () => {
    const cell = new LSTMCell({ inputSize: 10, hiddenSize: 20 });
    const x = random([32, 10], 1);
    const implicit = cell.forward(x);
    const explicit = cell.forward(x, { h: zeros([32, 20]), c: zeros([32, 20]) });
    expect(implicit.h.value.toFlatArray()).toEqual(explicit.h.value.toFlatArray());
    expect(() => cell.forward(random([32, 12], 1))).toThrow('LSTMCell: expected input [batch, 10], got [32, 12]');
    expect(() => cell.forward(tensor([1, 2, 3]))).toThrow('LSTMCell: expected input [batch, 10], got [3]');
    expect(() => cell.forward(x, { h: zeros([16, 20]), c: zeros([32, 20]) })).toThrow("LSTMCell: expected h with the input's batch size 32, got h [16, 20]");
    expect(() => cell.forward(x, { h: zeros([32, 20]), c: zeros([32, 19]) })).toThrow('LSTMCell: expected c [batch, 20], got [32, 19]');
    expect(() => new LSTMCell({ inputSize: 10, hiddenSize: 0 })).toThrow('LSTMCell: expected hiddenSize to be an integer ≥ 1, got number 0');
    expect(() => new LSTMCell({ inputSize: 10, hiddenSize: 4, projSize: 4 })).toThrow('LSTMCell: expected projSize smaller than hiddenSize 4, got 4');
  });
});
