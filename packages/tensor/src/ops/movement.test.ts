import { describe, expect, it } from 'vitest';
import { Generator } from '../random.js';
import { stridesOf } from '../shape.js';
import type { NestedArray } from '../tensor.js';
import { arange, randn, tensor, zeros } from './creation.js';
import { broadcastTo, expand, flatten, flip, permute, reshape, squeeze, transpose, unsqueeze } from './movement.js';

const g = new Generator(4);

describe('reshape, squeeze, unsqueeze, flatten', () => {
  const x = randn([2, 1, 3, 1], g);
  it('share storage and keep the element order', () => {
    for (const y of [reshape(x, [3, -1]), squeeze(x), squeeze(x, 1), unsqueeze(x, -1), flatten(x, 1, 2), flatten(x)]) {
      expect(y.data).toBe(x.data);
    }
    expect(squeeze(x).shape).toEqual([2, 3]);
    expect(squeeze(x, [1, 3]).shape).toEqual([2, 3]);
    expect(squeeze(x, 0).shape).toEqual([2, 1, 3, 1]);
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 1, 3, 1]);
    expect(unsqueeze(x, -1).shape).toEqual([2, 1, 3, 1, 1]);
    expect(flatten(x, 1, 2).shape).toEqual([2, 3, 1]);
    expect(flatten(tensor(3)).shape).toEqual([1]);
    expect(reshape(zeros([0, 4]), [-1, 2]).shape).toEqual([0, 2]);
  });

  it('name what was wrong', () => {
    expect(() => reshape(x, [4, -1])).toThrow('reshape: expected a shape with 6 elements, got [4, -1]');
    expect(() => reshape(x, [-1, -1])).toThrow('reshape: expected at most one -1, got [-1, -1]');
    expect(() => unsqueeze(x, 5)).toThrow('unsqueeze: expected an axis in [-5, 4], got 5');
    expect(() => flatten(x, 2, 1)).toThrow('flatten: expected startAxis ≤ endAxis, got 2 and 1');
    expect(() => squeeze(x, 4)).toThrow('squeeze: expected an axis in [-4, 3], got 4');
  });
});

describe('permute and transpose', () => {
  const x = randn([2, 3, 4], g);
  it('move element (i, j, k) to the permuted position', () => {
    const y = permute(x, [2, 0, 1]);
    expect(y.shape).toEqual([4, 2, 3]);
    const xs = stridesOf(x.shape);
    const ys = stridesOf(y.shape);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
      expect(y.data[k * ys[0] + i * ys[1] + j * ys[2]]).toBe(x.data[i * xs[0] + j * xs[1] + k * xs[2]]);
    }
    expect(transpose(transpose(x, 0, 2), 0, 2).toFlatArray()).toEqual(x.toFlatArray());
    // large enough for the tiled path, with edges that do not fill a tile, batched and not
    for (const shape of [[70, 90], [3, 40, 50], [2, 17, 33, 3]]) {
      const big = randn(shape, g);
      const axes = shape.length === 4 ? [0, 2, 1, 3] : shape.length === 3 ? [0, 2, 1] : [1, 0];
      const out = permute(big, axes);
      const bs = stridesOf(big.shape);
      const os = stridesOf(out.shape);
      let mismatches = 0;
      for (let p = 0; p < big.size; p++) {
        const coordinates = bs.map((stride, axis) => Math.floor(p / stride) % big.shape[axis]);
        const q = axes.reduce((acc, from, to) => acc + coordinates[from] * os[to], 0);
        if (out.data[q] !== big.data[p]) mismatches++;
      }
      expect(mismatches).toBe(0);
    }
    expect(transpose(zeros([0, 3])).shape).toEqual([3, 0]);
    expect(() => permute(x, [0, 0, 1])).toThrow('permute: expected a permutation of the axes, got [0, 0, 1]');
    const row = randn([1, 5], g);
    expect(transpose(row).data).toBe(row.data);
    expect(transpose(row).toArray()).toEqual(Array.from(row.data, (v) => [v]));
    const identity = permute(x, [0, 1, 2]);
    expect(identity.data).toBe(x.data);
  });
});

describe('expand and broadcastTo', () => {
  it('repeat size-1 axes and add leading ones', () => {
    const x = tensor([[1], [2], [3]]);
    const y = expand(x, [2, -1, 4]);
    expect(y.shape).toEqual([2, 3, 4]);
    const expected: NestedArray = [0, 1].map(() => [1, 2, 3].map((v) => [v, v, v, v]));
    expect(y.toArray()).toEqual(expected);
    expect(broadcastTo(tensor([1, 2]), [3, 2]).toArray()).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(broadcastTo(zeros([1, 3]), [0, 3]).shape).toEqual([0, 3]);
  });

  it('refuse sizes that do not broadcast', () => {
    expect(() => expand(zeros([3, 2]), [3, 4])).toThrow('expand: expected a shape that [3, 2] broadcasts to, got [3, 4]');
    expect(() => broadcastTo(zeros([3]), [-1])).toThrow('broadcastTo: expected a shape that [3] broadcasts to, got [-1]');
    expect(() => expand(zeros([1, 2]), [2])).toThrow('expand: expected a shape of rank ≥ 2 for input [1, 2], got [2]');
  });
});

describe('flip', () => {
  it('reverses the given axes, as Array.reverse does', () => {
    const x = randn([2, 3, 4], g);
    const nested = x.toArray() as number[][][];
    expect(flip(x, 0).toArray()).toEqual([...nested].reverse());
    expect(flip(x, -1).toArray()).toEqual(nested.map((a) => a.map((b) => [...b].reverse())));
    expect(flip(x, [0, 1]).toArray()).toEqual([...nested].reverse().map((a) => [...a].reverse()));
    expect(flip(zeros([0, 2]), 0).shape).toEqual([0, 2]);
    expect(flip(arange(3), []).toArray()).toEqual([0, 1, 2]);
  });
});
