import { afterAll, describe, expect, it } from 'vitest';
import { add, cumsum, matmul, softmax, sum, tanh, tensor } from '@recurrent/tensor';
import { defineConformanceSuite } from '@recurrent/tensor/testing';
import { createGpujsBackend } from './index.js';
import { exactLimits } from '../test/recurrentVectorCase.js';

// The tensor conformance suite, in the two Node modes; they compute in IEEE float32.
for (const mode of ['cpu', 'webasm'] as const) {
  const backend = createGpujsBackend({ mode });
  afterAll(() => backend.dispose());
  defineConformanceSuite(backend, { describe, it, expect }, { tolerance: exactLimits });
}

describe('createGpujsBackend', () => {
  it('runs in the mode asked for and names it', () => {
    const backend = createGpujsBackend({ mode: 'webasm' });
    expect(backend.mode).toBe('webasm');
    expect(backend.name).toBe('gpujs-webasm');
    backend.dispose();
  });
  it('lets gpu.js choose the mode when none is given (WebAssembly in Node without headless-gl)', () => {
    const backend = createGpujsBackend();
    const out = new Float32Array(2);
    backend.kernels.unary('square', new Float32Array([3, -2]), out);
    expect(Array.from(out)).toEqual([9, 4]);
    // headless-gl, where it is built and a display exists, would come first
    expect(['WebAssemblyKernel', 'HeadlessGLKernel']).toContain([...backend.kernelClasses][0]);
    backend.dispose();
  });
  it('names the modes it takes when given another', () => {
    expect(() => createGpujsBackend({ mode: 'webgpu' as never })).toThrow(
      "createGpujsBackend: expected mode 'cpu', 'webasm', 'webgl2', 'webgl', 'headlessgl' or 'gpu', got 'webgpu'",
    );
  });
  it('each backend owns its GPU instance: disposing one leaves another working', () => {
    const first = createGpujsBackend({ mode: 'cpu' });
    const second = createGpujsBackend({ mode: 'cpu' });
    first.dispose();
    const out = new Float32Array(2);
    second.kernels.unary('neg', new Float32Array([1, 2]), out);
    expect(Array.from(out).join()).toBe('-1,-2');
    expect(() => first.kernels.unary('neg', new Float32Array([1]), new Float32Array(1))).toThrow(
      'gpujs backend: expected a live backend, got one that was disposed',
    );
    second.dispose();
  });
});

// Tensor ops know nothing of backends: a tensor made with the gpu.js backend runs its kernels.
describe('tensor ops on the gpu.js backend', () => {
  const backend = createGpujsBackend({ mode: 'webasm' });
  afterAll(() => backend.dispose());

  it('runs the createGpujsBackend example', () => {
    const a = tensor([[1, 2], [3, 4]], { backend });
    expect(matmul(a, a).toArray()).toEqual([[7, 10], [15, 22]]);
  });

  it('runs matmul, broadcasting add, tanh, sum and softmax on the device, cumsum on the CPU', () => {
    const launches = backend.device.launches;
    const x = tensor([[0.5, -1, 2], [1, 0, -0.25]], { backend });
    const y = sum(softmax(tanh(add(x, tensor([1, 2, 3], { backend }))), 1), { axis: 1 });
    expect(Array.from(y.data).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([1, 1]);
    expect(backend.device.launches - launches).toBeGreaterThanOrEqual(4);
    const before = backend.fallbacks.get('cumsum') ?? 0;
    expect(cumsum(tensor([1, 2, 3], { backend }), 0).toArray()).toEqual([1, 3, 6]);
    expect(backend.fallbacks.get('cumsum')).toBe(before + 1);
  });
});
