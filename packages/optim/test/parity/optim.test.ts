import { loadVectors, vectorsRoot } from '@recurrent/test-vectors';
import { describe, expect, it } from 'vitest';
import { runCase } from './optim.js';

const file = loadVectors('optim.json');

describe('optim.json parity', () => {
  it('has cases', () => expect(file.cases.length).toBeGreaterThan(0));
  it.each(file.cases.map((c) => [c.name, c]))('%s', (_, testCase) => {
    runCase(testCase, vectorsRoot());
  });
});
