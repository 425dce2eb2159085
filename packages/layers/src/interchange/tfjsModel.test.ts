// Real artefacts written by @tensorflow/tfjs-layers 4.22 (captured with tf.io.withSaveHandler,
// since model.save('file://…') needs tfjs-node): every listed layer kind loads into the library
// and reproduces tfjs' outputs, and the library's artefacts load back into tfjs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GRUCell } from '@recurrent/cells';
import { Generator, type Tensor, fromData, randn } from '@recurrent/tensor';
import { noGrad } from '@recurrent/autograd';
import { stateDictToKerasGRU } from './keras.js';
import { type TfjsArtifacts, loadTfjsModel } from './loadTfjsModel.js';
import type { TfjsModel } from './tfjsModel.js';
import { tfjsArtifacts, tfjsModelFiles } from './tfjsArtifacts.js';

await tf.setBackend('cpu');
const folder = mkdtempSync(join(tmpdir(), 'recurrent-tfjs-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// glorotUniform: tfjs 4.22's orthogonal initializer crashes; random biases so they are checked
const init = { kernelInitializer: 'glorotUniform', recurrentInitializer: 'glorotUniform', biasInitializer: 'randomNormal' } as const;
const rnnOptions = { ...init, recurrentActivation: 'sigmoid' } as const;

async function capture(model: tfl.LayersModel): Promise<TfjsArtifacts> {
  let saved: TfjsArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts as unknown as TfjsArtifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

interface Case {
  name: string;
  build(): tfl.Sequential;
  input(batch: number, time: number): Tensor;
}

const ids = (vocabulary: number) => (batch: number, time: number) => {
  const g = new Generator(batch * 100 + time);
  return fromData(Int32Array.from({ length: batch * time }, () => g.integer(vocabulary)), [batch, time]);
};
const floats = (features: number) => (batch: number, time: number) => randn([batch, time, features], new Generator(batch * 100 + time));

const cases: Case[] = [
  {
    name: 'Embedding → LSTM → TimeDistributed(Dense, softmax)',
    build: () => tfl.sequential({ layers: [
      tfl.layers.embedding({ inputDim: 9, outputDim: 4, inputShape: [null], embeddingsInitializer: 'glorotUniform' }),
      tfl.layers.lstm({ units: 5, returnSequences: true, ...rnnOptions }),
      tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 9, activation: 'softmax', ...init }) }),
    ] }),
    input: ids(9),
  },
  {
    name: 'GRU (reset_after false) last step → Dense',
    build: () => tfl.sequential({ layers: [tfl.layers.gru({ units: 6, inputShape: [null, 3], ...rnnOptions }), tfl.layers.dense({ units: 2, ...init })] }),
    input: floats(3),
  },
  {
    name: 'SimpleRNN (tanh) → SimpleRNN (relu, last step) → Dense (tanh, no bias)',
    build: () => tfl.sequential({ layers: [
      tfl.layers.simpleRNN({ units: 4, inputShape: [null, 3], returnSequences: true, ...init }),
      tfl.layers.simpleRNN({ units: 3, activation: 'relu', ...init }),
      tfl.layers.dense({ units: 2, activation: 'tanh', useBias: false, ...init }),
    ] }),
    input: floats(3),
  },
  ...(['concat', 'sum', 'mul', 'ave'] as const).flatMap((mergeMode): Case[] => [
    {
      name: `Bidirectional(LSTM) merge ${mergeMode}, sequences → TimeDistributed(Dense)`,
      build: () => tfl.sequential({ layers: [
        tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 4, returnSequences: true, ...rnnOptions }) as tfl.RNN, mergeMode, inputShape: [null, 3] }),
        tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 2, ...init }) }),
      ] }),
      input: floats(3),
    },
    {
      name: `Bidirectional(GRU, tfjs default hard_sigmoid) merge ${mergeMode}, last step → Dense (relu)`,
      build: () => tfl.sequential({ layers: [
        tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 3, ...init }) as tfl.RNN, mergeMode, inputShape: [null, 4] }),
        tfl.layers.dense({ units: 2, activation: 'relu', ...init }),
      ] }),
      input: floats(4),
    },
    {
      name: `Bidirectional(SimpleRNN) merge ${mergeMode}, last step`,
      build: () => tfl.sequential({ layers: [tfl.layers.bidirectional({ layer: tfl.layers.simpleRNN({ units: 3, ...init }) as tfl.RNN, mergeMode, inputShape: [null, 2] })] }),
      input: floats(2),
    },
  ]),
];

function tfPredict(model: tfl.LayersModel, x: Tensor): { shape: number[]; data: Float32Array } {
  const input = tf.tensor(Array.from(x.data), [...x.shape], 'float32');
  const y = model.predict(input) as tf.Tensor;
  const out = { shape: y.shape, data: y.dataSync() as Float32Array };
  input.dispose();
  y.dispose();
  return out;
}

function maxError(ours: Tensor, theirs: { shape: number[]; data: ArrayLike<number> }): number {
  expect([...ours.shape]).toEqual(theirs.shape);
  let worst = 0;
  for (let i = 0; i < ours.size; i++) worst = Math.max(worst, Math.abs(ours.data[i] - theirs.data[i]));
  return worst;
}

