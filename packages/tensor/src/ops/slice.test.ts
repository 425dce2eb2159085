import { describe, expect, it } from 'vitest';
import { Generator } from '../random.js';
import type { NestedArray } from '../tensor.js';
import { randn, tensor, zeros } from './creation.js';
import { narrow, pad, slice, type SliceRange } from './slice.js';

/** Python's slicing of a list, written out. */
function pySlice<T>(items: T[], range: SliceRange | null | undefined): T[] {
  const size = items.length;
  const resolve = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const start = resolve(range?.start ?? 0);
  const end = resolve(range?.end ?? size);
  const out: T[] = [];
  for (let i = start; i < end; i += range?.step ?? 1) out.push(items[i]);
  return out;
}

function nestedSlice(value: NestedArray, ranges: (SliceRange | number | null)[]): NestedArray {
  if (ranges.length === 0) return value;
  const [range, ...rest] = ranges;
  const items = value as NestedArray[];
  if (typeof range === 'number') return nestedSlice(items[range < 0 ? range + items.length : range], rest);
  return pySlice(items, range).map((item) => nestedSlice(item, rest));
}

describe('slice', () => {
  const x = randn([4, 5, 6], new Generator(8));
  const cases: (SliceRange | number | null)[][] = [
    [{ start: 1, end: 3 }],
    [null, { step: 2 }],
    [{ start: -3 }, { start: 1, end: -1, step: 3 }, { end: 4 }],
    [2, { start: -2 }],
    [null, -1, 0],
    [{ start: 10 }],
    [{ start: 3, end: 1 }],
    [{ start: -100, end: 100, step: 5 }],
  ];
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s matches Python slicing', (_label, ranges) => {
    expect(slice(x, ranges).toArray()).toEqual(nestedSlice(x.toArray(), ranges));
  });

  it('copies long unit-stride rows of a wider tensor', () => {
    const wide = randn([3, 2, 80], new Generator(2));
    const ranges = [null, { start: 1 }, { start: 5, end: 75 }];
    expect(slice(wide, ranges).toArray()).toEqual(nestedSlice(wide.toArray(), ranges));
    const narrowRows = [{ start: 1 }, null, { start: 3, end: 40 }];
    expect(slice(wide, narrowRows).toArray()).toEqual(nestedSlice(wide.toArray(), narrowRows));
  });

  it('shares storage for a contiguous block and copies otherwise', () => {
    expect(slice(x, [{ start: 1, end: 3 }]).data.buffer).toBe(x.data.buffer);
    expect(slice(x, [2, 1]).data.buffer).toBe(x.data.buffer);
    expect(slice(x, [null, { step: 2 }]).data.buffer).not.toBe(x.data.buffer);
  });

  it('narrow takes a run of one axis', () => {
    expect(narrow(x, 1, -2, 2).toArray()).toEqual(nestedSlice(x.toArray(), [null, { start: 3, end: 5 }]));
    expect(() => narrow(x, 1, 4, 2)).toThrow('narrow: expected start and length within axis 1 of size 5, got start 4, length 2');
  });

  it('names bad ranges', () => {
    expect(() => slice(x, [{ step: 0 }])).toThrow('slice: expected a positive step for axis 0, got 0');
    expect(() => slice(x, [null, 5])).toThrow('slice: expected an index in [-5, 4] for axis 1, got 5');
    expect(() => slice(x, [null, null, null, null])).toThrow('slice: expected at most 3 ranges for shape [4, 5, 6], got 4');
    expect(() => slice(x, [{ start: 0.5 }])).toThrow('slice: expected start for axis 0 to be an integer, got number 0.5');
    // a Python-style [start, end] pair is not a range: refused rather than read as "everything"
    expect(() => slice(x, [[0, 1] as never])).toThrow('slice: expected a range { start, end, step }, an index or null for axis 0, got an array of length 2');
    expect(() => slice(x, [{ begin: 1 } as never])).toThrow("slice: expected a range with start, end and step only for axis 0, got key 'begin'");
  });
});

describe('pad', () => {
  it('surrounds the input with the value, per axis', () => {
    const x = randn([2, 3], new Generator(1));
    const y = pad(x, [[1, 0], [2, 1]], -7);
    expect(y.shape).toEqual([3, 6]);
    const rows = x.toArray() as number[][];
    const expected = [Array(6).fill(-7), ...rows.map((row) => [-7, -7, ...row, -7])];
    expect(y.toArray()).toEqual(expected.map((row) => row.map(Math.fround)));
  });

  it('keeps −0, NaN and infinities of the input and pads empty tensors', () => {
    const y = pad(tensor([-0, NaN, Infinity]), [[1, 1]]);
    expect(Object.is(y.data[1], -0)).toBe(true);
    expect(Number.isNaN(y.data[2])).toBe(true);
    expect(y.data[3]).toBe(Infinity);
    expect(pad(zeros([0, 2]), [[1, 1], [0, 0]], 3).toArray()).toEqual([[3, 3], [3, 3]]);
    expect(pad(tensor([1, 2], { dtype: 'int32' }), [[0, 1]]).dtype).toBe('int32');
  });

  it('names the padding it refuses', () => {
    expect(() => pad(zeros([2, 2]), [[1, 1]])).toThrow('pad: expected one [before, after] pair per axis of [2, 2], got an array of length 1');
    expect(() => pad(zeros([2]), [[-1, 1]])).toThrow('pad: expected [before, after] non-negative integers for axis 0, got [-1,1]');
  });
});
