import { binaryOps, unaryOps } from '../backend.js';
import * as ops from '../ops/elementwise.js';
import { maximum } from '../ops/elementwise.js';
import type { ConformanceCase } from './conformanceCase.js';

/** Shape pairs for broadcasting: equal, row, column, scalar, both sides, zero-sized. */
export const broadcastPairs: [number[], number[]][] = [
  [[3, 4], [3, 4]], [[3, 1, 4], [2, 4]], [[4], [3, 4]], [[], [2, 3]], [[3, 1], [3, 5]],
  [[2, 3, 1], [1, 3, 4]], [[7, 33], [33]], [[0, 3], [3]], [[2, 0], [2, 1]], [[1], []],
];

/** Cases for `unary`, `affine`, `clamp`, `binary` and `where`. */
export const elementwiseCases: ConformanceCase[] = [
  ...unaryOps.map((op): ConformanceCase => ({
    kernel: 'unary',
    name: `${op} on IEEE special values and normal samples`,
    run: (c) => ops[op](c.special(40)),
  })),
  ...unaryOps.map((op): ConformanceCase => ({
    kernel: 'unary',
    name: `${op} on a [3, 0] tensor and a scalar`,
    run: (c) => [ops[op](c.randn([3, 0])), ops[op](c.randn([]))],
  })),
  {
    kernel: 'unary',
    name: 'neg, abs, square of int32 stay int32; exp of int32 is float32',
    dtypes: ['int32'],
    run: (c) => {
      const x = c.values([-3, 0, 2, 7], [4], 'int32');
      return [ops.neg(x), ops.abs(x), ops.square(x), ops.exp(x)];
    },
  },
  {
    kernel: 'unary',
    name: 'float64 tanh and sigmoid',
    dtypes: ['float64'],
    run: (c) => [ops.tanh(c.special(20, 'float64')), ops.sigmoid(c.special(20, 'float64'))],
  },
  {
    kernel: 'affine',
    name: 'x·scale + shift on special values',
    run: (c) => [ops.affine(c.special(), 2.5, -1), ops.affine(c.special(), 0, 3), ops.affine(c.randn([0]), 2, 1)],
  },
  {
    kernel: 'clamp',
    name: 'clamp to bounds, NaN kept, one-sided bounds',
    run: (c) => [ops.clamp(c.special(), -1, 2), ops.clamp(c.special(), 0), ops.clamp(c.special(), -Infinity, -0.5)],
  },
  ...binaryOps.map((op): ConformanceCase => ({
    kernel: 'binary',
    name: `${op} over broadcast shapes`,
    run: (c) => broadcastPairs.map(([sa, sb]) => {
      const a = op === 'pow' ? ops.abs(c.randn(sa)) : c.randn(sa);
      return ops[op](a, c.randn(sb));
    }),
  })),
  ...binaryOps.map((op): ConformanceCase => ({
    kernel: 'binary',
    name: `${op} on special values, both orders, and with numbers`,
    run: (c) => {
      const x = c.special(0);
      const y = c.values([...x.data].reverse());
      return [ops[op](x, y), ops[op](y, x), ops[op](x, 0.5), ops[op](-2, x)];
    },
  })),
  {
    kernel: 'binary',
    name: 'int32 arithmetic, mixed int32 + float32 and float64 operands',
    dtypes: ['int32', 'float64'],
    run: (c) => {
      const i = c.values([1, -2, 3, 40], [4], 'int32');
      const f = c.randn([4]);
      const d = c.randn([2, 4], 'float64');
      return [ops.add(i, i), ops.mul(i, 3), ops.sub(i, f), ops.div(i, i), ops.lt(i, f), ops.add(d, f), maximum(i, d)];
    },
  },
  {
    kernel: 'binary',
    name: 'large contiguous, scalar and row operands (fast paths)',
    run: (c) => {
      const a = c.randn([64, 129]);
      return [ops.add(a, c.randn([64, 129])), ops.mul(a, 3), ops.sub(1, a), ops.add(a, c.randn([129])), ops.div(a, c.uniform([64, 1], 1, 2))];
    },
  },
  {
    kernel: 'where',
    name: 'where over broadcast condition and operands',
    run: (c) => {
      const condition = ops.gt(c.randn([3, 1, 4]), 0);
      return [ops.where(condition, c.randn([2, 4]), c.randn([3, 2, 1])), ops.where(condition, 1, -1), ops.where(c.randn([0, 2]), 1, 2)];
    },
  },
];
