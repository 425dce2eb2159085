import { afterAll, describe, expect, it } from 'vitest';
import { loadVectors, localVectorsDir, vectorsRoot } from '@recurrent/test-vectors';
import { runCase } from '../../layers/test/parity/layer.js';
import { noGrad } from '../../autograd/src/index.js';
import { LSTM } from '../../layers/src/index.js';
import { Generator, uniform } from '@recurrent/tensor';
import { createGpujsBackend } from './index.js';

// The fused LSTM / GRU / RNN layers of @recurrent/layers on this backend: they reach its device
// kernels through `kernels.recurrent` (lengths, the reverse direction, projections, peepholes, the
// reset-before GRU and hard-sigmoid gates included), checked against the PyTorch vectors and the
// reference loops of test-vectors/local, with no recurrent fallback to the CPU.
const backend = createGpujsBackend({ mode: 'webasm' });
afterAll(() => backend.dispose());

const recurrentFallbacks = () => [...backend.fallbacks].filter(([name]) => name.startsWith('recurrent.'));
const files = [
  ...['lstm.json', 'gru.json', 'rnn_tanh.json', 'rnn_relu.json', 'packed.json', 'lstm_proj.json'].map((file) => ({ file, root: vectorsRoot() })),
  ...['lstm_peephole.json', 'gru_reset_before.json', 'lstm_hard_sigmoid.json', 'gru_hard_sigmoid.json'].map((file) => ({ file, root: localVectorsDir })),
];

for (const { file, root } of files) {
  const cases = loadVectors(file, root).cases;
  describe(`${file}: fused layers on gpu.js webasm`, () => {
    it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
      const launches = backend.device.launches;
      runCase(testCase, root, backend);
      // every layer and direction ran on the device, none on the CPU recurrence
      expect(backend.device.launches).toBeGreaterThan(launches);
      expect(recurrentFallbacks()).toEqual([]);
    });
  });
}

describe('what one LSTM layer forward moves between host and device', () => {
  // The recurrence uploads its input, weights and states once and downloads its results once; the
  // batch-first transposes and the stacking of the final states are host copies (the storage is
  // on the host), so the whole forward moves no more than the fused recurrence itself. (A
  // bidirectional layer's join of its two directions on the feature axis is still a device
  // scatterAdd: one more upload set and download per layer.)
  it.each([
    ['batch-first', { batchFirst: true }],
    ['projected, time-major', { projSize: 3 }],
    ['two layers', { numLayers: 2 }],
  ] as const)('%s: uploads and downloads are the recurrence runs\' own', (_name, options) => {
    const lstm = new LSTM({ inputSize: 4, hiddenSize: 6, backend, generator: new Generator(1), ...options });
    const x = uniform([5, 2, 4], -1, 1, new Generator(2), { backend });
    const recurrence = backend.kernels.recurrent!;
    const runs: { uploads: number; downloads: number }[] = [];
    const forward = recurrence.forward;
    recurrence.forward = (args) => {
      const result = forward(args);
      runs.push({ ...backend.recurrent.lastCost });
      return result;
    };
    try {
      const before = { ...backend.device };
      noGrad(() => lstm.forward(x));
      expect(runs.length).toBe('numLayers' in options ? options.numLayers : 1);
      expect(backend.device.downloads - before.downloads).toBe(runs.reduce((n, run) => n + run.downloads, 0));
      expect(backend.device.uploads - before.uploads).toBe(runs.reduce((n, run) => n + run.uploads, 0));
      expect(runs.every((run) => run.downloads === 1)).toBe(true);
    } finally {
      recurrence.forward = forward;
    }
  });
});
