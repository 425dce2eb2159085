import { Generator, tensor } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { values } from '../test/shapes.js';
import { gradcheck } from './gradcheck.js';
import { binaryCrossEntropyWithLogits, l1Loss, mseLoss } from './losses.js';
import { Variable } from './variable.js';

const generator = new Generator(23);

describe('regression losses', () => {
  it.each(['none', 'sum', 'mean'] as const)('mseLoss and l1Loss with reduction %s differentiate both operands', (reduction) => {
    gradcheck((x, t) => mseLoss(x, t, { reduction }), [values(generator, [3, 4]), values(generator, [3, 4])]);
    gradcheck((x, t) => l1Loss(x, t, { reduction }), [values(generator, [2, 3], 0, 1), values(generator, [2, 3], 2, 3)]);
  });

  it('mseLoss is the mean of squared differences (plain loop)', () => {
    const x = values(generator, [5]);
    const t = values(generator, [5]);
    let total = 0;
    for (let i = 0; i < 5; i++) total += (x.data[i] - t.data[i]) ** 2;
    expect(mseLoss(x, t).item()).toBeCloseTo(total / 5, 12);
  });

  it('refuses operands of different shapes', () => {
    expect(() => mseLoss(values(generator, [3]), values(generator, [4]))).toThrow("mseLoss: expected a target of the input's shape [3], got [4]");
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  it('matches −[p·t·log σ(x) + (1 − t)·log(1 − σ(x))]·w (plain loop) and stays finite for large logits', () => {
    const x = tensor([-3, -0.5, 0, 2, 40, -40], { dtype: 'float64' });
    const t = tensor([0, 1, 0.3, 1, 0, 1], { dtype: 'float64' });
    const posWeight = 2.5;
    const out = binaryCrossEntropyWithLogits(x, t, { posWeight, reduction: 'none' });
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i];
      const logSigmoid = -Math.log1p(Math.exp(-v));
      const logOneMinus = -v - Math.log1p(Math.exp(-v));
      const expected = -(posWeight * t.data[i] * logSigmoid + (1 - t.data[i]) * logOneMinus);
      if (Number.isFinite(expected)) expect(out.value.data[i]).toBeCloseTo(expected, 10);
      expect(Number.isFinite(out.value.data[i])).toBe(true);
    }
  });

  it.each(['none', 'sum', 'mean'] as const)('gradchecks with weight and posWeight, reduction %s', (reduction) => {
    const weight = values(generator, [1, 3], 0.5, 2);
    const posWeight = values(generator, [3], 0.5, 3);
    gradcheck((x, t) => binaryCrossEntropyWithLogits(x, t, { weight, posWeight, reduction }), [values(generator, [4, 3], -3, 3), values(generator, [4, 3], 0, 1)]);
    gradcheck((x) => binaryCrossEntropyWithLogits(x, tensor([1, 0, 1], { dtype: 'float64' }), { reduction }), [values(generator, [3], -3, 3)]);
  });

  it('accepts Variables as weights (constants here)', () => {
    const weight = new Variable(values(generator, [3], 0.5, 1));
    expect(binaryCrossEntropyWithLogits(values(generator, [3]), values(generator, [3], 0, 1), { weight }).shape).toEqual([]);
  });
});
