// Moving a model out and back in: a small Embedding → LSTM → Linear written as ONNX and read
// back, and a TensorFlow.js layers model written as model.json + weights.bin and read back. Each
// round trip must give the same outputs. Runs in Node (the files go to a temporary folder).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, fromData, randn } from '@recurrent/tensor';
import { GRUCell } from '@recurrent/cells';
import { Embedding, LSTM, Linear, Recurrent, TfjsModel, loadTfjsModel, tfjsModelFiles } from '@recurrent/layers';
import { exportOnnx, importOnnx, runStages } from '@recurrent/onnx';

const folder = mkdtempSync(join(tmpdir(), 'interchange-'));
const largest = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

// ONNX: batch-first ids [batch, time] in, logits [batch, time, 20] and the final states out
const stages = [
  new Embedding({ numEmbeddings: 20, embeddingDim: 8, seed: 1 }),
  new LSTM({ inputSize: 8, hiddenSize: 16, numLayers: 2, generator: new Generator(2) }),
  new Linear({ inFeatures: 16, outFeatures: 20, seed: 3 }),
];
writeFileSync(join(folder, 'model.onnx'), exportOnnx(stages));
const ids = fromData(Int32Array.from([1, 5, 9, 2, 0, 7, 3, 3, 12, 19]), [2, 5]);
const library = runStages(stages, { x: ids });
const imported = importOnnx(readFileSync(join(folder, 'model.onnx'))).forward({ x: ids });
console.log('ONNX outputs', Object.keys(library).join(', '), 'y', library.y.shape, 'max |difference| after the round trip', largest(imported.y.value.data, library.y.data));

// TensorFlow.js: a GRU as tfjs has it (reset before the recurrent product), then a Dense layer
const tfjs = new TfjsModel([
  { kind: 'GRU', module: new Recurrent(new GRUCell({ inputSize: 3, hiddenSize: 6, resetAfter: false, generator: new Generator(4) }), { batchFirst: true }), returnSequences: false },
  { kind: 'Dense', module: new Linear({ inFeatures: 6, outFeatures: 2, seed: 5 }), activation: 'softmax', timeDistributed: false },
]);
const { modelJson, weights } = tfjsModelFiles(tfjs);
writeFileSync(join(folder, 'model.json'), modelJson);
writeFileSync(join(folder, 'weights.bin'), weights);
const x = randn([4, 7, 3], new Generator(6));
const back = await loadTfjsModel(join(folder, 'model.json'));
console.log('TensorFlow.js model.json: max |difference| after the round trip', largest(back.forward(x).value.data, tfjs.forward(x).value.data));
rmSync(folder, { recursive: true, force: true });
