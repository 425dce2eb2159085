import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Embedding, GRU, Linear, TokenModel } from '@recurrent/layers';
import { loadModelFile } from '@recurrent/layers/node';
import { tensor } from '@recurrent/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomicWrite.js';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint.js';

const root = mkdtempSync(join(tmpdir(), 'recurrent-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const state = (step: number) => ({
  task: 'char-lm', model: { hiddenSize: 4 }, training: {}, vocabulary: ['a', 'b'], schedule: null,
  rng: { model: { s: [1, 2, 3, 4], spareNormal: null } }, step, trainSeconds: step / 10,
});

describe('checkpoints on disk', () => {
  it('round-trips weights, optimizer state (tensors, long arrays, non-finite numbers) and data state', () => {
    const run = join(root, 'roundtrip');
    const moments = Array.from({ length: 100 }, (_, k) => Math.fround(k / 7));
    saveCheckpoint(run, {
      weights: { 'rnn.weight_ih_l0': tensor([[1, 2], [3, 4]]) },
      optimizer: { state: { '0': { step: 3, exp_avg: moments } }, best: Infinity },
      data: { position: 12, h: tensor([0.5, -0.5]) },
      state: state(7),
    });
    const loaded = loadCheckpoint(run);
    expect(loaded.state.step).toBe(7);
    expect(Array.from(loaded.weights['rnn.weight_ih_l0'].data)).toEqual([1, 2, 3, 4]);
    expect(loaded.optimizer).toEqual({ state: { '0': { step: 3, exp_avg: moments } }, best: Infinity });
    expect(loaded.data.position).toBe(12);
    expect(Array.from((loaded.data.h as { data: Float32Array }).data)).toEqual([0.5, -0.5]);
  });

  it('writes model.safetensors as a model file: the architecture, the io and the training options beside the weights', () => {
    const run = join(root, 'model-file');
    const model = new TokenModel({ embedding: new Embedding({ numEmbeddings: 2, embeddingDim: 3 }), rnn: new GRU({ inputSize: 3, hiddenSize: 4 }), linear: new Linear({ inFeatures: 4, outFeatures: 2 }) });
    const directory = saveCheckpoint(run, {
      weights: model.stateDict(), model, io: { task: 'names', vocabulary: ['a', 'b'], extra: { bosId: 0 } }, optimizer: {}, data: {},
      state: { ...state(3), training: { task: 'names', lr: 0.01 } },
    });
    const { module, io } = loadModelFile(join(directory, 'model.safetensors'));
    expect(module).toBeInstanceOf(TokenModel);
    expect(io).toEqual({ task: 'names', vocabulary: ['a', 'b'], extra: { bosId: 0, trainedBy: 'recurrent', task: 'char-lm', step: 3, training: { task: 'names', lr: 0.01 } } });
    expect(Object.keys(loadCheckpoint(run).weights).sort()).toEqual(Object.keys(model.stateDict()).sort());
  });

  it('ignores a checkpoint a crash left half-written and loads the last complete one', () => {
    const run = join(root, 'crash');
    saveCheckpoint(run, { weights: { w: tensor([1]) }, optimizer: {}, data: {}, state: state(5) });
    // what a crash leaves: a temporary directory, and a directory without checkpoint.json
    mkdirSync(join(run, 'checkpoints', '.step-000000010.999.tmp'));
    writeFileSync(join(run, 'checkpoints', '.step-000000010.999.tmp', 'model.safetensors'), 'partial');
    mkdirSync(join(run, 'checkpoints', 'step-000000011'));
    expect(listCheckpoints(run).map((path) => path.slice(-14))).toEqual(['step-000000005']);
    expect(loadCheckpoint(run).state.step).toBe(5);
  });

  it('rejects a damaged weights file with the file named: checksum first, then the decoder', () => {
    const run = join(root, 'damaged');
    const saved = saveCheckpoint(run, { weights: { w: tensor([1, 2]) }, optimizer: {}, data: {}, state: state(1) });
    const bytes = readFileSync(join(saved, 'model.safetensors'));
    writeFileSync(join(saved, 'model.safetensors'), bytes.subarray(0, bytes.length - 4));
    expect(() => loadCheckpoint(run)).toThrow(/^checkpoint: .*model\.safetensors: expected checksum sha256:[0-9a-f]{64} \(from checkpoint\.json\), got sha256:[0-9a-f]{64}: the file is damaged$/);
    // without recorded checksums (a hand-made checkpoint) the decoder still names the file
    const json = JSON.parse(readFileSync(join(saved, 'checkpoint.json'), 'utf8'));
    delete json.checksums;
    writeFileSync(join(saved, 'checkpoint.json'), JSON.stringify(json));
    expect(() => loadCheckpoint(run)).toThrow(/^checkpoint: .*model\.safetensors: decodeSafetensors: /);
  });

  it('writeFileAtomic replaces a file whole and leaves no temporary file', () => {
    const path = join(root, 'atomic.txt');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, 'new content');
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(readdirSync(root).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
