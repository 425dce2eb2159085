import { afterAll, describe, expect, it } from 'vitest';
import { loadVectors, localVectorsDir, vectorsRoot } from '@recurrent/test-vectors';
import { runCase } from '../../layers/test/parity/layer.js';
import { createGpujsBackend } from './index.js';

// The fused LSTM / GRU / RNN layers of @recurrent/layers on this backend: they reach its device
// kernels through `kernels.recurrent` (lengths, the reverse direction, projections, peepholes, the
// reset-before GRU and hard-sigmoid gates included), checked against the PyTorch vectors and the
// reference loops of test-vectors/local, with no recurrent fallback to the CPU.
const backend = createGpujsBackend({ mode: 'webasm' });
afterAll(() => backend.dispose());

const recurrentFallbacks = () => [...backend.fallbacks].filter(([name]) => name.startsWith('recurrent.'));
const files = [
  ...['lstm.json', 'gru.json', 'rnn_tanh.json', 'rnn_relu.json', 'packed.json', 'lstm_proj.json'].map((file) => ({ file, root: vectorsRoot() })),
  ...['lstm_peephole.json', 'gru_reset_before.json', 'lstm_hard_sigmoid.json', 'gru_hard_sigmoid.json'].map((file) => ({ file, root: localVectorsDir })),
];

for (const { file, root } of files) {
  const cases = loadVectors(file, root).cases;
  describe(`${file}: fused layers on gpu.js webasm`, () => {
    it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
      const launches = backend.device.launches;
      runCase(testCase, root, backend);
      // every layer and direction ran on the device, none on the CPU recurrence
      expect(backend.device.launches).toBeGreaterThan(launches);
      expect(recurrentFallbacks()).toEqual([]);
    });
  });
}
