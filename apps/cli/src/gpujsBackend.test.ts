import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GpujsBackend, createGpujsBackend } from '@recurrent/backend-gpujs';
import { afterAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from './checkpoint/checkpoint.js';
import { charLmTask } from './tasks/charLm.js';
import { splitCorpus } from './tasks/mobyDick.js';
import { clipping, createOptimizer } from './training/optimizers.js';
import { train } from './training/trainer.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'recurrent.mjs');
const folder = mkdtempSync(join(tmpdir(), 'recurrent-gpujs-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const text = Array.from({ length: 40 }, (_, k) => `Call me Ishmael, ${k} years ago; never mind how long precisely. `).join('');
const corpus = splitCorpus(text);
const settings = { cell: 'lstm' as const, embeddingSize: 6, hiddenSize: 12, numLayers: 2, dropout: 0, batch: 4, bptt: 9, seed: 3 };

/** The losses of a few Adam steps of a tiny character LSTM, its model on `backend` (CPU when none). */
async function losses(backend: GpujsBackend | undefined, steps: number, outDirectory: string) {
  const task = charLmTask({ ...settings, backend }, corpus);
  for (const parameter of task.model.parameters()) expect(parameter.value.backend).toBe(backend ?? task.model.parameters()[0].value.backend);
  const optimizer = createOptimizer('adam', task.model.parameters(), 5e-3);
  const curve: number[] = [];
  await train(task, {
    optimizer, clip: clipping(1), maxSteps: steps, evalEverySeconds: 0, checkpointEvery: steps, keep: 1, outDirectory,
    trainingConfig: { task: 'char-lm', ...settings }, progress: false, evaluate: false,
    onStep: (_step, loss) => curve.push(loss),
  });
  return curve;
}

describe('training on the gpu.js backend', () => {
  it.each(['webasm', 'cpu'] as const)('a model on gpu.js (%s mode) follows the CPU backend\'s loss curve', async (mode) => {
    const reference = await losses(undefined, 3, join(folder, `cpu-${mode}`));
    const backend = createGpujsBackend({ mode });
    try {
      const curve = await losses(backend, 3, join(folder, `gpujs-${mode}`));
      expect(curve).toHaveLength(3);
      // float32 on both sides, summed in another order: PyTorch's float32 tolerance
      curve.forEach((loss, k) => expect(Math.abs(loss - reference[k])).toBeLessThanOrEqual(1e-4 * Math.abs(reference[k])));
      expect(backend.device.launches).toBeGreaterThan(0);
      expect([...backend.kernelClasses]).toContain(mode === 'webasm' ? 'WebAssemblyKernel' : 'CPUKernel');
    } finally {
      backend.dispose();
    }
  });

  it('recurrent train --backend gpujs completes, reports gpu.js, and writes a checkpoint eval reads back', () => {
    const run = join(folder, 'names');
    const recurrent = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: folder, encoding: 'utf8', timeout: 60_000 });
    const trained = recurrent('train', 'names', '--backend', 'gpujs', '--gpujs-mode', 'webasm', '--budget', '1', '--hidden-size', '16', '--embedding-size', '8', '--batch', '8', '--eval-every', '0', '--sample-length', '0', '--no-progress', '--out', run);
    expect(trained.stderr).toBe('');
    expect(trained.status).toBe(0);
    const lines = trained.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^gpujs: mode webasm, kernels WebAssemblyKernel, [1-9]\d* launches, CPU fallbacks \d+/);
    const metric = (stdout: string) => Number(/^validation bits\/char: (\d+\.\d{4})$/m.exec(stdout)?.[1]);
    expect(metric(trained.stdout)).toBeGreaterThan(0);
    expect(listCheckpoints(run).length).toBeGreaterThan(0);
    const evaluated = recurrent('eval', run);
    expect(evaluated.status).toBe(0);
    // the checkpoint reads back on the CPU backend and scores what the gpu.js run scored (printed to 4 decimals)
    expect(Math.abs(metric(evaluated.stdout) - metric(trained.stdout))).toBeLessThanOrEqual(1.5e-4);
  });
});
