import { Generator } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { randomShape, values, awayFromZero } from '../../test/shapes.js';
import { gradcheck } from '../gradcheck.js';
import { backward } from '../graph.js';
import { Variable } from '../variable.js';
import { sum } from './reduce.js';
import * as U from './unary.js';

const generator = new Generator(3);
const shapes = [[], [1], [3], [2, 1, 3], ...Array.from({ length: 4 }, () => randomShape(generator))];

describe('unary gradient rules (gradcheck)', () => {
  it.each(shapes)('smooth ops on %j', (...shape) => {
    for (const op of [U.neg, U.exp, U.tanh, U.sigmoid, U.softplus, U.sin, U.cos, U.square, U.expm1]) {
      gradcheck(op, [values(generator, shape)], { name: op.name });
    }
    for (const op of [U.log, U.sqrt, U.rsqrt, U.log1p]) gradcheck(op, [values(generator, shape, 0.3, 2)], { name: op.name });
    gradcheck(U.reciprocal, [awayFromZero(generator, shape)], { name: 'reciprocal' });
    gradcheck((x) => U.affine(x, -2.5, 0.5), [values(generator, shape)], { name: 'affine' });
  });

  it.each(shapes)('ops with kinks on %j (values away from the kinks)', (...shape) => {
    gradcheck(U.relu, [awayFromZero(generator, shape, 0.1, 2)], { name: 'relu' });
    gradcheck(U.abs, [awayFromZero(generator, shape, 0.1, 2)], { name: 'abs' });
    const x = awayFromZero(generator, shape, 0.1, 2);
    for (let i = 0; i < x.size; i++) if (Math.abs(Math.abs(x.data[i]) - 1) < 0.05) x.data[i] = 0.5;
    gradcheck((v) => U.clamp(v, -1, 1), [x], { name: 'clamp' });
  });

  it('passes no gradient through sign, floor, ceil and round', () => {
    for (const op of [U.sign, U.floor, U.ceil, U.round]) {
      const x = new Variable(values(generator, [3]), { requiresGrad: true });
      backward(sum(op(x)));
      expect(x.grad).toBeNull();
    }
  });
});
