import { describe, expect, it } from 'vitest';
import { Generator, tensor, uniform } from '@recurrent/tensor';
import { Variable, backward, grad, logSoftmax, sum } from '@recurrent/autograd';
import { ctcLoss } from './ctcLoss.js';
import { ctcCollapse } from './ctcDecode.js';

/** −log Σ over every path of `steps` frames that collapses to `target` (brute force). */
function bruteForceLoss(logProbs: number[][], target: number[], blank: number): number {
  const T = logProbs.length, C = logProbs[0].length;
  let total = 0;
  const path = new Array<number>(T);
  for (let index = 0; index < C ** T; index++) {
    let rest = index, logP = 0;
    for (let t = 0; t < T; t++) {
      path[t] = rest % C;
      rest = Math.floor(rest / C);
      logP += logProbs[t][path[t]];
    }
    if (ctcCollapse(path, blank).join(',') === target.join(',')) total += Math.exp(logP);
  }
  return -Math.log(total);
}

function randomLogProbs(T: number, N: number, C: number, seed: number): Variable {
  const logits = uniform([T, N, C], -2, 2, new Generator(seed), { dtype: 'float64' });
  return new Variable(logSoftmax(logits, -1).value, { requiresGrad: true });
}

const rows = (lp: Variable, n: number, steps: number) =>
  Array.from({ length: steps }, (_, t) => Array.from(lp.value.data.slice((t * lp.shape[1] + n) * lp.shape[2], (t * lp.shape[1] + n + 1) * lp.shape[2])));

describe('ctcLoss', () => {
  it('equals −log of the summed probability of all alignments (brute force)', () => {
    const lp = randomLogProbs(6, 3, 3, 1);
    const targets = [[1, 2, 2], [2, 0, 0], [1, 1, 0]];
    const inputLengths = [6, 5, 4];
    const targetLengths = [3, 1, 2];
    const losses = ctcLoss(lp, tensor(targets, { dtype: 'int32' }), inputLengths, targetLengths, { blank: 0, reduction: 'none' });
    for (let n = 0; n < 3; n++) {
      const expected = bruteForceLoss(rows(lp, n, inputLengths[n]), targets[n].slice(0, targetLengths[n]), 0);
      expect(losses.value.data[n]).toBeCloseTo(expected, 10);
    }
  });

  it('has the exact gradient w.r.t. log-probabilities (finite differences) and every reduction agrees', () => {
    const lp = randomLogProbs(5, 2, 4, 2);
    const targets = tensor([3, 1, 3, 2], { dtype: 'int32' });
    const options = { blank: 0 };
    const lengths = [5, 4];
    const targetLengths = [3, 1];
    const perSample = ctcLoss(lp, targets, lengths, targetLengths, { ...options, reduction: 'none' }).value.data;
    const mean = ctcLoss(lp, targets, lengths, targetLengths, { ...options, reduction: 'mean' });
    expect(mean.item()).toBeCloseTo((perSample[0] / 3 + perSample[1] / 1) / 2, 12);
    expect(ctcLoss(lp, targets, lengths, targetLengths, { ...options, reduction: 'sum' }).item()).toBeCloseTo(perSample[0] + perSample[1], 12);
    const [analytic] = grad([mean], [lp]);
    const data = lp.value.data;
    const loss = () => ctcLoss(lp, targets, lengths, targetLengths, options).item();
    for (let i = 0; i < data.length; i++) {
      const saved = data[i];
      data[i] = saved + 1e-6;
      const up = loss();
      data[i] = saved - 1e-6;
      const down = loss();
      data[i] = saved;
      expect(Math.abs((up - down) / 2e-6 - analytic!.data[i])).toBeLessThan(1e-7);
    }
  });

  it('gives Infinity and NaN gradients for infeasible targets, or 0 with zeroInfinity', () => {
    const lp = randomLogProbs(4, 2, 3, 3);
    // sample 0: "1 1" needs 3 frames and has 2; sample 1 is feasible.
    const targets = tensor([[1, 1], [2, 1]], { dtype: 'int32' });
    const losses = ctcLoss(lp, targets, [2, 4], [2, 2], { reduction: 'none' });
    expect(losses.value.data[0]).toBe(Infinity);
    expect(Number.isFinite(losses.value.data[1])).toBe(true);
    backward(sum(losses));
    const g = lp.grad!.data;
    for (let t = 0; t < 4; t++) {
      for (let c = 0; c < 3; c++) {
        const value = g[(t * 2 + 0) * 3 + c];
        if (t < 2) expect(value).toBeNaN();
        else expect(value).toBe(0);
        expect(Number.isFinite(g[(t * 2 + 1) * 3 + c])).toBe(true);
      }
    }
    lp.zeroGrad();
    const zeroed = ctcLoss(lp, targets, [2, 4], [2, 2], { reduction: 'sum', zeroInfinity: true });
    expect(zeroed.item()).toBeCloseTo(losses.value.data[1], 6);
    backward(zeroed);
    for (let t = 0; t < 4; t++) for (let c = 0; c < 3; c++) expect(lp.grad!.data[(t * 2) * 3 + c]).toBe(0);
  });

  it('rejects bad targets and lengths with clear errors', () => {
    const lp = randomLogProbs(4, 2, 3, 4);
    const padded = tensor([[1, 2], [2, 1]], { dtype: 'int32' });
    expect(() => ctcLoss(lp, padded, [4, 4], [3, 1])).toThrow('ctcLoss: expected targetLengths in [0, 2] (the padded width), got 3 at index 0');
    expect(() => ctcLoss(lp, tensor([[1, 0], [2, 1]], { dtype: 'int32' }), [4, 4], [2, 2])).toThrow('ctcLoss: expected targets without the blank 0, got the blank at label 1');
    expect(() => ctcLoss(lp, padded, [5, 4], [2, 2])).toThrow('ctcLoss: expected inputLengths in [0, 4], got 5 at index 0');
    expect(() => ctcLoss(lp, [1, 2, 2], [4, 4], [2, 2])).toThrow('ctcLoss: expected concatenated targets of Σ targetLengths = 4 labels, got 3');
    expect(() => ctcLoss(lp, padded, [4, 4], [2, 2], { blank: 3 })).toThrow('ctcLoss: expected blank in [0, 2], got 3');
    expect(() => ctcLoss(lp, tensor([[1, 7], [2, 1]], { dtype: 'int32' }), [4, 4], [2, 2])).toThrow('ctcLoss: expected target labels in [0, 2], got 7');
    expect(() => ctcLoss(lp, padded, [4], [2, 2])).toThrow('ctcLoss: expected 2 inputLengths, got 1');
    expect(() => ctcLoss(tensor([1, 2]), padded, [4, 4], [2, 2])).toThrow('ctcLoss: expected logProbs [T, N, C], got [2]');
  });
});
