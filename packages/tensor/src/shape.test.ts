import { describe, expect, it } from 'vitest';
import { allocateArray, dtypeOf, isFloat, promoteTypes } from './dtype.js';
import {
  broadcastShapes, broadcastStrides, checkShape, fail, formatShape, normalizeAxes, normalizeAxis, shapesEqual, sizeOf, stridesOf,
} from './shape.js';

describe('shapes', () => {
  it('sizes, strides and formatting', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 0, 3])).toBe(0);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(formatShape([2, 3])).toBe('[2, 3]');
    expect(shapesEqual([2, 3], [2, 3])).toBe(true);
    expect(shapesEqual([2, 3], [3, 2])).toBe(false);
    expect(() => fail('op', 'this', 'that')).toThrow('op: expected this, got that');
    expect(() => checkShape('op', [2, 1.5])).toThrow('op: expected a shape of non-negative integers, got [2, 1.5]');
  });

  it('broadcasts as NumPy: trailing axes align, 1 stretches', () => {
    const cases: [number[], number[]][] = [[[3, 1, 4], [2, 4]], [[], [5]], [[0, 1], [1, 3]], [[4], [4]]];
    for (const [a, b] of cases) {
      const rank = Math.max(a.length, b.length);
      const padded = (s: number[]) => [...Array(rank - s.length).fill(1), ...s];
      const expected = padded(a).map((d, i) => (d === 1 ? padded(b)[i] : d));
      expect(broadcastShapes('op', a, b)).toEqual(expected);
    }
    expect(() => broadcastShapes('add', [2, 3], [3, 2])).toThrow('add: expected shapes that broadcast, got [2, 3] and [3, 2]');
    expect(broadcastStrides([3, 1], [2, 3, 4])).toEqual([0, 1, 0]);
  });

  it('resolves negative axes and refuses out-of-range or repeated ones', () => {
    expect(normalizeAxis('op', -1, 3)).toBe(2);
    expect(() => normalizeAxis('op', 3, 3)).toThrow('op: expected an axis in [-3, 2], got 3');
    expect(() => normalizeAxis('op', 0.5, 3)).toThrow('op: expected an axis in [-3, 2], got 0.5');
    expect(normalizeAxes('op', [-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes('op', undefined, 2)).toEqual([0, 1]);
    expect(() => normalizeAxes('op', [1, -2], 3)).toThrow('op: expected distinct axes, got [1, -2]');
  });
});

describe('dtypes', () => {
  it('promotes float64 over float32 over int32 and maps storage to dtypes', () => {
    expect(promoteTypes('int32', 'int32')).toBe('int32');
    expect(promoteTypes('int32', 'float32')).toBe('float32');
    expect(promoteTypes('float32', 'float64')).toBe('float64');
    expect(isFloat('int32')).toBe(false);
    for (const dtype of ['float32', 'float64', 'int32'] as const) expect(dtypeOf(allocateArray(dtype, 2))).toBe(dtype);
    expect(() => allocateArray('int8' as never, 1)).toThrow('unknown dtype int8: expected float32, float64 or int32');
    expect(() => dtypeOf(new Uint8Array(1) as never)).toThrow('unsupported storage [object Uint8Array]');
  });
});
