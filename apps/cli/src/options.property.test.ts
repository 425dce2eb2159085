import { Generator } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { CliError } from './cliError.js';
import { HelpRequested, parseTrainOptions, tasks } from './options.js';

// Property-style: random command lines for `recurrent train` give parsed options or one CliError
// line with exit code 2, never a TypeError, a RangeError or silence about a flag.
const random = new Generator(20);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random.uniform() * values.length)];
const flags = ['--cell', '--hidden-size', '--layers', '--embedding-size', '--bidirectional', '--dropout', '--optimizer', '--lr', '--batch', '--bptt', '--clip', '--epochs', '--budget', '--seed', '--backend', '--gpujs-mode', '--out', '--resume', '--log-json', '--eval-every', '--eval-every-steps', '--eval-limit', '--weight-drop', '--locked-dropout', '--embedding-lr', '--checkpoint-every', '--keep', '--csv', '--target', '--no-progress', '--sample-length', '--max-memory', '--numLayer', '--batchFrist', '-x'];
const values = ['1', '0', '-1', '-0.5', '0x10', '1e400', '1e3', '.5', 'NaN', 'Infinity', '', 'lstm', 'adam', 'gpujs', 'webasm', 'a b', '--lr', '3.7', '100000000000000000000'];

describe('recurrent train: random command lines', () => {
  it('parse to options or fail with one line, exit code 2', () => {
    for (let k = 0; k < 2000; k++) {
      const argv: string[] = [];
      if (random.uniform() < 0.9) argv.push(pick([...tasks, 'poetry']));
      for (let f = Math.floor(random.uniform() * 5); f > 0; f--) {
        argv.push(pick(flags));
        if (random.uniform() < 0.8) argv.push(pick(values));
      }
      try {
        const options = parseTrainOptions(argv);
        // whatever parsed is what was asked: numbers finite, the task known
        expect(tasks).toContain(options.task);
        for (const value of Object.values(options)) if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
      } catch (error) {
        if (error instanceof HelpRequested) continue;
        expect(error, argv.join(' ')).toBeInstanceOf(CliError);
        expect((error as CliError).exitCode, argv.join(' ')).toBe(2);
        expect((error as Error).message, argv.join(' ')).toMatch(/^recurrent train( [\w-]+)?: [^\n]+$/);
      }
    }
  });
});
