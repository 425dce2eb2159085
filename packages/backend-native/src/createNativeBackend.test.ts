import { describe, expect, it } from 'vitest';
import { matmul, tensor } from '@recurrent/tensor';
import { defineConformanceSuite } from '@recurrent/tensor/testing';
import { createNativeBackend } from './index.js';

// The tensor conformance suite, unchanged, on the native backend with one thread and with two, and
// on each narrower copy of the C kernels this CPU runs (the portable one always).
const widest = createNativeBackend({ threads: 1, name: 'native-1-thread' });
defineConformanceSuite(widest, { describe, it, expect });
defineConformanceSuite(createNativeBackend({ threads: 2, name: 'native-2-threads' }), { describe, it, expect });
for (const isa of ['scalar', 'avx2'] as const) {
  if (isa === widest.isa || (isa === 'avx2' && widest.isa === 'scalar')) continue;
  defineConformanceSuite(createNativeBackend({ threads: 1, isa, name: `native-${isa}` }), { describe, it, expect });
}

describe('createNativeBackend', () => {
  it('runs the example: matmul of tensors made on it', () => {
    const backend = createNativeBackend({ threads: 2 });
    const a = tensor([[1, 2], [3, 4]], { backend });
    expect(matmul(a, a).toArray()).toEqual([[7, 10], [15, 22]]);
    expect(backend.fallbacks.get('gemm')).toBeUndefined();
  });
  it('names its instruction set, BLAS and threads', () => {
    const backend = createNativeBackend({ threads: 1 });
    expect(['avx512', 'avx2', 'scalar']).toContain(backend.info.isa);
    expect(backend.info.blas.length).toBeGreaterThan(0);
    expect(backend.threads).toBe(1);
    expect(backend.name).toBe('native');
  });
  it('runs elementwise ops, reductions and softmax in the addon, not on the CPU kernels', () => {
    const backend = createNativeBackend({ threads: 1 });
    const x = new Float32Array([0.5, -1, 2, 3]);
    const out = new Float32Array(4);
    for (const op of ['exp', 'tanh', 'sigmoid', 'log', 'round'] as const) backend.kernels.unary(op, x, out);
    backend.kernels.binary('add', { data: x, offset: 0, strides: [2, 1] }, { data: x, offset: 0, strides: [0, 1] }, out, [2, 2]);
    expect(Array.from(out)).toEqual([1, -2, 2.5, 2]);
    backend.kernels.reduce('sum', x, { outer: 1, length: 4, inner: 1 }, out);
    expect(out[0]).toBe(4.5);
    backend.kernels.softmax(x, { outer: 2, length: 2, inner: 1 }, false, out);
    expect([...backend.fallbacks.keys()]).toEqual([]);
  });
  it('takes only instruction sets this CPU runs', () => {
    const { isa } = createNativeBackend({ threads: 1 });
    if (isa !== 'avx512') expect(() => createNativeBackend({ isa: 'avx512' })).toThrow("createNativeBackend: expected isa 'scalar'");
    expect(createNativeBackend({ isa: 'scalar' }).isa).toBe('scalar');
  });
  it('rejects unknown options and bad thread counts', () => {
    expect(() => createNativeBackend({ thread: 2 } as never)).toThrow("createNativeBackend: unknown option 'thread' (did you mean 'threads'?)");
    expect(() => createNativeBackend({ threads: 0 })).toThrow('threads');
  });
  it('runs a mixed-dtype product on the CPU kernel, counted', () => {
    const backend = createNativeBackend({ threads: 1 });
    const c = new Float64Array(1);
    backend.kernels.gemm({ transA: false, transB: false, m: 1, n: 1, k: 2, alpha: 1, a: new Float32Array([1, 2]), aOffset: 0, lda: 2,
      b: new Float64Array([3, 4]), bOffset: 0, ldb: 1, beta: 0, c, cOffset: 0, ldc: 1 });
    expect(c[0]).toBe(11);
    expect(backend.fallbacks.get('gemm')).toBe(1);
  });
  it('refuses a product that would run past an array, as the CPU backend does', () => {
    const backend = createNativeBackend({ threads: 1 });
    const call = () => backend.kernels.gemm({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a: new Float32Array(3), aOffset: 0,
      lda: 2, b: new Float32Array(4), bOffset: 0, ldb: 2, beta: 0, c: new Float32Array(4), cOffset: 0, ldc: 2 });
    expect(call).toThrow('gemm: expected A [2, 2] (lda 2, offset 0) inside its array of 3, got an end at 4');
  });
});
