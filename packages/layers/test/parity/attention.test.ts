import { describe, it } from 'vitest';
import { loadVectors } from '@recurrent/test-vectors';
import { localVectorsDir } from '@recurrent/test-vectors';
import { runCase } from './attention.js';

describe('attention.json', () => {
  const cases = loadVectors('attention.json', localVectorsDir).cases;
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, testCase) => runCase(testCase, localVectorsDir));
});
