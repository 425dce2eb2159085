import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { loadVectors } from '@recurrent/test-vectors';
import { runCase } from './layer.js';

// the repository's own vector families (scripts/vectors/recurrent_variants.py), beside the PyTorch copy
const localVectors = fileURLToPath(new URL('../../../../test-vectors/local', import.meta.url));

for (const name of ['lstm_peephole.json', 'gru_reset_before.json', 'lstm_hard_sigmoid.json', 'gru_hard_sigmoid.json']) {
  const file = loadVectors(name, localVectors);
  describe(`${name} parity with the PyTorch reference loops`, () => {
    it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
      runCase(testCase, localVectors);
    });
  });
}
