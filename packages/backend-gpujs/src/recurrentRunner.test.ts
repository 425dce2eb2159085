import { afterAll, describe, expect, it } from 'vitest';
import { loadVectors } from '@recurrent/test-vectors';
import { createGpujsBackend } from './index.js';
import { checkRecurrentBookkeeping } from '../test/recurrentChecks.js';
import { exactLimits, runLayerCase, type LayerCase } from '../test/recurrentVectorCase.js';

const families = ['lstm.json', 'lstm_proj.json', 'gru.json', 'rnn_tanh.json', 'rnn_relu.json'];

for (const mode of ['webasm', 'cpu'] as const) {
  const backend = createGpujsBackend({ mode });
  afterAll(() => backend.dispose());
  for (const file of families) {
    describe(`${file} on fused gpu.js ${mode} sequences`, () => {
      it.each(loadVectors(file).cases.map((testCase) => [testCase.name, testCase]))('%s', (_name, testCase) => {
        runLayerCase(backend, testCase as LayerCase, exactLimits);
      });
    });
  }
  checkRecurrentBookkeeping(backend, { describe, it, expect });
  describe(`gpu.js ${mode}`, () => {
    it('ran every kernel on its own backend (gpu.js degraded none to its CPU kernel)', () => {
      expect([...backend.kernelClasses]).toEqual([mode === 'webasm' ? 'WebAssemblyKernel' : 'CPUKernel']);
    });
  });
}
