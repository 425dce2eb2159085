import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@recurrent/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint/checkpoint.js';
import { writeFileAtomic } from './checkpoint/atomicWrite.js';
import { runTraining } from './commands/train.js';
import { evalCommand } from './commands/evaluate.js';
import { parseTrainOptions, resolveTrainOptions } from './options.js';
import { makeLevel, prepareLogFile, prepareOutputDirectory } from './run/paths.js';
import { acquireRunLock, removeStaleTemporaries } from './run/runLock.js';
import { buildTask, modelSettings, sharedModelDefaults } from './tasks/registry.js';
import { ShuffledBatches } from './tasks/shuffledBatches.js';
import { checkMemory } from './training/memoryEstimate.js';
import { createOptimizer } from './training/optimizers.js';
import { restore } from './training/trainer.js';
import { writeSineSeries } from './testing/sineSeries.js';

// Regression tests for issue 20 ("nothing lost, nothing silent"), one per defect found.
let folder = '';
let csv = '';
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'recurrent-bad-input-'));
  csv = writeSineSeries(folder, 140);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const small = () => ['forecast', '--csv', csv, '--target', 'level', '--hidden-size', '4', '--bptt', '8', '--batch', '16', '--no-progress'];
const train = (...args: string[]) => runTraining(parseTrainOptions(args));
const quietly = async <T>(action: () => Promise<T>): Promise<T> => {
  const [log, error] = [console.log, console.error];
  console.log = console.error = () => {};
  try {
    return await action();
  } finally {
    [console.log, console.error] = [log, error];
  }
};
const settingsOf = (checkpoint: string) => JSON.parse(readFileSync(join(checkpoint, 'checkpoint.json'), 'utf8')).training;

describe('resume: nothing lost', () => {
  it('restores every saved setting; only the flags given again override (keep 10 stayed 10, not 3)', async () => {
    const run = join(folder, 'keep');
    await quietly(() => train(...small(), '--epochs', '2', '--checkpoint-every', '2', '--keep', '10', '--eval-every', '0', '--out', run));
    const before = listCheckpoints(run);
    // 6 steps an epoch (104 windows, batch 16): checkpoints at steps 2, 4, … 12
    expect(before.map((path) => Number(path.slice(-9)))).toEqual([2, 4, 6, 8, 10, 12]);
    await quietly(() => train('forecast', '--resume', run, '--epochs', '3'));
    const after = listCheckpoints(run);
    // all kept (--keep 10 restored; the default 3 pruned them before)
    expect(after.map((path) => Number(path.slice(-9)))).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18]);
    const saved = settingsOf(after.at(-1)!);
    expect(saved).toMatchObject({ keep: 10, checkpointEvery: 2, evalEvery: 0, hiddenSize: 4, batch: 16, bptt: 8, epochs: 3 });
    // defaults never override saved settings, given flags do
    expect(resolveTrainOptions({ task: 'names' }, { keep: 10, backend: 'gpujs', sampleLength: 50 } as never)).toMatchObject({ keep: 10, backend: 'gpujs', sampleLength: 50, evalEvery: 30 });
    expect(resolveTrainOptions({ task: 'names', keep: 2 }, { keep: 10 } as never).keep).toBe(2);
  });

  it('a resumed run whose budget is spent keeps the checkpoint it started from untouched (it was deleted, then renamed)', async () => {
    const run = join(folder, 'spent');
    await quietly(() => train(...small(), '--epochs', '1', '--keep', '1', '--eval-every', '0', '--out', run));
    const [only] = listCheckpoints(run);
    const stamp = statSync(join(only, 'checkpoint.json'));
    await quietly(() => train('forecast', '--resume', run, '--epochs', '1'));
    expect(listCheckpoints(run)).toEqual([only]);
    const again = statSync(join(only, 'checkpoint.json'));
    expect([again.ino, again.mtimeMs]).toEqual([stamp.ino, stamp.mtimeMs]);
  });

  it('saving a checkpoint of an existing step moves the old one aside until the new one is in place', () => {
    const run = join(folder, 'replace');
    const state = { task: 't', model: {}, training: {}, vocabulary: null, schedule: null, rng: {}, step: 3, trainSeconds: 1 };
    saveCheckpoint(run, { weights: { w: tensor([1]) }, optimizer: {}, data: {}, state });
    saveCheckpoint(run, { weights: { w: tensor([2]) }, optimizer: {}, data: {}, state });
    expect(Array.from(loadCheckpoint(run).weights.w.data)).toEqual([2]);
    expect(readdirSync(join(run, 'checkpoints'))).toEqual(['step-000000003']);
  });

  it('stale temporary directories of killed writes are removed on the next start (4 were left after 12 kills)', () => {
    const run = join(folder, 'stale');
    mkdirSync(join(run, 'checkpoints', '.step-000000010.99999.tmp'), { recursive: true });
    mkdirSync(join(run, 'checkpoints', '.step-000000011.old.99998.tmp'));
    mkdirSync(join(run, 'checkpoints', 'step-000000009'));
    expect(removeStaleTemporaries(run).sort()).toEqual(['.step-000000010.99999.tmp', '.step-000000011.old.99998.tmp']);
    expect(readdirSync(join(run, 'checkpoints'))).toEqual(['step-000000009']);
  });

  it('a run directory held by a live process is refused; a stale lock is taken over', async () => {
    const run = join(folder, 'locked');
    mkdirSync(run, { recursive: true });
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(join(run, '.lock'), `${sleeper.pid}\n`);
      expect(() => acquireRunLock(run)).toThrow(`recurrent train: expected a run directory no other training uses, got '${run}' in use by process ${sleeper.pid}`);
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((resolve) => sleeper.on('exit', resolve));
    }
    const release = acquireRunLock(run);
    expect(readFileSync(join(run, '.lock'), 'utf8').trim()).toBe(String(process.pid));
    release();
    expect(existsSync(join(run, '.lock'))).toBe(false);
  });
});

