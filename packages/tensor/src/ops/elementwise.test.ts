import { describe, expect, it } from 'vitest';
import { binaryOps, type BinaryOp, unaryOps, type UnaryOp } from '../backend.js';
import { Generator } from '../random.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { randn, tensor, zeros } from './creation.js';
import * as ops from './elementwise.js';

/** The definition of each unary op, one number at a time. */
const unaryReference: Record<UnaryOp, (v: number) => number> = {
  neg: (v) => -v,
  abs: (v) => (v < 0 ? -v : v),
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (v) => 1 / Math.sqrt(v),
  square: (v) => v * v,
  reciprocal: (v) => 1 / v,
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  relu: (v) => (Number.isNaN(v) ? v : v > 0 ? v : 0),
  softplus: (v) => Math.log(1 + Math.exp(v)),
  sign: (v) => (v > 0 ? 1 : v < 0 ? -1 : v),
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  ceil: Math.ceil,
  round: (v) => {
    const r = Math.floor(v + 0.5);
    return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
};

const binaryReference: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => x ** y,
  maximum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
  minimum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)),
  eq: (x, y) => Number(x === y),
  ne: (x, y) => Number(x !== y),
  lt: (x, y) => Number(x < y),
  le: (x, y) => Number(x <= y),
  gt: (x, y) => Number(x > y),
  ge: (x, y) => Number(x >= y),
};

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = Math.fround(expected[i]);
    if (!Number.isFinite(e)) expect(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), `at ${i}: ${a} vs ${e}`).toBe(true);
    else expect(Math.abs(a - e), `at ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(e)));
  }
}

/** Value of `x` at the output index `index` of `shape`, read with NumPy broadcasting. */
function broadcastRead(x: Tensor, shape: number[], index: number): number {
  let position = 0;
  let stride = 1;
  for (let axis = shape.length - 1, own = x.rank - 1; axis >= 0; axis--, own--) {
    const coordinate = index % shape[axis];
    index = Math.floor(index / shape[axis]);
    if (own >= 0) {
      if (x.shape[own] !== 1) position += coordinate * stride;
      stride *= x.shape[own];
    }
  }
  return x.data[position];
}

const special = [0, -0, 1, -1, 0.5, -0.5, 2.5, -2.5, 1e-8, 30, -30, 100, -100, Infinity, -Infinity, NaN];

describe('unary ops', () => {
  const g = new Generator(3);
  const values = tensor([...special, ...randn([64], g).data, ...Array.from(randn([32], g).data, (v) => 4 * Math.abs(v))]);
  it.each(unaryOps.map((op) => [op]))('%s matches its definition, including ±0, ±∞ and NaN', (op) => {
    const out = ops[op](values);
    expect(out.shape).toEqual(values.shape);
    expectClose(out.data, Array.from(values.data, unaryReference[op]), 2e-6);
  });

  it('keeps the shape of zero-sized and scalar tensors', () => {
    expect(ops.exp(zeros([0, 3])).shape).toEqual([0, 3]);
    expect(ops.tanh(tensor(0.5)).item()).toBeCloseTo(Math.tanh(0.5), 6);
  });

  it('keeps int32 for neg and abs, and gives float32 for exp of int32', () => {
    const x = tensor([-2, 3], { dtype: 'int32' });
    expect(ops.neg(x).dtype).toBe('int32');
    expect(ops.abs(x).toArray()).toEqual([2, 3]);
    expect(ops.exp(x).dtype).toBe('float32');
  });

  it('names the op when the input is not a tensor', () => {
    expect(() => ops.tanh([1, 2] as never)).toThrow('tanh: expected input to be a Tensor, got an array of length 2');
  });
});

describe('binary ops', () => {
  const g = new Generator(5);
  const pairs: [number[], number[]][] = [
    [[3, 4], [3, 4]], [[3, 1, 4], [2, 4]], [[4], [3, 4]], [[], [2, 3]], [[2, 3, 1], [1, 4]],
    [[2, 1, 3], [1, 5, 1]], [[1], [1]], [[0, 3], [3]], [[2, 0], [1, 1]], [[5, 1], [1, 1]],
    // long rows: row broadcast, column on the left, column on the right
    [[3, 70], [70]], [[4, 1], [4, 65]], [[2, 1, 65], [3, 1]], [[3, 130], [3, 130]], [[], [131]],
  ];
  it.each(binaryOps.map((op) => [op]))('%s broadcasts as NumPy does', (op) => {
    for (const [sa, sb] of pairs) {
      const a = randn(sa, g);
      const b = randn(sb, g);
      if (op === 'pow') a.data.forEach((v, i) => (a.data[i] = Math.abs(v)));
      const out = ops[op](a, b);
      const shape = [...out.shape];
      const expected = Array.from({ length: sizeOf(shape) }, (_, i) => binaryReference[op](broadcastRead(a, shape, i), broadcastRead(b, shape, i)));
      expectClose(out.data, expected, 2e-6);
    }
  });

  it('follows IEEE on special values', () => {
    const x = tensor(special);
    for (const op of binaryOps) {
      const y = tensor([...special].reverse());
      const expected = special.map((v, i) => binaryReference[op](v, y.data[i]));
      expectClose(ops[op](x, y).data, expected);
    }
  });

  it('takes numbers on either side', () => {
    expect(ops.sub(1, tensor([1, 2])).toArray()).toEqual([0, -1]);
    expect(ops.div(tensor([1, 2]), 2).toArray()).toEqual([0.5, 1]);
  });

  it('promotes an int32 tensor with a fractional number to float32', () => {
    const out = ops.add(tensor([1, 2], { dtype: 'int32' }), 0.5);
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual([1.5, 2.5]);
    expect(ops.add(tensor([1], { dtype: 'int32' }), 2).dtype).toBe('int32');
  });

  it('reads strided rows for a column operand', () => {
    const a = tensor([[1], [2], [3]]);
    const b = tensor([[10, 20], [30, 40], [50, 60]]);
    expect(ops.mul(a, b).toArray()).toEqual([[10, 20], [60, 80], [150, 180]]);
  });

  it('names both shapes when they do not broadcast', () => {
    expect(() => ops.add(zeros([2, 3]), zeros([4]))).toThrow('add: expected shapes that broadcast, got [2, 3] and [4]');
    expect(() => ops.mul(2 as never, 3 as never)).toThrow('mul: expected at least one Tensor, got two numbers');
    expect(() => ops.sub(zeros([1]), 'x' as never)).toThrow('sub: expected b to be a Tensor or a number, got string');
  });
});

describe('where, clamp, affine', () => {
  it('where picks with broadcasting', () => {
    const condition = tensor([[1], [0]]);
    const out = ops.where(condition, tensor([1, 2, 3]), -1);
    expect(out.toArray()).toEqual([[1, 2, 3], [-1, -1, -1]]);
    expect(ops.where(zeros([0, 2]), 1, 2).shape).toEqual([0, 2]);
    const g = new Generator(12);
    const c = ops.gt(randn([4, 5], g), 0);
    const a = randn([4, 5], g);
    for (const [sc, sa, sb] of [[[3, 1, 4], [2, 4], [3, 2, 1]], [[5, 1], [1, 6], []], [[2, 3, 4], [2, 3, 4], [4]]]) {
      const condition3 = ops.gt(randn(sc, g), 0);
      const left = randn(sa, g);
      const right = randn(sb, g);
      const out = ops.where(condition3, left, right);
      const shape = [...out.shape];
      const expected = Array.from({ length: sizeOf(shape) }, (_, i) =>
        broadcastRead(condition3, shape, i) !== 0 ? broadcastRead(left, shape, i) : broadcastRead(right, shape, i));
      expect(out.toFlatArray()).toEqual(expected);
    }
    const flat = ops.where(c, a, NaN);
    expect(flat.toFlatArray()).toEqual(Array.from(c.data, (v, i) => (v !== 0 ? a.data[i] : NaN)));
  });

  it('clamp keeps NaN and follows plain min/max elsewhere', () => {
    const x = tensor(special);
    const expected = special.map((v) => (Number.isNaN(v) ? NaN : Math.min(Math.max(v, -1), 2)));
    expectClose(ops.clamp(x, -1, 2).data, expected);
    expect(() => ops.clamp(x, 2, 1)).toThrow('clamp: expected low ≤ high, got low 2, high 1');
    expect(() => ops.clamp(x, NaN)).toThrow('clamp: expected a number low bound, got number NaN');
  });

  it('affine computes x·scale + shift', () => {
    const g = new Generator(9);
    const x = randn([7], g);
    expectClose(ops.affine(x, 3, -2).data, Array.from(x.data, (v) => v * 3 - 2));
  });
});
