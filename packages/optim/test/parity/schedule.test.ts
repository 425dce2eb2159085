import { join } from 'node:path';
import { loadVectors } from '@recurrent/test-vectors';
import { describe, expect, it } from 'vitest';
import { runCase } from './schedule.js';

const local = join(import.meta.dirname, '../../../../test-vectors/local');
const file = loadVectors('schedules.json', local);

describe('schedules.json parity (PyTorch 1.13 rates per group and step)', () => {
  it('has cases', () => expect(file.cases.length).toBeGreaterThan(0));
  it.each(file.cases.map((c) => [c.name, c]))('%s', (_, testCase) => {
    runCase(testCase, local);
  });
});
