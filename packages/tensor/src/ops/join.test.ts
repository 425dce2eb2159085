import { describe, expect, it } from 'vitest';
import { Generator } from '../random.js';
import type { NestedArray } from '../tensor.js';
import { randn, tensor, zeros } from './creation.js';
import { chunk, concat, split, stack } from './join.js';

const g = new Generator(6);

/** Concatenation of nested arrays along `axis`, written with Array.concat. */
function nestedConcat(values: NestedArray[], axis: number): NestedArray {
  if (axis === 0) return (values as NestedArray[][]).flat(1);
  const first = values[0] as NestedArray[];
  return first.map((_, i) => nestedConcat(values.map((v) => (v as NestedArray[])[i]), axis - 1));
}

describe('concat and stack', () => {
  it('concat matches Array.concat along every axis', () => {
    for (const axis of [0, 1, 2, -1]) {
      // three parts whose sizes on the joined axis differ (1, 2, 3)
      const parts = [1, 2, 3].map((size) => randn([2, 3, 4].map((d, j) => (j === (axis + 3) % 3 ? size : d)), g));
      expect(concat(parts, axis).toArray()).toEqual(nestedConcat(parts.map((p) => p.toArray()), (axis + 3) % 3));
    }
  });

  it('concat after leading axes of size 1 (each part one run of the storage) matches Array.concat', () => {
    for (const axis of [1, 2]) {
      const parts = [2, 1, 3].map((size) => randn([1, 1, 4].map((d, j) => (j === axis ? size : j < axis ? 1 : d)), g));
      expect(concat(parts, axis).toArray()).toEqual(nestedConcat(parts.map((p) => p.toArray()), axis));
    }
    const mixed = concat([tensor([[1, 2]], { dtype: 'int32' }), tensor([[0.5]])], 1);
    expect([mixed.dtype, mixed.toArray()]).toEqual(['float32', [[1, 2, 0.5]]]);
  });

  it('keeps −0, NaN and infinities, allows empty parts and promotes dtypes', () => {
    const y = concat([tensor([-0, NaN]), zeros([0]), tensor([-Infinity])]);
    expect(Object.is(y.data[0], -0)).toBe(true);
    expect(Number.isNaN(y.data[1])).toBe(true);
    expect(y.data[2]).toBe(-Infinity);
    const mixed = concat([tensor([1], { dtype: 'int32' }), tensor([0.5], { dtype: 'float64' })]);
    expect(mixed.dtype).toBe('float64');
    expect(mixed.toArray()).toEqual([1, 0.5]);
    expect(concat([zeros([2, 0]), zeros([2, 0])], 1).shape).toEqual([2, 0]);
  });

  it('stack adds an axis', () => {
    const a = randn([2, 3], g);
    const b = randn([2, 3], g);
    expect(stack([a, b]).toArray()).toEqual([a.toArray(), b.toArray()]);
    const rows = (t: typeof a) => t.toArray() as number[][];
    expect(stack([a, b], -1).toArray()).toEqual(rows(a).map((row, i) => row.map((v, j) => [v, rows(b)[i][j]])));
  });

  it('names mismatched shapes', () => {
    expect(() => concat([zeros([2, 3]), zeros([3, 3])], 1)).toThrow('concat: expected shapes equal except on axis 1, got [2, 3], [3, 3]');
    expect(() => concat([])).toThrow('concat: expected a non-empty array of tensors, got an array of length 0');
    expect(() => stack([zeros([2]), zeros([3])])).toThrow('stack: expected tensors of one shape, got [2], [3]');
    expect(() => stack([zeros([2])], 3)).toThrow('stack: expected an axis in [-2, 1], got 3');
  });
});

describe('split and chunk', () => {
  const x = randn([7, 4], g);
  it('split by size and by sizes undoes concat', () => {
    const bySize = split(x, 3);
    expect(bySize.map((t) => t.shape[0])).toEqual([3, 3, 1]);
    expect(concat(bySize).toArray()).toEqual(x.toArray());
    const bySizes = split(x, [1, 3], 1);
    expect(bySizes.map((t) => t.shape)).toEqual([[7, 1], [7, 3]]);
    expect(concat(bySizes, 1).toArray()).toEqual(x.toArray());
    expect(split(zeros([0, 2]), 2).map((t) => t.shape)).toEqual([[0, 2]]);
  });

  it('chunk gives ceil(size / chunks) pieces as PyTorch does', () => {
    expect(chunk(x, 3).map((t) => t.shape[0])).toEqual([3, 3, 1]);
    expect(chunk(zeros([6]), 4).map((t) => t.shape[0])).toEqual([2, 2, 2]);
    expect(concat(chunk(x, 2, 1), 1).toArray()).toEqual(x.toArray());
  });

  it('names bad sizes', () => {
    expect(() => split(x, [3, 3])).toThrow('split: expected sizes adding up to 7 (axis 0 of [7, 4]), got [3, 3] (sum 6)');
    expect(() => split(x, 0)).toThrow('split: expected a positive integer size, got number 0');
    expect(() => chunk(x, 0)).toThrow('chunk: expected a positive integer number of chunks, got number 0');
  });
});
