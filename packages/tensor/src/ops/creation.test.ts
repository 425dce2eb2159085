import { describe, expect, it } from 'vitest';
import { Generator } from '../random.js';
import { arange, empty, eye, fromData, full, ones, onesLike, rand, randn, tensor, uniform, zeros, zerosLike } from './creation.js';

describe('creation', () => {
  it('tensor reads nested arrays, flat arrays with a shape, and typed arrays', () => {
    const nested = [[1, 2, 3], [4, 5, 6]];
    const x = tensor(nested);
    expect(x.shape).toEqual([2, 3]);
    expect(x.toArray()).toEqual(nested);
    expect(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    const typed = tensor(new Int32Array([7, 8]));
    expect(typed.dtype).toBe('int32');
    expect(tensor(new Float64Array([0.1])).data[0]).toBe(0.1);
    const bytes = tensor(new Uint8Array([1, 255]));
    expect([bytes.dtype, ...bytes.data]).toEqual(['float32', 1, 255]);
    expect(tensor(new Float32Array([1.5, 2.5]), { dtype: 'int32' }).toArray()).toEqual([1, 2]);
    expect(tensor(5).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('tensor names ragged or non-numeric input', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: expected a rectangular nested array of shape [2, 2], got a ragged array (level 1)');
    expect(() => tensor([[1, 2], [3, [4] as never]])).toThrow('tensor: expected a rectangular nested array of shape [2, 2], got a ragged array');
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow('tensor: expected 4 values for shape [2, 2], got 3');
    expect(() => tensor(['a'] as never)).toThrow('tensor: expected numbers, got string at flat index 0');
  });

  it('full, zeros, ones and the *Like forms', () => {
    expect(full([2, 2], 3).toFlatArray()).toEqual([3, 3, 3, 3]);
    expect(zeros([2]).toFlatArray()).toEqual([0, 0]);
    expect(ones([0, 4]).size).toBe(0);
    const like = tensor([1, 2], { dtype: 'float64' });
    expect(zerosLike(like).dtype).toBe('float64');
    expect(onesLike(like).toFlatArray()).toEqual([1, 1]);
    expect(empty([3], { dtype: 'int32' }).data).toBeInstanceOf(Int32Array);
    expect(fromData(new Float32Array(6), [2, 3]).shape).toEqual([2, 3]);
    expect(() => zeros([2, -1])).toThrow('empty: expected a shape of non-negative integers, got [2, -1]');
  });

  it('arange follows Python range semantics', () => {
    const cases: [number, number | undefined, number | undefined][] = [[5, undefined, undefined], [2, 7, 2], [5, 0, -2], [0, 0, 1], [0, 1, 0.25]];
    for (const [start, end, step] of cases) {
      const expected: number[] = [];
      const [from, to] = end === undefined ? [0, start] : [start, end];
      const by = step ?? 1;
      for (let v = from; by > 0 ? v < to : v > to; v += by) expected.push(v);
      expect(arange(start, end, step).toFlatArray()).toEqual(expected);
    }
    expect(() => arange(0, 1, 0)).toThrow('arange: expected a finite non-zero step, got 0');
    expect(() => arange(0, NaN)).toThrow('arange: expected finite start and end, got 0 and NaN');
  });

  it('eye has ones exactly where row = column', () => {
    const e = eye(3, 4);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(e.data[i * 4 + j]).toBe(i === j ? 1 : 0);
    expect(eye(0).shape).toEqual([0, 0]);
    expect(() => eye(-1)).toThrow('eye: expected non-negative integer sizes, got -1 and -1');
  });

  it('rand, uniform and randn draw from the generator in order', () => {
    const a = new Generator(1);
    const b = new Generator(1);
    const u = uniform([4], -2, 3, a);
    expect(u.toFlatArray()).toEqual([0, 1, 2, 3].map(() => Math.fround(b.uniformIn(-2, 3))));
    expect(rand([3], a).toFlatArray()).toEqual([0, 1, 2].map(() => Math.fround(b.uniform())));
    expect(randn([3], a).toFlatArray()).toEqual([0, 1, 2].map(() => Math.fround(b.normal())));
    expect(() => uniform([1], 1, 0, a)).toThrow('uniform: expected low ≤ high, got low 1, high 0');
  });
});
