import { join } from 'node:path';
import { loadVectors } from '@recurrent/test-vectors';
import { describe, expect, it } from 'vitest';
import { runCase } from './layerNormRnn.js';

const local = join(import.meta.dirname, '../../../../test-vectors/local');
const file = loadVectors('layer_norm_rnn.json', local);

describe('layer_norm_rnn.json parity (layer-normalised LSTM / GRU: layers and cells against a PyTorch loop)', () => {
  it('has cases', () => expect(file.cases.length).toBeGreaterThan(0));
  it.each(file.cases.map((c) => [c.name, c]))('%s', (_, testCase) => {
    runCase(testCase, local);
  });
});
