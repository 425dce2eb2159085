import { describe, it } from 'vitest';
import { loadVectors, vectorsRoot } from '@recurrent/test-vectors';
import { runCase } from './cell.js';

const file = loadVectors('cells.json');

describe('cells.json parity with PyTorch', () => {
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    runCase(testCase, vectorsRoot());
  });
});
