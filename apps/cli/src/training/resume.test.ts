import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listCheckpoints, loadCheckpoint } from '../checkpoint/checkpoint.js';
import { charLmTask } from '../tasks/charLm.js';
import { splitCorpus } from '../tasks/mobyDick.js';
import { clipping, createOptimizer } from './optimizers.js';
import { restore, train } from './trainer.js';

const text = Array.from({ length: 60 }, (_, k) => `Call me Ishmael, ${k} years ago; never mind how long precisely. `).join('');
const corpus = splitCorpus(text);
const settings = { cell: 'lstm' as const, embeddingSize: 6, hiddenSize: 12, numLayers: 2, dropout: 0.2, batch: 4, bptt: 9, seed: 5 };
const folders: string[] = [];
const scratch = () => {
  const folder = mkdtempSync(join(tmpdir(), 'recurrent-resume-'));
  folders.push(folder);
  return folder;
};
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function run(outDirectory: string, maxSteps: number, resumeFrom?: string) {
  const task = charLmTask(settings, corpus);
  const optimizer = createOptimizer('adam', task.model.parameters(), 5e-3);
  const start = resumeFrom ? restore(task, optimizer, loadCheckpoint(resumeFrom)) : { step: 0, trainSeconds: 0 };
  const losses: number[] = [];
  await train(task, {
    optimizer, clip: clipping(1), maxSteps, evalEverySeconds: 0, checkpointEvery: 5, keep: 2, outDirectory,
    trainingConfig: { task: 'char-lm', ...settings }, progress: false, evaluate: false,
    onStep: (_step, loss) => losses.push(loss),
  }, start);
  return losses;
}

describe('training checkpoints', () => {
  it('resuming from a checkpoint reproduces the uninterrupted loss curve bit for bit', async () => {
    const whole = scratch();
    const uninterrupted = await run(whole, 20);
    expect(uninterrupted).toHaveLength(20);
    expect(uninterrupted[19]).toBeLessThan(uninterrupted[0]);
    // a second run stops at step 10 (a checkpoint), a fresh model resumes from it to step 20
    const first = scratch();
    const head = await run(first, 10);
    const tail = await run(scratch(), 20, join(first, 'checkpoints', 'step-000000010'));
    expect([...head, ...tail]).toEqual(uninterrupted);
  });

  it('keeps the newest N complete checkpoints and no temporary files', async () => {
    const folder = scratch();
    await run(folder, 17);
    expect(listCheckpoints(folder).map((path) => path.slice(-14))).toEqual(['step-000000015', 'step-000000017']);
    expect(readdirSync(join(folder, 'checkpoints')).filter((name) => name.startsWith('.'))).toEqual([]);
    for (const file of ['model.safetensors', 'state.safetensors', 'checkpoint.json']) expect(existsSync(join(listCheckpoints(folder)[1], file))).toBe(true);
  });

  it('refuses a checkpoint of another model with one clear line', async () => {
    const folder = scratch();
    await run(folder, 5);
    const other = charLmTask({ ...settings, hiddenSize: 10 }, corpus);
    const optimizer = createOptimizer('adam', other.model.parameters(), 1e-3);
    expect(() => restore(other, optimizer, loadCheckpoint(folder))).toThrow('checkpoint: expected a model with hiddenSize=10, got a checkpoint of another model (hiddenSize=12)');
  });
});