describe('paths checked before training', () => {
  it('--out /proc/nope is refused at once (it hung: recursive mkdir spun)', () => {
    expect(() => prepareOutputDirectory('/proc/nope')).toThrow("recurrent train: expected a writable output directory on a real file system, got '/proc/nope' (under /proc)");
    expect(() => prepareOutputDirectory(join(csv, 'run'))).toThrow(/\(ENOTDIR\)$/);
  });

  it('a level another trainer made a moment before is taken as made (two trainers into a new runs/ failed with EEXIST)', () => {
    const level = join(folder, 'made-by-another');
    mkdirSync(level);
    expect(() => makeLevel(level)).not.toThrow();
    expect(statSync(level).isDirectory()).toBe(true);
    const file = join(folder, 'a-file-not-a-level');
    writeFileSync(file, '');
    expect(() => makeLevel(file)).toThrow(/EEXIST/);
  });

  it('an unwritable --log-json fails before training, not at the first evaluation with an empty run', async () => {
    const run = join(folder, 'log');
    await expect(train(...small(), '--epochs', '1', '--out', run, '--log-json', join(folder, 'no', 'such', 'dir', 'log.jsonl'))).rejects.toThrow(/^recurrent train: --log-json expected a writable file, got '.*log\.jsonl' \(ENOENT\)$/);
    await expect(train(...small(), '--epochs', '1', '--out', run, '--log-json', folder)).rejects.toThrow(/--log-json expected a writable file, got '.*' \(EISDIR\)$/);
    expect(() => prepareLogFile('/proc/self/nope.jsonl')).toThrow('(under /proc)');
    expect(listCheckpoints(run)).toEqual([]);
  });

  it('a write that fails names the file (ENOSPC named no path)', () => {
    expect(() => writeFileAtomic(join(folder, 'missing-dir', 'x.json'), '{}')).toThrow(`recurrent: cannot write ${join(folder, 'missing-dir', 'x.json')} (ENOENT: its directory does not exist)`);
  });
});

