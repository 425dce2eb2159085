import { describe, it } from 'vitest';
import { loadVectors, vectorsRoot } from '@recurrent/test-vectors';
import { runCase } from './layer.js';

const files = ['rnn_tanh.json', 'rnn_relu.json', 'lstm.json', 'lstm_proj.json', 'gru.json', 'packed.json'];

for (const name of files) {
  const file = loadVectors(name);
  describe(`${name} parity with PyTorch`, () => {
    it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
      runCase(testCase, vectorsRoot());
    });
  });
}
