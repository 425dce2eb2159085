import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { loadVectors, vectorsRoot } from '@recurrent/test-vectors';
import { runCase } from '../../layers/test/parity/layer.js';
import { createNativeBackend } from '../src/index.js';

// The PyTorch vectors of the recurrent layers (every layer and packed case, and the repository's
// peephole LSTM, reset-before GRU and hard-sigmoid families) with the layers on the native backend: its gemm,
// its elementwise kernels and its whole-sequence recurrence (the layers reach it through
// backend.kernels.recurrent). Within PyTorch's float32 tolerance, as on the CPU.
const backend = createNativeBackend({ threads: 2 });
const localVectors = fileURLToPath(new URL('../../../test-vectors/local', import.meta.url));
const families = [
  ...['rnn_tanh.json', 'rnn_relu.json', 'lstm.json', 'lstm_proj.json', 'gru.json', 'packed.json'].map((name) => ({ name, root: vectorsRoot() })),
  ...['lstm_peephole.json', 'gru_reset_before.json', 'lstm_hard_sigmoid.json', 'gru_hard_sigmoid.json'].map((name) => ({ name, root: localVectors })),
];

for (const { name, root } of families) {
  const file = loadVectors(name, root);
  describe(`${name} parity with PyTorch on the native backend`, () => {
    it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
      runCase(testCase, root, backend);
    });
  });
}
