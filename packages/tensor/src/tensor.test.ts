import { describe, expect, it } from 'vitest';
import { cpu, createCpuBackend } from './cpu/cpuBackend.js';
import { tensor, zeros } from './ops/creation.js';
import { add } from './ops/elementwise.js';
import { isTensor, Tensor } from './tensor.js';

describe('Tensor', () => {
  it('exposes shape, rank, size, dtype and nested values', () => {
    const nested = [[[1, 2]], [[3, 4]], [[5, 6]]];
    const t = tensor(nested);
    expect([t.shape, t.rank, t.size, t.dtype]).toEqual([[3, 1, 2], 3, 6, 'float32']);
    expect(t.toArray()).toEqual(nested);
    expect(t.toFlatArray()).toEqual(nested.flat(2));
    expect(tensor(2.5).toArray()).toBe(2.5);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(String(t)).toBe('Tensor(float32, [3, 1, 2])');
    expect(isTensor(t)).toBe(true);
    expect(isTensor(nested)).toBe(false);
    expect(t.backend).toBe(cpu);
  });

  it('item reads a one-element tensor and names the shape otherwise', () => {
    expect(tensor([[7]]).item()).toBe(7);
    expect(() => tensor([1, 2]).item()).toThrow('item: expected a tensor with one element, got shape [2]');
  });

  it('checks that storage and shape agree', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3], cpu)).toThrow('Tensor: expected 6 elements for shape [2, 3], got 5');
    expect(() => new Tensor(new Float32Array(0), [-1], cpu)).toThrow('Tensor: expected a shape of non-negative integers, got [-1]');
  });

  it('keeps its backend through ops, which count their buffers', () => {
    const backend = createCpuBackend({ name: 'counted' });
    const t = zeros([2], { backend });
    expect(backend.stats.allocated).toBe(1);
    expect(tensor([1], { backend }).backend.name).toBe('counted');
    expect(t.backend).toBe(backend);
    expect(add(t, 1).backend).toBe(backend);
    expect(backend.stats.allocated).toBe(4); // t, tensor([1]), the scalar 1 and the sum
  });
});
