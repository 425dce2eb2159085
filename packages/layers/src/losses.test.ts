import { describe, expect, it } from 'vitest';
import { Generator, tensor, uniform } from '@recurrent/tensor';
import { BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss } from './losses.js';

describe('loss modules', () => {
  const generator = new Generator(8);
  const x = uniform([4, 3], -2, 2, generator);
  const y = uniform([4, 3], 0, 1, generator);
  const classes = tensor([2, 0, 1, 2], { dtype: 'int32' });

  it('MSELoss and L1Loss reduce as plain loops do', () => {
    let squares = 0, absolute = 0;
    for (let i = 0; i < x.size; i++) {
      squares += (x.data[i] - y.data[i]) ** 2;
      absolute += Math.abs(x.data[i] - y.data[i]);
    }
    expect(new MSELoss().forward(x, y).item()).toBeCloseTo(squares / 12, 5);
    expect(new L1Loss({ reduction: 'sum' }).forward(x, y).item()).toBeCloseTo(absolute, 5);
  });

  it('CrossEntropyLoss honours ignoreIndex and label smoothing; NLLLoss reads log-probabilities', () => {
    const logSoftmaxRow = (r: number) => {
      const row = Array.from(x.data.slice(r * 3, r * 3 + 3));
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
      return row.map((v) => v - lse);
    };
    const ignored = tensor([2, -100, 1, 2], { dtype: 'int32' });
    const rows = [0, 2, 3];
    const plain = rows.reduce((a, r) => a - logSoftmaxRow(r)[ignored.data[r]], 0) / rows.length;
    expect(new CrossEntropyLoss().forward(x, ignored).item()).toBeCloseTo(plain, 5);
    const eps = 0.1;
    const smoothed = [0, 1, 2, 3].reduce((a, r) => {
      const lp = logSoftmaxRow(r);
      return a - (1 - eps) * lp[classes.data[r]] - (eps / 3) * lp.reduce((s, v) => s + v, 0);
    }, 0) / 4;
    expect(new CrossEntropyLoss({ labelSmoothing: eps }).forward(x, classes).item()).toBeCloseTo(smoothed, 5);
    expect(new NLLLoss({ reduction: 'sum' }).forward(x, classes).item()).toBeCloseTo(-(x.data[2] + x.data[3] + x.data[7] + x.data[11]), 5);
  });

  it('BCEWithLogitsLoss matches −[y log σ(x) + (1 − y) log(1 − σ(x))]', () => {
    let total = 0;
    for (let i = 0; i < x.size; i++) {
      const p = 1 / (1 + Math.exp(-x.data[i]));
      total -= y.data[i] * Math.log(p) + (1 - y.data[i]) * Math.log(1 - p);
    }
    expect(new BCEWithLogitsLoss().forward(x, y).item()).toBeCloseTo(total / 12, 5);
  });
});