const run = (model: TfjsModel, x: Tensor) => noGrad(() => model.forward(x).value);

describe('TensorFlow.js model files (tfjs-layers 4.22) in both directions', () => {
  for (const c of cases) {
    it(`${c.name}: loads, matches tfjs within 1e-5, and writes artefacts tfjs loads back`, async () => {
      const tfModel = c.build();
      const model = await loadTfjsModel(await capture(tfModel));
      const errors: number[] = [];
      for (const [batch, time] of [[2, 5], [3, 1]]) {
        const x = c.input(batch, time);
        const expected = tfPredict(tfModel, x);
        errors.push(maxError(run(model, x), expected));
        const back = await tfl.loadLayersModel(tf.io.fromMemory(tfjsArtifacts(model) as unknown as tf.io.ModelArtifacts));
        errors.push(maxError(run(model, x), tfPredict(back, x)));
      }
      for (const e of errors) expect(e).toBeLessThanOrEqual(1e-5);
      console.log(`${c.name}: max |error| ${Math.max(...errors).toExponential(1)}`);
    });
  }

  it('loads model.json + weights.bin from a path and from a URL', async () => {
    const tfModel = cases[0].build();
    const model = await loadTfjsModel(await capture(tfModel));
    const { modelJson, weights } = tfjsModelFiles(model);
    writeFileSync(join(folder, 'model.json'), modelJson);
    writeFileSync(join(folder, 'weights.bin'), weights);
    const x = cases[0].input(2, 4);
    const expected = tfPredict(tfModel, x);
    expect(maxError(run(await loadTfjsModel(join(folder, 'model.json')), x), expected)).toBeLessThanOrEqual(1e-5);
    const server = createServer((request, response) => {
      const body = request.url === '/m/model.json' ? modelJson : request.url === '/m/weights.bin' ? weights : null;
      if (body === null) response.writeHead(404).end();
      else response.writeHead(200).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/m/model.json`;
      expect(maxError(run(await loadTfjsModel(url), x), expected)).toBeLessThanOrEqual(1e-5);
      await expect(loadTfjsModel(url.replace('/m/', '/missing/'))).rejects.toThrow('loadTfjsModel: expected HTTP 200');
    } finally {
      server.close();
    }
  });

  it("reads tfjs 4.22's defaults (hard_sigmoid gates) into recurrentActivation: 'hardSigmoid', and back", async () => {
    for (const layer of [tfl.layers.lstm({ units: 3, inputShape: [null, 2], returnSequences: true, ...init }), tfl.layers.gru({ units: 3, inputShape: [null, 2], ...init })]) {
      const tfModel = tfl.sequential({ layers: [layer] });
      const artifacts = await capture(tfModel);
      expect(JSON.stringify(artifacts.modelTopology)).toContain('"recurrent_activation":"hard_sigmoid"');
      const model = await loadTfjsModel(artifacts);
      expect((model.stages[0].module as { recurrentActivation?: string }).recurrentActivation).toBe('hardSigmoid');
      const x = floats(2)(3, 6);
      expect(maxError(run(model, x), tfPredict(tfModel, x))).toBeLessThanOrEqual(1e-5);
      const back = await tfl.loadLayersModel(tf.io.fromMemory(tfjsArtifacts(model) as unknown as tf.io.ModelArtifacts));
      expect(maxError(run(model, x), tfPredict(back, x))).toBeLessThanOrEqual(1e-5);
    }
  });

  it('refuses a gate activation the library does not compute, naming it', async () => {
    const tfModel = tfl.sequential({ layers: [tfl.layers.lstm({ units: 3, inputShape: [null, 2], ...init, recurrentActivation: 'tanh' })] });
    await expect(loadTfjsModel(await capture(tfModel))).rejects.toThrow("expected recurrent_activation 'sigmoid' or 'hard_sigmoid' (the gates the library's layers compute), got 'tanh'");
    const relu = tfl.sequential({ layers: [tfl.layers.gru({ units: 3, inputShape: [null, 2], ...rnnOptions, activation: 'relu' })] });
    await expect(loadTfjsModel(await capture(relu))).rejects.toThrow("expected activation 'tanh', got 'relu'");
  });

  it("stateDictToKerasGRU({ resetAfter: false }) gives weights tfjs' setWeights accepts, with the cell's outputs", () => {
    const cell = new GRUCell({ inputSize: 3, hiddenSize: 5, resetAfter: false, generator: new Generator(3) });
    const { kernel, recurrentKernel, bias } = stateDictToKerasGRU(cell.stateDict(), { resetAfter: false });
    const layer = tfl.layers.gru({ units: 5, ...rnnOptions, returnSequences: false });
    const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [1, 3] }), layer] });
    layer.setWeights([kernel, recurrentKernel, bias!].map((t) => tf.tensor(Array.from(t.data), [...t.shape])));
    const x = randn([2, 3], new Generator(4));
    const expected = noGrad(() => cell.forward(x).value);
    expect(maxError(expected, tfPredict(model, fromData(Float32Array.from(x.data), [2, 1, 3])))).toBeLessThanOrEqual(1e-5);
  });
});
