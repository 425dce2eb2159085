import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '@recurrent/autograd';
import { PooledClassifier } from '@recurrent/layers';
import { loadModelFile } from '@recurrent/layers/node';
import { tensor } from '@recurrent/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from '../checkpoint/checkpoint.js';
import { clipping, createOptimizer } from '../training/optimizers.js';
import type { TrainingTask } from '../training/task.js';
import { train } from '../training/trainer.js';
import { birthsTask } from './births.js';
import { spamTask } from './spam.js';

const folder = mkdtempSync(join(tmpdir(), 'recurrent-tasks-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Trains `steps` Adam steps, evaluating at the end; returns the losses and the log-json lines. */
async function run(task: TrainingTask, steps: number, lr: number, name: string) {
  const optimizer = createOptimizer('adam', task.model.parameters(), lr);
  const curve: number[] = [];
  const logJson = join(folder, `${name}.jsonl`);
  const result = await train(task, {
    optimizer, clip: clipping(1), maxSteps: steps, evalEverySeconds: 0, checkpointEvery: steps, keep: 1, outDirectory: join(folder, name),
    trainingConfig: { task: name }, progress: false, logJson, onStep: (_step, loss) => curve.push(loss),
  });
  const lines = readFileSync(logJson, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
  return { curve, result, lines };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const common = { cell: 'gru' as const, numLayers: 1, dropout: 0, seed: 0 };

describe('recurrent train spam and births learn on a slice of their data', () => {
  it('spam: the BiGRU over word tokens learns, and the bag-of-words baseline is scored in the same run', async () => {
    const task = await spamTask({ ...common, hiddenSize: 16, embeddingSize: 16, batch: 16, maxTokens: 60, slice: { train: 480, test: 240 } });
    const { curve, result, lines } = await run(task, 60, 5e-3, 'spam');
    expect(mean(curve.slice(-15))).toBeLessThan(0.6 * mean(curve.slice(0, 15)));
    expect(result.lastMetric!).toBeGreaterThan(0.6); // test F1 of spam on 240 held-out messages
    const { details } = lines.at(-1);
    expect(lines.at(-1).metric).toBe('test_f1');
    expect(details.baseline_test_f1).toBeGreaterThan(0.6);
    expect(details.test_accuracy).toBeGreaterThan(0.7);
    // the checkpoint is a model file: a PooledClassifier with the task's word vocabulary, the same logits
    const [checkpoint] = listCheckpoints(join(folder, 'spam'));
    const { module, io } = loadModelFile(join(checkpoint, 'model.safetensors'));
    expect(module).toBeInstanceOf(PooledClassifier);
    expect(io).toMatchObject({ task: 'spam', tokenizer: 'words', outputVocabulary: ['ham', 'spam'] });
    expect(io!.vocabulary!.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    const ids = tensor([[2, 3], [4, 0]], { dtype: 'int32' });
    module.eval();
    task.model.eval();
    const loaded = noGrad(() => (module as PooledClassifier).forward(ids, [2, 1]).value.data);
    const trained = noGrad(() => (task.model as PooledClassifier).forward(ids, [2, 1]).value.data);
    expect(Array.from(loaded)).toEqual(Array.from(trained));
  }, 120_000);

  it('births: the LSTM/GRU forecaster learns, and both baselines are scored on the same origins', async () => {
    const task = await birthsTask({ ...common, hiddenSize: 16, batch: 32, window: 28 });
    const { curve, lines } = await run(task, 80, 5e-3, 'births');
    expect(mean(curve.slice(-20))).toBeLessThan(0.5 * mean(curve.slice(0, 10)));
    const { value, details } = lines.at(-1);
    // learning.md's baseline figures on 2014, recomputed from the data
    expect(details.test_mae_same_weekday).toBeCloseTo(429.4, 1);
    expect(details.test_mae_year_earlier).toBeCloseTo(269.0, 1);
    expect(value).toBeLessThan(details.validation_mae_same_weekday);
  }, 120_000);
});
