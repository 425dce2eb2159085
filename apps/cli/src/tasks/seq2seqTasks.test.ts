import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@recurrent/tensor';
import { clipping, createOptimizer } from '../training/optimizers.js';
import type { TrainingTask } from '../training/task.js';
import { train } from '../training/trainer.js';
import { autoencoderTask } from './autoencoder.js';
import { g2pAttentionTask } from './g2pAttention.js';

const folder = mkdtempSync(join(tmpdir(), 'recurrent-seq2seq-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(task: TrainingTask, steps: number, lr: number, name: string) {
  const optimizer = createOptimizer('adam', task.model.parameters(), lr);
  const curve: number[] = [];
  const logJson = join(folder, `${name}.jsonl`);
  await train(task, {
    optimizer, clip: clipping(1), maxSteps: steps, evalEverySeconds: 0, checkpointEvery: steps, keep: 1, outDirectory: join(folder, name),
    trainingConfig: { task: name }, progress: false, logJson, onStep: (_step, loss) => curve.push(loss),
  });
  return { curve, last: JSON.parse(readFileSync(logJson, 'utf8').trimEnd().split('\n').at(-1)!) };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const common = { cell: 'gru' as const, numLayers: 1, dropout: 0, seed: 0 };

describe('recurrent train g2p-attention and autoencoder learn on a slice of their data', () => {
  it('g2p-attention: the attentional encoder–decoder learns letters → phonemes; PER and WER are scored', async () => {
    const task = await g2pAttentionTask({ ...common, hiddenSize: 32, embeddingSize: 16, batch: 32, slice: { train: 2000, validation: 100 } });
    const { curve, last } = await run(task, 50, 1e-2, 'g2p-attention');
    expect(mean(curve.slice(-10))).toBeLessThan(0.75 * mean(curve.slice(0, 5)));
    expect(last.metric).toBe('phoneme_error_rate');
    expect(last.value).toBeLessThan(0.95);
    expect(last.details.word_error_rate).toBeGreaterThanOrEqual(last.value);
  }, 120_000);

  // before, both tasks built their models on the default CPU backend whatever the run's was
  it.each([
    ['g2p-attention', g2pAttentionTask],
    ['autoencoder', autoencoderTask],
  ] as const)('%s: the model and its inputs live on the run\'s backend (its first step\'s loss that of the default backend)', async (_name, build) => {
    const backend = createCpuBackend({ name: 'own-cpu' });
    const settings = { ...common, hiddenSize: 8, embeddingSize: 4, batch: 4, slice: { train: 8, validation: 4 } };
    const [plain, own] = await Promise.all([build(settings), build({ ...settings, backend })]);
    for (const parameter of own.model.parameters()) expect(parameter.value.backend).toBe(backend);
    for (const parameter of plain.model.parameters()) expect(parameter.value.backend).not.toBe(backend);
    expect(own.trainStep()).toBe(plain.trainStep());
    for (const parameter of own.model.parameters()) expect(parameter.grad!.backend).toBe(backend);
    expect(own.evaluate(true)).toEqual(plain.evaluate(true));
  }, 60_000);

  it('autoencoder: names through a fixed code come back, some of them exactly', async () => {
    const task = await autoencoderTask({ ...common, hiddenSize: 48, embeddingSize: 16, batch: 32, slice: { train: 2000, validation: 200 } });
    const { curve, last } = await run(task, 120, 1e-2, 'autoencoder');
    expect(mean(curve.slice(-10))).toBeLessThan(0.5 * mean(curve.slice(0, 5)));
    expect(last.metric).toBe('validation_exact_reconstruction');
    expect(last.value).toBeGreaterThan(0.05);
  }, 120_000);
});