describe('flags: negative, hex, out of range, ignored by the task', () => {
  const error = (...args: string[]) => {
    try {
      parseTrainOptions(args);
    } catch (caught) {
      return (caught as Error).message;
    }
    return 'no error';
  };
  it('each is a one-line error, never silence', () => {
    expect(error('names', '--lr', '-1')).toBe("recurrent train: --lr expected a number > 0, got '-1'");
    expect(error('names', '--lr', '0x10')).toBe("recurrent train: --lr expected a number > 0, got '0x10'");
    expect(error('names', '--seed', '-3')).toBe("recurrent train: --seed expected an integer ≥ 0, got '-3'");
    expect(error('names', '--hidden-size', '1e400')).toBe("recurrent train: --hidden-size expected an integer ≥ 1, got '1e400'");
    expect(error('names', '--bidirectional')).toBe('recurrent train names: --bidirectional is for seq-mnist, g2p, got it for names (which would ignore it)');
    expect(error('names', '--bptt', '20')).toBe('recurrent train names: --bptt is for char-lm, forecast, spam, births, got it for names (which would ignore it)');
    expect(error('autoencoder', '--bptt', '20')).toMatch(/^recurrent train autoencoder: --bptt is for .*\(which would ignore it\)$/);
    expect(error('births', '--embedding-size', '8')).toMatch(/^recurrent train births: --embedding-size is for .*\(which would ignore it\)$/);
    expect(error('spam', '--weight-drop', '0.2')).toMatch(/^recurrent train spam: --weight-drop works with the tasks that embed tokens/);
    expect(error('char-lm', '--bidirectional')).toMatch(/^recurrent train char-lm: --bidirectional is for/);
    expect(error('forecast', '--bidirectional', '--csv', 'x', '--target', 'y')).toMatch(/^recurrent train forecast: --bidirectional is for/);
    expect(error('names', '--hiden-size', '3')).toBe("recurrent train: unknown option '--hiden-size' (did you mean '--hidden-size'?); see recurrent train --help");
    expect(error('names', '--epochs', '1', '--budget', '2')).toBe('recurrent train: expected --epochs or --budget, got both (--epochs 1, --budget 2)');
    expect(parseTrainOptions(['names', '--lr=-0', '--dropout', '.5'].slice(0, 1).concat(['--dropout', '.5'])).dropout).toBe(0.5);
  });

  it('the flags the issue-18 tasks read are accepted by them (spam and births read --bptt, the embedding tasks --embedding-size, the decoders --eval-limit)', () => {
    expect(parseTrainOptions(['spam', '--bptt', '256', '--embedding-size', '16', '--eval-limit', '100'])).toMatchObject({ bptt: 256, embeddingSize: 16, evalLimit: 100 });
    expect(parseTrainOptions(['births', '--bptt', '28']).bptt).toBe(28);
    expect(parseTrainOptions(['g2p-attention', '--embedding-size', '16', '--eval-limit', '10'])).toMatchObject({ embeddingSize: 16, evalLimit: 10 });
    expect(parseTrainOptions(['autoencoder', '--embedding-size', '16', '--eval-limit', '10'])).toMatchObject({ embeddingSize: 16, evalLimit: 10 });
  });

  it('the trainer leaves --cell and --dropout to the task: its own defaults first, the shared ones after', () => {
    const resolved = resolveTrainOptions({ task: 'spam' });
    expect(resolved.cell).toBeUndefined();
    expect(resolved.dropout).toBeUndefined();
    const spamLike = { hiddenSize: 8, numLayers: 1, batch: 4, cell: 'gru' as const, dropout: 0.3 };
    expect(modelSettings(resolved, spamLike)).toMatchObject({ cell: 'gru', dropout: 0.3 });
    expect(modelSettings(resolveTrainOptions({ task: 'spam', cell: 'lstm', dropout: 0 }), spamLike)).toMatchObject({ cell: 'lstm', dropout: 0 });
    expect(modelSettings(resolveTrainOptions({ task: 'names' }), { hiddenSize: 8, numLayers: 1, batch: 4 })).toMatchObject({ cell: sharedModelDefaults.cell, dropout: sharedModelDefaults.dropout });
    // a resumed run keeps the cell it saved, even where the task's default differs
    expect(modelSettings(resolveTrainOptions({ task: 'spam' }, { cell: 'lstm' }), spamLike).cell).toBe('lstm');
  });

  it('a model too large for memory is refused before any allocation, and the limit can be raised', async () => {
    await expect(buildTask({ task: 'names', hiddenSize: 1_000_000_000 })).rejects.toThrow(/^recurrent train: expected a model within --max-memory 4 GB, got one needing about [\d.e+]+ GB .*; no machine has that much$/);
    await expect(buildTask({ task: 'char-lm', hiddenSize: 16384 })).rejects.toThrow(/needing about \d+(\.\d+)? GB .*; pass --max-memory \d+ to try anyway$/);
    const size = { cell: 'lstm' as const, inputSize: 64, hiddenSize: 16384, numLayers: 2, bidirectional: false, vocabularySize: 128, outputSize: 128, batch: 32, steps: 100 };
    expect(() => checkMemory(size, 4)).toThrow('--max-memory');
    expect(() => checkMemory(size, 100)).not.toThrow();
  });
});

