import { afterAll, describe, expect, it } from 'vitest';
import { add, cumsum, matmul, softmax, sum, tanh, tensor } from '@recurrent/tensor';
import { createGpujsBackend } from '../src/index.js';

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
