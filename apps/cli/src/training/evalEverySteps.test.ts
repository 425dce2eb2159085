import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTraining } from '../commands/train.js';
import { listCheckpoints } from '../checkpoint/checkpoint.js';
import { parseTrainOptions, resolveTrainOptions } from '../options.js';
import { writeSineSeries } from '../testing/sineSeries.js';

// `--eval-every-steps N`: evaluations at fixed steps, so a learning curve does not depend on the
// machine's speed (the `names` regularisation experiment in apps/cli/README.md uses it)
let folder = '';
let csv = '';
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'recurrent-eval-steps-'));
  csv = writeSineSeries(folder, 140);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const small = (cell = 'lstm') => ['forecast', '--csv', csv, '--target', 'level', '--cell', cell, '--hidden-size', '4', '--bptt', '8', '--batch', '16', '--no-progress'];
const quietly = async <T>(action: () => Promise<T>): Promise<T> => {
  const [log, error] = [console.log, console.error];
  console.log = console.error = () => {};
  try {
    return await action();
  } finally {
    [console.log, console.error] = [log, error];
  }
};
const loggedSteps = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { step: number }).step);

describe('--eval-every-steps', () => {
  it('evaluates at every multiple of N and at the end, and a resumed run keeps the period', async () => {
    const run = join(folder, 'steps');
    const log = join(folder, 'steps.jsonl');
    // 6 steps an epoch (104 windows, batch 16)
    await quietly(() => runTraining(parseTrainOptions([...small(), '--epochs', '2', '--eval-every-steps', '5', '--out', run, '--log-json', log])));
    expect(loggedSteps(log)).toEqual([5, 10, 12]);
    await quietly(() => runTraining(parseTrainOptions(['forecast', '--resume', run, '--epochs', '4', '--log-json', log])));
    expect(loggedSteps(log)).toEqual([5, 10, 12, 15, 20, 24]);
  });

  it('a period given on resume replaces the saved one of the other kind', () => {
    const seconds = resolveTrainOptions({ task: 'names', evalEvery: 10 }, { evalEverySteps: 50 } as never);
    expect([seconds.evalEvery, seconds.evalEverySteps]).toEqual([10, undefined]);
    expect(resolveTrainOptions({ task: 'names', evalEverySteps: 50 }, { evalEvery: 10 } as never).evalEverySteps).toBe(50);
    expect(resolveTrainOptions({ task: 'names' }, { evalEverySteps: 50 } as never).evalEverySteps).toBe(50);
  });

  it('is refused beside --eval-every, or when not an integer ≥ 1', () => {
    expect(() => parseTrainOptions(['names', '--eval-every', '30', '--eval-every-steps', '100'])).toThrow('recurrent train: expected --eval-every or --eval-every-steps, got both (--eval-every 30, --eval-every-steps 100)');
    expect(() => parseTrainOptions(['names', '--eval-every-steps', '0'])).toThrow("recurrent train: --eval-every-steps expected an integer ≥ 1, got '0'");
    expect(() => parseTrainOptions(['names', '--eval-every-steps', '2.5'])).toThrow("recurrent train: --eval-every-steps expected an integer ≥ 1, got '2.5'");
  });
});

describe('resume of the newer cells', () => {
  it('a --cell minlstm run resumes (checkpoint.json validation knew lstm, gru and rnn only)', async () => {
    const run = join(folder, 'minlstm');
    await quietly(() => runTraining(parseTrainOptions([...small('minlstm'), '--epochs', '1', '--eval-every', '0', '--out', run])));
    await quietly(() => runTraining(parseTrainOptions(['forecast', '--resume', run, '--epochs', '2'])));
    expect(listCheckpoints(run).map((path) => Number(path.slice(-9)))).toContain(12);
  });
});
