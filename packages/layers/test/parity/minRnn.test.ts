import { join } from 'node:path';
import { loadVectors } from '@recurrent/test-vectors';
import { describe, expect, it } from 'vitest';
import { runCase } from './minRnn.js';

const local = join(import.meta.dirname, '../../../../test-vectors/local');
const file = loadVectors('min_rnn.json', local);

describe('min_rnn.json parity (minGRU / minLSTM: the scan and the cells against a PyTorch loop)', () => {
  it('has cases', () => expect(file.cases.length).toBeGreaterThan(0));
  it.each(file.cases.map((c) => [c.name, c]))('%s', (_, testCase) => {
    runCase(testCase, local);
  });
});
