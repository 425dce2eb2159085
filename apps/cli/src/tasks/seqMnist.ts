import { argmax, backward, crossEntropy, noGrad } from '@recurrent/autograd';
import { type MnistSplit, loadSequentialMnist } from '@recurrent/data';
import { type Backend, Generator, fromData } from '@recurrent/tensor';
import type { TrainingTask } from '../training/task.js';
import { SequenceModel, type RecurrentModelSettings } from './models.js';
import { ShuffledBatches } from './shuffledBatches.js';

/** Settings of sequential MNIST (bench/learning.md's: LSTM(28→128) → Linear(128→10), batch 64). */
export interface SeqMnistSettings extends RecurrentModelSettings {
  bidirectional: boolean;
  evalLimit?: number;
}

export const seqMnistDefaults = { hiddenSize: 128, numLayers: 1, batch: 64 };

/** Images `[B, 784]` → time-major steps `[28, B, 28]` (row t of each image is step t). */
function stepsOf(split: MnistSplit, indices: number[], backend?: Backend) {
  const batch = indices.length;
  const x = new Float32Array(28 * batch * 28);
  const y = new Int32Array(batch);
  indices.forEach((index, b) => {
    const image = split.images.subarray(index * 784, (index + 1) * 784);
    for (let t = 0; t < 28; t++) x.set(image.subarray(t * 28, (t + 1) * 28), (t * batch + b) * 28);
    y[b] = split.labels[index];
  });
  return { x: fromData(x, [28, batch, 28], { backend }), y: fromData(y, [batch], { backend }) };
}

/**
 * Sequential MNIST: each image read row by row (28 steps of 28 pixels), classified from the last
 * step's output; metric: test accuracy on the 2,004 test images of bench/learning.md's split.
 */
export async function seqMnistTask(settings: SeqMnistSettings): Promise<TrainingTask> {
  const mnist = await loadSequentialMnist();
  const modelConfig = {
    kind: 'SequenceModel', cell: settings.cell, inputSize: 28, hiddenSize: settings.hiddenSize,
    numLayers: settings.numLayers, bidirectional: settings.bidirectional, outputSize: 10,
  };
  const generator = new Generator(settings.seed);
  const model = new SequenceModel({ ...modelConfig, dropout: settings.dropout }, generator, settings.backend);
  const batches = new ShuffledBatches(mnist.train.labels.length, settings.batch, settings.seed + 1);
  return {
    name: 'seq-mnist', model, modelConfig, vocabulary: null,
    io: { task: 'seq-mnist' },
    metric: { name: 'test_accuracy', direction: 'higher' },
    unit: { name: 'seqs', perStep: settings.batch },
    stepsPerEpoch: batches.stepsPerEpoch,
    generators: { model: generator, data: batches.generator },
    trainStep() {
      const { x, y } = stepsOf(mnist.train, batches.next(), model.backend);
      const loss = crossEntropy(model.forward(x), y);
      backward(loss);
      return loss.item();
    },
    evaluate(final = true) {
      model.eval();
      const total = mnist.test.labels.length;
      const count = final ? total : Math.min(total, settings.evalLimit ?? total);
      let correct = 0;
      noGrad(() => {
        for (let start = 0; start < count; start += 500) {
          const indices = Array.from({ length: Math.min(500, count - start) }, (_, k) => start + k);
          const { x, y } = stepsOf(mnist.test, indices, model.backend);
          const predicted = argmax(model.forward(x), 1).value.data;
          for (let b = 0; b < indices.length; b++) if (predicted[b] === y.data[b]) correct++;
        }
      });
      return correct / count;
    },
    getDataState: () => batches.getState(),
    setDataState: (state) => batches.setState(state),
  };
}
