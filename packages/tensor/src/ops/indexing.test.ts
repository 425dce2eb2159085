import { describe, expect, it } from 'vitest';
import { Generator } from '../random.js';
import { stridesOf } from '../shape.js';
import { randn, tensor, zeros } from './creation.js';
import { gather, indexAdd, indexSelect } from './indexing.js';

const g = new Generator(7);

describe('indexSelect and indexAdd', () => {
  const x = randn([3, 4, 2], g);
  it('indexSelect picks positions of an axis, repeats allowed', () => {
    const nested = x.toArray() as number[][][];
    expect(indexSelect(x, 0, [2, 0, 2]).toArray()).toEqual([2, 0, 2].map((i) => nested[i]));
    const indices = tensor([3, 1], { dtype: 'int32' });
    expect(indexSelect(x, 1, indices).toArray()).toEqual(nested.map((m) => [3, 1].map((i) => m[i])));
    expect(indexSelect(x, -1, []).shape).toEqual([3, 4, 0]);
  });

  it('indexAdd accumulates repeated indices (the adjoint of indexSelect)', () => {
    const source = randn([3, 3, 2], g);
    const out = indexAdd(zeros([3, 4, 2]), 1, [1, 1, 3], source);
    const indices = [1, 1, 3];
    const expected = new Float32Array(3 * 4 * 2);
    for (let o = 0; o < 3; o++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) {
      expected[(o * 4 + indices[j]) * 2 + i] += source.data[(o * 3 + j) * 2 + i];
    }
    expect(out.toFlatArray()).toEqual(Array.from(expected));
  });

  it('range-checks the indices and their dtype', () => {
    expect(() => indexSelect(x, 1, [0, 4])).toThrow('indexSelect: expected indices in [0, 3] for axis 1 of size 4, got 4 at position 1');
    expect(() => indexSelect(x, 1, [-1])).toThrow('indexSelect: expected indices in [0, 3] for axis 1 of size 4, got -1 at position 0');
    expect(() => indexSelect(x, 0, tensor([0]))).toThrow('indexSelect: expected int32 indices, got float32 indices');
    expect(() => indexAdd(x, 0, [0], zeros([2, 4, 2]))).toThrow('indexAdd: expected source of shape [1, 4, 2], got [2, 4, 2]');
  });
});

describe('gather', () => {
  it('reads x at the index along the axis, elsewhere at the output position', () => {
    const x = randn([3, 5], g);
    const index = tensor([[4, 0], [1, 1], [0, 3]], { dtype: 'int32' });
    for (const axis of [1]) {
      const out = gather(x, axis, index);
      const xs = stridesOf(x.shape);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) {
        expect(out.data[i * 2 + j]).toBe(x.data[i * xs[0] + index.data[i * 2 + j] * xs[1]]);
      }
    }
    const rows = tensor([[2, 0, 1, 1, 0]], { dtype: 'int32' });
    const byRow = gather(x, 0, rows);
    for (let j = 0; j < 5; j++) expect(byRow.data[j]).toBe(x.data[rows.data[j] * 5 + j]);
  });

  it('names a bad index', () => {
    const x = zeros([2, 3]);
    expect(() => gather(x, 1, tensor([[3]], { dtype: 'int32' }))).toThrow('gather: expected indices in [0, 2] for axis 1, got 3 at flat position 0');
    expect(() => gather(x, 1, tensor([0], { dtype: 'int32' }))).toThrow('gather: expected an index of rank 2 no larger than [2, 3] off axis 1, got [1]');
    expect(() => gather(x, 1, tensor([[0]]))).toThrow('gather: expected an int32 index, got float32 index');
  });
});
