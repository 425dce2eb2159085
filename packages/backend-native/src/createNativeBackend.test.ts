import { describe, expect, it } from 'vitest';
import { matmul, tensor } from '@recurrent/tensor';
import { defineConformanceSuite } from '@recurrent/tensor/testing';
import { createNativeBackend } from './index.js';

// The tensor conformance suite, unchanged, on the native backend with one thread and with two.
defineConformanceSuite(createNativeBackend({ threads: 1, name: 'native-1-thread' }), { describe, it, expect });
defineConformanceSuite(createNativeBackend({ threads: 2, name: 'native-2-threads' }), { describe, it, expect });

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
