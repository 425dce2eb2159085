import { describe, it } from 'vitest';
import { loadVectors, vectorsRoot } from '@recurrent/test-vectors';
import * as jordan from './jordan.js';
import * as clockwork from './clockwork.js';
import * as scrn from './scrn.js';

const families = [
  ['jordan.json', jordan],
  ['clockwork.json', clockwork],
  ['scrn.json', scrn],
] as const;

for (const [file, runner] of families) {
  describe(`${file} through Recurrent`, () => {
    const cases = loadVectors(file).cases;
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_, testCase) => runner.runCase(testCase, vectorsRoot()));
  });
}
