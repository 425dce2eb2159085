import { describe, it } from 'vitest';
import { loadVectors, vectorsRoot } from '@recurrent/test-vectors';
import { runCase } from './ctc.js';

describe('ctc.json', () => {
  const cases = loadVectors('ctc.json').cases;
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, testCase) => runCase(testCase, vectorsRoot()));
});
