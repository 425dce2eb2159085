import { loadVectors, vectorsRoot } from '@recurrent/test-vectors';
import { describe, expect, it } from 'vitest';
import { runCase } from './op.js';

const file = loadVectors('ops.json');

describe('ops.json parity', () => {
  it('has cases', () => expect(file.cases.length).toBeGreaterThan(0));
  it.each(file.cases.map((c) => [c.name, c]))('%s', (_, testCase) => {
    runCase(testCase, vectorsRoot());
  });
});
