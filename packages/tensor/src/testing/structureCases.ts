import { reduceOps } from '../backend.js';
import { cast, clone } from '../ops/cast.js';
import { indexAdd, indexSelect, gather } from '../ops/indexing.js';
import { chunk, concat, split, stack } from '../ops/join.js';
import { broadcastTo, expand, flatten, flip, permute, reshape, squeeze, transpose, unsqueeze } from '../ops/movement.js';
import { argmax, argmin, cumsum, logSoftmax, logsumexp, max, mean, min, prod, softmax, sum } from '../ops/reduce.js';
import { narrow, pad, slice } from '../ops/slice.js';
import type { ConformanceCase } from './conformanceCase.js';

const reducers = { sum, prod, max, min, logsumexp } as const;

/** Cases for `copy`, `reduce`, `argReduce`, `softmax`, `cumsum`, `gather` and `scatterAdd`. */
export const structureCases: ConformanceCase[] = [
  {
    kernel: 'copy',
    name: 'permute, transpose, flip, expand and strided slices',
    run: (c) => {
      const x = c.randn([3, 4, 5]);
      return [
        permute(x, [2, 0, 1]), transpose(x, 0, 2), flip(x, [0, 2]), expand(c.randn([3, 1]), [2, 3, 6]),
        slice(x, [{ start: 1 }, { step: 2 }, { start: -4, end: -1, step: 2 }]), transpose(c.randn([0, 3])),
      ];
    },
  },
  {
    kernel: 'copy',
    name: 'broadcastTo, split, narrow, clone and the shape-only ops around them',
    run: (c) => {
      const x = c.randn([4, 6]);
      return [
        broadcastTo(c.randn([6]), [3, 4, 6]), ...split(x, [1, 5], 1), ...split(x, 3, 0), narrow(x, 1, -3, 2), clone(x),
        flatten(permute(reshape(x, [2, 2, 6]), [1, 2, 0]), 1), squeeze(unsqueeze(flip(x, 0), 1)),
      ];
    },
  },
  {
    kernel: 'copy',
    name: 'cast between float32, float64 and int32',
    dtypes: ['float64', 'int32'],
    run: (c) => {
      const x = c.uniform([20], -50, 50);
      return [cast(x, 'int32'), cast(x, 'float64'), cast(cast(x, 'int32'), 'float32'), permute(c.integers([3, 4], 9), [1, 0])];
    },
  },
  ...reduceOps.map((op): ConformanceCase => ({
    kernel: 'reduce',
    name: `${op} over every axis set, keepDims, special values`,
    run: (c) => {
      const x = c.randn([3, 4, 5]);
      const special = c.special(5);
      const out = [undefined, 0, 1, 2, [0, 2]].map((axis) => reducers[op](x, { axis, keepDims: axis === 1 }));
      out.push(reducers[op](special), reducers[op](c.values([NaN, Infinity, -Infinity, 1], [2, 2]), { axis: 1 }));
      if (op !== 'max' && op !== 'min') out.push(reducers[op](c.randn([2, 0]), { axis: 1 }));
      return out;
    },
  })),
  {
    kernel: 'reduce',
    name: 'mean over axes and of a long row (accumulation)',
    run: (c) => [mean(c.randn([4, 6]), { axis: 1 }), mean(c.randn([4, 6])), sum(c.uniform([10000], 0, 1))],
  },
  {
    kernel: 'argReduce',
    name: 'argmax and argmin along each axis, ties and NaN',
    run: (c) => {
      const x = c.randn([4, 5, 3]);
      const ties = c.values([1, 3, 3, NaN, 2, NaN, 0, 0], [2, 4]);
      return [argmax(x, 0), argmin(x, 1, true), argmax(x, 2), argmax(x), argmax(ties, 1), argmin(ties, 1)];
    },
  },
  {
    kernel: 'softmax',
    name: 'softmax and logSoftmax along each axis, large and infinite values',
    run: (c) => {
      const x = c.randn([3, 4, 5]);
      const extreme = c.values([1000, 1000, -1000, -Infinity, 0, -Infinity, NaN, 1], [4, 2]);
      return [softmax(x, 0), softmax(x, 1), logSoftmax(x, -1), logSoftmax(x, 0), softmax(extreme), logSoftmax(extreme)];
    },
  },
  {
    kernel: 'cumsum',
    name: 'cumsum along each axis',
    run: (c) => {
      const x = c.randn([3, 4, 5]);
      return [cumsum(x, 0), cumsum(x, 1), cumsum(x, 2), cumsum(c.randn([0, 3]), 1)];
    },
  },
  {
    kernel: 'gather',
    name: 'indexSelect along each axis and torch-style gather',
    run: (c) => {
      const x = c.randn([4, 5, 3]);
      return [
        indexSelect(x, 0, [3, 0, 3]), indexSelect(x, 1, c.integers([7], 5)), indexSelect(x, 2, []),
        gather(x, 1, c.integers([4, 2, 3], 5)), gather(x, 0, c.integers([2, 5, 1], 4)),
      ];
    },
  },
  {
    kernel: 'scatterAdd',
    name: 'indexAdd with repeated indices, concat, stack, pad and chunk',
    run: (c) => {
      const x = c.randn([4, 5]);
      return [
        indexAdd(x, 0, [1, 1, 3], c.randn([3, 5])), indexAdd(x, 1, c.integers([9], 5), c.randn([4, 9])),
        concat([x, c.randn([2, 5]), c.randn([0, 5])]), concat([x, c.randn([4, 1])], 1),
        stack([x, x], 1), pad(x, [[1, 2], [0, 3]], NaN), ...chunk(x, 3, 1),
      ];
    },
  },
];
