import { describe, expect, it } from 'vitest';
import { Generator, tensor } from '@recurrent/tensor';
import { Variable, grad, narrow, noGrad, sum } from '@recurrent/autograd';
import { Embedding } from './embedding.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { Linear } from './linear.js';
import { PooledClassifier } from './pooledClassifier.js';

const V = 9, E = 3, H = 4;

function model(seed: number, dropout = 0) {
  const generator = new Generator(seed);
  return new PooledClassifier({
    embedding: new Embedding({ numEmbeddings: V, embeddingDim: E, paddingIdx: 0, generator }),
    rnn: new GRU({ inputSize: E, hiddenSize: H, bidirectional: true, generator }),
    linear: new Linear({ inFeatures: 4 * H, outFeatures: 2, generator }),
    dropout,
    generator,
  });
}

// ids [T = 4, B = 3], time-major; lengths 4, 2, 1 (the rest padding)
const rows = [[1, 5, 8], [2, 6, 0], [3, 0, 0], [4, 0, 0]];
const lengths = [4, 2, 1];

describe('PooledClassifier', () => {
  it('is Linear of the maximum and the mean of the recurrent outputs over each sequence\'s valid steps', () => {
    const m = model(1);
    m.eval();
    const ids = tensor(rows, { dtype: 'int32' });
    noGrad(() => {
      const logits = m.forward(ids, lengths).value;
      // the same quantities from the submodules, pooled by loops here
      const output = (m.rnn.forward(m.embedding.forward(ids), { lengths }) as { output: Variable }).output.value;
      const [T, B, F] = output.shape;
      const W = m.linear.weight.value.data, bias = m.linear.bias!.value.data;
      for (let b = 0; b < B; b++) {
        const features: number[] = [];
        for (let f = 0; f < F; f++) {
          let best = -Infinity;
          for (let t = 0; t < lengths[b]; t++) best = Math.max(best, output.data[(t * B + b) * F + f]);
          features[f] = best;
        }
        for (let f = 0; f < F; f++) {
          let total = 0;
          for (let t = 0; t < lengths[b]; t++) total += output.data[(t * B + b) * F + f];
          features[F + f] = total / lengths[b];
        }
        for (let k = 0; k < 2; k++) {
          let z = bias[k];
          for (let j = 0; j < 2 * F; j++) z += W[k * 2 * F + j] * features[j];
          expect(logits.data[b * 2 + k]).toBeCloseTo(z, 5);
        }
      }
      expect(T).toBe(4);
    });
  });

  it('reads no padding: more padded steps leave the logits unchanged', () => {
    const m = model(2);
    m.eval();
    const short = noGrad(() => m.forward(tensor(rows, { dtype: 'int32' }), lengths).value.data);
    const long = noGrad(() => m.forward(tensor([...rows, [7, 7, 7], [6, 6, 6]], { dtype: 'int32' }), lengths).value.data);
    expect(Array.from(long)).toEqual(Array.from(short));
  });

  it('gives the gradient of a class score with respect to the embeddings (zero past each length)', () => {
    const m = model(3);
    m.eval();
    const embedded = new Variable(m.embedding.forward(tensor(rows, { dtype: 'int32' })).value, { requiresGrad: true });
    const spam = sum(narrow(m.forwardEmbedded(embedded, lengths), 1, 1, 1));
    const [g] = grad([spam], [embedded]);
    const B = 3;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < 4; t++) {
        const norm = Math.hypot(...g!.data.slice((t * B + b) * E, (t * B + b + 1) * E));
        if (t < lengths[b]) expect(norm).toBeGreaterThan(0);
        else expect(norm).toBe(0);
      }
    }
  });

  it('drops out in training mode only', () => {
    const m = model(4, 0.5);
    const ids = tensor(rows, { dtype: 'int32' });
    const trainA = noGrad(() => m.forward(ids, lengths).value.data);
    const trainB = noGrad(() => m.forward(ids, lengths).value.data);
    expect(Array.from(trainA)).not.toEqual(Array.from(trainB));
    m.eval();
    const evalA = noGrad(() => m.forward(ids, lengths).value.data);
    const evalB = noGrad(() => m.forward(ids, lengths).value.data);
    expect(Array.from(evalA)).toEqual(Array.from(evalB));
    expect(m.config()).toEqual({ dropout: 0.5 });
  });

  it('refuses a head of the wrong width, a batch-first layer and bad lengths, by name', () => {
    const embedding = new Embedding({ numEmbeddings: V, embeddingDim: E });
    expect(() => new PooledClassifier({ embedding, rnn: new LSTM({ inputSize: E, hiddenSize: H, bidirectional: true }), linear: new Linear({ inFeatures: 2 * H, outFeatures: 2 }) }))
      .toThrow('PooledClassifier: expected a linear layer of inFeatures 16 (the maximum and the mean of the recurrent outputs), got inFeatures 8');
    expect(() => new PooledClassifier({ embedding, rnn: new LSTM({ inputSize: E, hiddenSize: H, batchFirst: true }), linear: new Linear({ inFeatures: 2 * H, outFeatures: 2 }) }))
      .toThrow('PooledClassifier: expected a time-major recurrent layer (batchFirst false), got batchFirst true');
    expect(() => new PooledClassifier({ embedding, rnn: new LSTM({ inputSize: E, hiddenSize: H }), linear: new Linear({ inFeatures: 2 * H, outFeatures: 2 }), dropout: 2 })).toThrow(/PooledClassifier: .*dropout/);
    const m = model(5);
    expect(() => m.forward(tensor(rows, { dtype: 'int32' }), [4, 2])).toThrow('PooledClassifier: expected 3 lengths, integers in [1, 4], got [4, 2]');
    expect(() => m.forward(tensor(rows, { dtype: 'int32' }), [4, 0, 1])).toThrow('PooledClassifier: expected 3 lengths, integers in [1, 4], got [4, 0, 1]');
  });
});
