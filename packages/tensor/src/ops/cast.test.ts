import { describe, expect, it } from 'vitest';
import { tensor, zeros } from './creation.js';
import { cast, clone } from './cast.js';

describe('cast and clone', () => {
  it('cast converts as the typed arrays do (truncation toward zero for int32)', () => {
    const values = [1.7, -1.7, 0.5, -0.5, 1e10, 123456789.123];
    const out = cast(tensor(values, { dtype: 'float64' }), 'int32');
    expect(out.dtype).toBe('int32');
    expect(out.toFlatArray()).toEqual(Array.from(Int32Array.from(values, Math.trunc)));
    const back = cast(tensor([1, -2], { dtype: 'int32' }), 'float32');
    expect(back.dtype).toBe('float32');
    expect(back.toArray()).toEqual([1, -2]);
    expect(cast(tensor([0.1], { dtype: 'float64' }), 'float32').data[0]).toBe(Math.fround(0.1));
    expect(cast(zeros([0, 3]), 'int32').shape).toEqual([0, 3]);
  });

  it('clone copies storage', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const y = clone(x);
    expect(y.data).not.toBe(x.data);
    expect(y.toArray()).toEqual(x.toArray());
  });

  it('names an unknown dtype', () => {
    expect(() => cast(zeros([1]), 'int8' as never)).toThrow('cast: expected a dtype (float32, float64, int32), got string');
  });
});
