import { Generator, type ReduceOptions } from '@recurrent/tensor';
import { describe, it } from 'vitest';
import { values } from '../../test/shapes.js';
import { gradcheck } from '../gradcheck.js';
import { cumsum, logSoftmax, logsumexp, max, mean, min, prod, softmax, sum } from './reduce.js';

const generator = new Generator(5);
const cases: [number[], ReduceOptions][] = [
  [[], {}], [[4], {}], [[3, 4], {}], [[3, 4], { axis: 0 }], [[3, 4], { axis: 1, keepDims: true }],
  [[2, 3, 4], { axis: [0, 2] }], [[2, 1, 3], { axis: -2 }], [[2, 3, 2], { axis: [1], keepDims: true }],
];

describe('reduction gradient rules (gradcheck)', () => {
  it.each(cases)('sum, mean, prod, max, min, logsumexp over %j with %j', (shape, options) => {
    for (const op of [sum, mean, prod, max, min, logsumexp]) gradcheck((x) => op(x, options), [values(generator, shape)], { name: op.name });
  });

  it('prod is exact where x has a zero (no division by x)', () => {
    const x = values(generator, [3, 4]);
    x.data[5] = 0;
    gradcheck((v) => prod(v, { axis: 1 }), [x]);
    x.data[6] = 0;
    gradcheck((v) => prod(v), [x]);
  });

  it.each([[[5], 0], [[3, 4], -1], [[3, 4], 0], [[2, 3, 4], 1], [[1, 1], -1]] as [number[], number][])(
    'softmax, logSoftmax and cumsum on %j along %i', (shape, axis) => {
      for (const op of [softmax, logSoftmax, cumsum]) gradcheck((x) => op(x, axis), [values(generator, shape, -3, 3)], { name: op.name });
    },
  );
});
