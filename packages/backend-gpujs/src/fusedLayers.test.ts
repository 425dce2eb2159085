import { afterAll, describe, expect, it } from 'vitest';
import { loadVectors, vectorsRoot } from '@recurrent/test-vectors';
import { runCase } from '../../layers/test/parity/layer.js';
import { createGpujsBackend } from './index.js';

// The fused LSTM / GRU / RNN layers of @recurrent/layers on this backend: they reach its device
// kernels through `kernels.recurrent` (lengths and the reverse direction included), checked against
// the PyTorch vectors, with every recurrent fallback to the CPU counted.
const backend = createGpujsBackend({ mode: 'webasm' });
afterAll(() => backend.dispose());

const recurrentFallbacks = () => [...backend.fallbacks].filter(([name]) => name.startsWith('recurrent.'));

for (const file of ['lstm.json', 'gru.json', 'rnn_tanh.json', 'rnn_relu.json', 'packed.json', 'lstm_proj.json']) {
  const cases = loadVectors(file).cases;
  describe(`${file}: fused layers on gpu.js webasm`, () => {
    it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
      const before = backend.fallbacks.get('recurrent.projection') ?? 0;
      runCase(testCase, vectorsRoot(), backend);
      const projected = (testCase.config.proj_size ?? 0) > 0;
      // only the projection runs on the CPU recurrence (the device kernels have none), once per layer and direction
      const directions = testCase.config.num_layers * (testCase.config.bidirectional ? 2 : 1);
      expect((backend.fallbacks.get('recurrent.projection') ?? 0) - before).toBe(projected ? directions : 0);
      expect(recurrentFallbacks().filter(([name]) => name !== 'recurrent.projection')).toEqual([]);
    });
  });
}
