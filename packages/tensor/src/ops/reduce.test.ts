import { describe, expect, it } from 'vitest';
import { Generator } from '../random.js';
import { stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { randn, tensor, zeros } from './creation.js';
import { transpose } from './movement.js';
import { argmax, argmin, cumsum, logSoftmax, logsumexp, max, mean, min, prod, softmax, sum } from './reduce.js';

/** Plain-loop reduction: folds every element into the output cell its kept coordinates name. */
function reference(x: Tensor, axes: number[], keepDims: boolean, fold: (values: number[]) => number): { shape: number[]; data: number[] } {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept);
  const groups: number[][] = Array.from({ length: kept.reduce((a, b) => a * b, 1) }, () => []);
  const strides = stridesOf(x.shape);
  for (let p = 0; p < x.size; p++) {
    let cell = 0;
    for (let axis = 0; axis < x.rank; axis++) {
      const coordinate = Math.floor(p / strides[axis]) % x.shape[axis];
      if (!axes.includes(axis)) cell += coordinate * keptStrides[axis];
    }
    groups[cell].push(x.data[p]);
  }
  return { shape: keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i)), data: groups.map(fold) };
}

const folds = {
  sum: (v: number[]) => v.reduce((a, b) => a + b, 0),
  prod: (v: number[]) => v.reduce((a, b) => a * b, 1),
  mean: (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length,
  max: (v: number[]) => (v.some(Number.isNaN) ? NaN : Math.max(...v)),
  min: (v: number[]) => (v.some(Number.isNaN) ? NaN : Math.min(...v)),
  logsumexp: (v: number[]) => {
    if (v.some(Number.isNaN)) return NaN;
    const m = Math.max(...v);
    return !Number.isFinite(m) ? m : m + Math.log(v.reduce((a, b) => a + Math.exp(b - m), 0));
  },
};
const reducers = { sum, prod, mean, max, min, logsumexp };

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!Number.isFinite(e)) expect(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), `at ${i}: ${a} vs ${e}`).toBe(true);
    else expect(Math.abs(a - e), `at ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(e)));
  }
}

describe('reductions', () => {
  const g = new Generator(11);
  const x = randn([3, 4, 5], g);
  const axisSets: (number[] | undefined)[] = [undefined, [0], [1], [2], [0, 2], [-1, 0], [0, 1], [1, 2], [0, 1, 2]];
  for (const name of Object.keys(reducers) as (keyof typeof reducers)[]) {
    it(`${name} matches a plain loop over any axes, with and without keepDims`, () => {
      for (const axes of axisSets) {
        for (const keepDims of [false, true]) {
          const resolved = axes === undefined ? [0, 1, 2] : axes.map((a) => (a < 0 ? a + 3 : a));
          const expected = reference(x, resolved, keepDims, folds[name]);
          const out = reducers[name](x, { axis: axes, keepDims });
          expect(out.shape).toEqual(expected.shape);
          expectClose(out.data, expected.data);
        }
      }
    });
  }

  it('propagates NaN and handles infinities', () => {
    const y = tensor([[1, NaN, 3], [-Infinity, -Infinity, -Infinity], [Infinity, 1, NaN], [Infinity, 1, 2]]);
    for (const name of Object.keys(reducers) as (keyof typeof reducers)[]) {
      for (const axis of [0, 1]) expectClose(reducers[name](y, { axis }).data, reference(y, [axis], false, folds[name]).data);
    }
  });

  it('reduces zero-sized axes to the identity (sum 0, prod 1, mean NaN, logsumexp −∞)', () => {
    const empty = zeros([2, 0]);
    expect(sum(empty, { axis: 1 }).toArray()).toEqual([0, 0]);
    expect(prod(empty, { axis: 1 }).toArray()).toEqual([1, 1]);
    expect(mean(empty, { axis: 1 }).toFlatArray().every(Number.isNaN)).toBe(true);
    expect(logsumexp(empty, { axis: 1 }).toArray()).toEqual([-Infinity, -Infinity]);
    expect(sum(zeros([0, 3]), { axis: 1 }).shape).toEqual([0]);
    expect(() => max(empty, { axis: 1 })).toThrow('max: expected non-empty axes to reduce, got shape [2, 0]');
  });

  it('names the axis that is out of range', () => {
    expect(() => sum(x, { axis: 3 })).toThrow('sum: expected an axis in [-3, 2], got 3');
    expect(() => sum(x, { axis: [1, -2] })).toThrow('sum: expected distinct axes, got [1, -2]');
  });
});

describe('argmax and argmin', () => {
  it('give the first extreme index along an axis, NaN counting as the extreme', () => {
    const y = tensor([[1, 3, 3], [NaN, 5, 1], [-Infinity, -Infinity, -Infinity]]);
    expect(argmax(y, 1).toArray()).toEqual([1, 0, 0]);
    expect(argmin(y, 1).toArray()).toEqual([0, 0, 0]);
    expect(argmax(y, 0, true).shape).toEqual([1, 3]);
    expect(argmax(tensor([[1, 9], [4, 2]])).item()).toBe(1);
    expect(argmax(y).dtype).toBe('int32');
    expect(() => argmax(zeros([0]))).toThrow('argmax: expected a non-empty tensor, got shape [0]');
    expect(() => argmin(zeros([2, 0]), 1)).toThrow('argmin: expected a non-empty axis 1, got shape [2, 0]');
    expect(argmax(zeros([0, 3]), 1).shape).toEqual([0]);
    // along a leading axis (row-order kernel path) equals the last-axis result of the transpose
    const columns = tensor([[1, NaN, 5, -Infinity], [4, 2, 5, -Infinity], [4, NaN, 7, -Infinity]]);
    expect(argmax(columns, 0).toArray()).toEqual(argmax(transpose(columns), 1).toArray());
    expect(argmin(columns, 0).toArray()).toEqual(argmin(transpose(columns), 1).toArray());
    const g = new Generator(13);
    const x3 = randn([4, 6, 5], g);
    expect(argmax(x3, 1).toArray()).toEqual(argmax(transpose(x3, 1, 2), 2).toArray());
  });
});

describe('softmax, logSoftmax, cumsum', () => {
  const g = new Generator(2);
  const x = randn([3, 4, 5], g);
  it('softmax and logSoftmax match exp(x)/Σexp(x) along any axis', () => {
    for (const axis of [0, 1, -1]) {
      const resolved = axis < 0 ? axis + 3 : axis;
      const logSum = reference(x, [resolved], true, folds.logsumexp);
      const strides = stridesOf(x.shape);
      const expected = Array.from(x.data, (v, p) => {
        let cell = 0;
        const kept = x.shape.map((d, i) => (i === resolved ? 1 : d));
        const keptStrides = stridesOf(kept);
        for (let a = 0; a < 3; a++) if (a !== resolved) cell += (Math.floor(p / strides[a]) % x.shape[a]) * keptStrides[a];
        return v - logSum.data[cell];
      });
      expectClose(logSoftmax(x, axis).data, expected);
      expectClose(softmax(x, axis).data, expected.map(Math.exp));
    }
  });

  it('softmax is stable for large inputs and NaN where a row holds NaN', () => {
    expectClose(softmax(tensor([1000, 1000])).data, [0.5, 0.5]);
    expectClose(softmax(tensor([[NaN, 1], [2, 2]])).data, [NaN, NaN, 0.5, 0.5]);
    const columns = tensor([[NaN, 1], [2, 2], [3, -Infinity]]);
    expectClose(softmax(columns, 0).data, transpose(softmax(transpose(columns))).data);
    expectClose(logSoftmax(columns, 0).data, transpose(logSoftmax(transpose(columns))).data);
    expectClose(cumsum(tensor([[1, NaN], [2, 3]]), 0).data, [1, NaN, 3, NaN]);
    expect(softmax(zeros([2, 0])).shape).toEqual([2, 0]);
    expect(() => softmax(tensor([1, 2], { dtype: 'int32' }))).toThrow('softmax: expected a float tensor, got int32');
  });

  it('cumsum is a running sum along the axis', () => {
    const y = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(cumsum(y, 1).toArray()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(cumsum(y, 0).toArray()).toEqual([[1, 2, 3], [5, 7, 9]]);
    expect(cumsum(zeros([0, 2]), 0).shape).toEqual([0, 2]);
  });
});
