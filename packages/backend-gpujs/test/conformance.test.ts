import { afterAll, describe, expect, it } from 'vitest';
import { defineConformanceSuite } from '@recurrent/tensor/testing';
import { createGpujsBackend } from '../src/index.js';
import { exactLimits } from './recurrentVectorCase.js';

// The tensor conformance suite, in the two Node modes; they compute in IEEE float32.
for (const mode of ['cpu', 'webasm'] as const) {
  const backend = createGpujsBackend({ mode });
  afterAll(() => backend.dispose());
  defineConformanceSuite(backend, { describe, it, expect }, { tolerance: exactLimits });
}