describe('checkpoint.json and weights validated on resume', () => {
  const trained = async () => {
    const run = join(folder, `fields-${Math.random().toString(36).slice(2)}`);
    await quietly(() => train(...small(), '--epochs', '1', '--eval-every', '0', '--out', run));
    return listCheckpoints(run).at(-1)!;
  };
  const edit = (checkpoint: string, change: (json: Record<string, any>) => void) => {
    const json = JSON.parse(readFileSync(join(checkpoint, 'checkpoint.json'), 'utf8'));
    change(json);
    writeFileSync(join(checkpoint, 'checkpoint.json'), JSON.stringify(json));
  };
  const resumeError = async (checkpoint: string) => {
    try {
      await quietly(() => train('forecast', '--resume', checkpoint, '--epochs', '2'));
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };

  it('missing or wrongly typed fields are one line naming the file and field', async () => {
    const checkpoint = await trained();
    const file = join(checkpoint, 'checkpoint.json');
    const original = readFileSync(file, 'utf8');
    const cases: [(json: Record<string, any>) => void, string][] = [
      [(json) => delete json.rng, `checkpoint: ${file}: expected rng to be an object, got undefined`],
      [(json) => (json.trainSeconds = 'x'), `checkpoint: ${file}: expected trainSeconds to be a finite number ≥ 0, got "x" (a string)`],
      [(json) => (json.step = 'abc'), `checkpoint: ${file}: expected step to be an integer ≥ 0, got "abc" (a string)`],
      [(json) => (json.training.hiddenSize = 1e9 + 0.5), `checkpoint: ${file}: expected training.hiddenSize to be an integer ≥ 1, got number 1000000000.5`],
      [(json) => delete json.data.order, `checkpoint: ${checkpoint}: data state: expected data.order to be a permutation of the`],
      [(json) => (json.data.position = -3), `checkpoint: ${checkpoint}: data state: expected data.position to be an integer in [0, `],
      [(json) => (json.training.optimizer = 'sgd'), 'optimizer state: SGD.loadStateDict: expected a state dict of SGD, got one of Adam'],
    ];
    for (const [change, message] of cases) {
      writeFileSync(file, original);
      edit(checkpoint, change);
      expect(await resumeError(checkpoint)).toContain(message);
    }
    writeFileSync(file, original);
    // an optimizer saved as another kind, with the settings claiming so too
    expect(await quietly(() => train('forecast', '--resume', checkpoint, '--epochs', '2', '--optimizer', 'sgd')).catch((e: Error) => e.message)).toContain('checkpoint: expected optimizer state of sgd, got one saved by "adam"');
    // a huge size in checkpoint.json is the memory check's line, not a RangeError
    edit(checkpoint, (json) => {
      json.training.hiddenSize = 1_000_000_000;
      json.model.hiddenSize = 1_000_000_000;
    });
    expect(await resumeError(checkpoint)).toMatch(/^recurrent train: expected a model within --max-memory 4 GB/);
  });

  it('NaN weights are refused (eval printed NaN and exited 0), a bit flip is caught by the checksum', async () => {
    const checkpoint = await trained();
    const loaded = loadCheckpoint(checkpoint);
    const name = Object.keys(loaded.weights)[0];
    loaded.weights[name].data[0] = NaN;
    const run = join(folder, 'nan');
    saveCheckpoint(run, { weights: loaded.weights, optimizer: {}, data: loaded.data, state: { ...loaded.state } });
    await expect(evalCommand([run])).rejects.toThrow(`checkpoint: ${listCheckpoints(run)[0]}/model.safetensors: expected finite weights, got NaN in '${name}' at element 0`);
    const bytes = readFileSync(join(checkpoint, 'model.safetensors'));
    bytes[bytes.length - 3] ^= 0x10;
    writeFileSync(join(checkpoint, 'model.safetensors'), bytes);
    expect(() => loadCheckpoint(checkpoint)).toThrow(/model\.safetensors: expected checksum sha256:\w+ \(from checkpoint\.json\), got sha256:\w+: the file is damaged$/);
  });

  it('data state of shuffled batches and generators is checked before use', async () => {
    const batches = new ShuffledBatches(4, 2, 0);
    expect(() => batches.setState({ order: [0, 1, 1, 3], position: 0, epoch: 0 })).toThrow('expected data.order to be a permutation of the 4 examples, got an array of 4 that is not one');
    expect(() => batches.setState({ order: [0, 1, 2, 3], position: 5, epoch: 0 })).toThrow('expected data.position to be an integer in [0, 4], got 5');
    const checkpoint = await trained();
    const loaded = loadCheckpoint(checkpoint);
    const task = await buildTask({ task: 'forecast', csv, target: 'level', hiddenSize: 4, bptt: 8, batch: 16 });
    loaded.state.rng.model = { s: 'x' };
    expect(() => restore(task, createOptimizer('adam', task.model.parameters(), 1e-3), loaded)).toThrow(/^checkpoint: .*: generator state 'model': /);
  });
});
