import { describe, expect, it, afterAll } from 'vitest';
import { createGpujsBackend } from './index.js';
import { checkKernels } from '../test/kernelChecks.js';
import { exactLimits } from '../test/recurrentVectorCase.js';

// cpu and webasm compute in IEEE float32: they meet PyTorch's float32 tolerance against the CPU kernels
for (const mode of ['cpu', 'webasm'] as const) {
  const backend = createGpujsBackend({ mode });
  afterAll(() => backend.dispose());
  checkKernels(backend, { describe, it, expect }, exactLimits);
}
