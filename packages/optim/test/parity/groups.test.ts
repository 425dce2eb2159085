import { join } from 'node:path';
import { loadVectors } from '@recurrent/test-vectors';
import { describe, expect, it } from 'vitest';
import { runCase } from './optim.js';

const local = join(import.meta.dirname, '../../../../test-vectors/local');
const file = loadVectors('optim_groups.json', local);

describe('optim_groups.json parity (parameter groups and their state dicts)', () => {
  it('has cases', () => expect(file.cases.length).toBeGreaterThan(0));
  it.each(file.cases.map((c) => [c.name, c]))('%s', (_, testCase) => {
    runCase(testCase, local);
  });
});
