import { describe, expect, it, afterAll } from 'vitest';
import { createGpujsBackend } from '../src/index.js';
import { checkKernels } from './kernelChecks.js';
import { exactLimits } from './recurrentVectorCase.js';

// cpu and webasm compute in IEEE float32: they meet PyTorch's float32 tolerance against the CPU kernels
for (const mode of ['cpu', 'webasm'] as const) {
  const backend = createGpujsBackend({ mode });
  afterAll(() => backend.dispose());
  checkKernels(backend, { describe, it, expect }, exactLimits);
}

describe('createGpujsBackend', () => {
  it('runs in the mode asked for and names it', () => {
    const backend = createGpujsBackend({ mode: 'webasm' });
    expect(backend.mode).toBe('webasm');
    expect(backend.name).toBe('gpujs-webasm');
    backend.dispose();
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
