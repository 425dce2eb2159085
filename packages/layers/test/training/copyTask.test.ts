// Sequence to sequence: copy a random token sequence through an encoder–decoder. The per-token
// cross entropy starts near log(V) ≈ 1.95 and must fall below 0.1; greedy decoding must then
// reproduce at least 95% of held-out sequences exactly.
import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, tensor } from '@recurrent/tensor';
import { backward, crossEntropy, noGrad, reshape } from '@recurrent/autograd';
import { GRUCell } from '@recurrent/cells';
import { Adam, clipGradNorm } from '@recurrent/optim';
import { Embedding } from '../../src/embedding.js';
import { Linear } from '../../src/linear.js';
import { EncoderDecoder } from '../../src/seq2seq.js';

const bos = 1, eos = 2, symbols = 5, V = 3 + symbols, length = 4;

/** Sources `[length, B]` of symbols 3…V−1, and targets `[length + 1, B]`: the copy, then eos. */
function copyBatch(batch: number, generator: Generator): { source: Tensor; target: Tensor; sequences: number[][] } {
  const sequences = Array.from({ length: batch }, () => Array.from({ length }, () => 3 + generator.integer(symbols)));
  const source = tensor(Array.from({ length }, (_, t) => sequences.map((s) => s[t])), { dtype: 'int32' });
  const target = tensor([...Array.from({ length }, (_, t) => sequences.map((s) => s[t])), sequences.map(() => eos)], { dtype: 'int32' });
  return { source, target, sequences };
}

describe('training: copy task (sequence to sequence)', () => {
  it('an encoder–decoder learns to copy with teacher forcing', () => {
    const generator = new Generator(3);
    const model = new EncoderDecoder({
      sourceEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: 8, generator }),
      encoder: new GRUCell({ inputSize: 8, hiddenSize: 32, generator }),
      targetEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: 8, generator }),
      decoder: new GRUCell({ inputSize: 8, hiddenSize: 32, generator }),
      projection: new Linear({ inFeatures: 32, outFeatures: V, generator }),
      bos,
      eos,
    });
    const optimizer = new Adam(model.parameters(), { lr: 0.02 });
    const lossOf = (batch: ReturnType<typeof copyBatch>) =>
      crossEntropy(reshape(model.forward(batch.source, batch.target), [-1, V]), tensor(batch.target.data, { dtype: 'int32', shape: [batch.target.size] }));
    const held = copyBatch(64, new Generator(77));
    const before = noGrad(() => lossOf(held).item());
    for (let iteration = 0; iteration < 250; iteration++) {
      optimizer.zeroGrad();
      backward(lossOf(copyBatch(32, generator)));
      clipGradNorm(model.parameters(), 5);
      optimizer.step();
    }
    const after = noGrad(() => lossOf(held).item());
    expect(before).toBeGreaterThan(1.5);
    expect(after).toBeLessThan(0.1);
    const decoded = model.greedyDecode(held.source, { maxLength: length + 2 });
    const exact = decoded.filter((tokens, b) => tokens.join(',') === held.sequences[b].join(',')).length;
    expect(exact / held.sequences.length).toBeGreaterThanOrEqual(0.95);
  });
});
