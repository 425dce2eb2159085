import { describe, expect, it } from 'vitest';
import { Generator, logSoftmax, tensor, uniform } from '@recurrent/tensor';
import { backward, crossEntropy, grad, reshape, sum } from '@recurrent/autograd';
import { GRUCell, LSTMCell } from '@recurrent/cells';
import { Adam } from '@recurrent/optim';
import { Attention, type AttentionScore } from './attention.js';
import { AttentionEncoderDecoder } from './attentionEncoderDecoder.js';
import { Embedding } from './embedding.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { Linear } from './linear.js';

const V = 4, bos = 1, eos = 2;

function model(seed: number, options: { score?: AttentionScore; lstm?: boolean; inputFeeding?: boolean; vocabulary?: number } = {}) {
  const generator = new Generator(seed);
  const { score = 'general', lstm = false, inputFeeding = true, vocabulary = V } = options;
  const E = 5, He = 4, Hd = score === 'dot' ? 8 : 6, C = 6;
  const Cell = lstm ? LSTMCell : GRUCell;
  const Layer = lstm ? LSTM : GRU;
  const m = new AttentionEncoderDecoder({
    sourceEmbedding: new Embedding({ numEmbeddings: vocabulary, embeddingDim: E, generator }),
    encoder: new Layer({ inputSize: E, hiddenSize: He, bidirectional: true, generator }),
    bridge: new Linear({ inFeatures: 2 * He, outFeatures: Hd, generator }),
    targetEmbedding: new Embedding({ numEmbeddings: vocabulary, embeddingDim: E, generator }),
    decoder: new Cell({ inputSize: E + (inputFeeding ? C : 0), hiddenSize: Hd, generator }),
    attention: new Attention({ score, querySize: Hd, keySize: 2 * He, generator }),
    combine: new Linear({ inFeatures: 2 * He + Hd, outFeatures: C, bias: false, generator }),
    projection: new Linear({ inFeatures: C, outFeatures: vocabulary, generator }),
    inputFeeding, bos, eos,
  });
  // Sharper output distributions, so that the best sequence is clearly the best.
  for (let i = 0; i < m.projection.weight.size; i++) m.projection.weight.value.data[i] *= 6;
  return m;
}

const source = (rows: number[][]) => tensor(rows, { dtype: 'int32' });

/** Σ_t log p(target_t | target_<t, source) by teacher forcing (one sequence). */
function score(m: AttentionEncoderDecoder, src: ReturnType<typeof tensor>, tokens: number[]): number {
  const { logits } = m.forward(src, tensor(tokens.map((t) => [t]), { dtype: 'int32' }));
  const lp = logSoftmax(logits.value, -1);
  return tokens.reduce((total, token, t) => total + lp.data[t * V + token], 0);
}

function allSequences(maxLength: number): number[][] {
  const result: number[][] = [];
  const grow = (prefix: number[]) => {
    for (let token = 0; token < V; token++) {
      const next = [...prefix, token];
      if (token === eos || next.length === maxLength) result.push(next);
      else grow(next);
    }
  };
  grow([]);
  return result;
}

describe('Attention', () => {
  it.each(['dot', 'general', 'concat', 'additive'] as const)('%s: weights sum to 1 over each source, 0 past its length', (kind) => {
    const attention = new Attention({ score: kind, querySize: 4, keySize: 4, attentionSize: 3, seed: 1 });
    const keys = uniform([3, 5, 4], -1, 1, new Generator(2));
    const query = uniform([3, 4], -1, 1, new Generator(3));
    const { context, weights } = attention.forward(query, attention.prepare(keys, [5, 2, 4]));
    expect(context.shape).toEqual([3, 4]);
    expect(weights.shape).toEqual([3, 5]);
    [5, 2, 4].forEach((length, b) => {
      const row = Array.from(weights.value.data.subarray(b * 5, b * 5 + 5));
      expect(row.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 6);
      expect(row.slice(length).every((x) => x === 0)).toBe(true);
      expect(row.slice(0, length).every((x) => x > 0)).toBe(true);
    });
  });

  it('rejects unknown options, a dot score of unequal sizes and keys of the wrong width', () => {
    expect(() => new Attention({ score: 'dot', querySize: 3, keySize: 4 })).toThrow('Attention: expected querySize equal to keySize for the dot score, got 3 and 4');
    expect(() => new Attention({ score: 'general', querySize: 3, keySize: 4, atentionSize: 2 } as never)).toThrow("Attention: unknown option 'atentionSize' (did you mean 'attentionSize'?)");
    expect(() => new Attention({ score: 'luong' as never, querySize: 3, keySize: 4 })).toThrow('Attention: expected score to be one of');
    const attention = new Attention({ score: 'additive', querySize: 3, keySize: 4 });
    expect(() => attention.prepare(uniform([2, 5, 3], -1, 1, new Generator(0)))).toThrow('Attention: expected keys [batch, source, 4], got [2, 5, 3]');
    expect(() => attention.prepare(uniform([2, 5, 4], -1, 1, new Generator(0)), [5, 0])).toThrow('Attention: expected lengths in [1, 5], got 0 at index 1');
  });
});

describe('AttentionEncoderDecoder', () => {
  it('padding past a source length changes nothing, and the weights there are 0', () => {
    const m = model(1, { score: 'additive' });
    const targets = tensor([[3, 0], [0, 3], [2, 2]], { dtype: 'int32' });
    const a = m.forward(source([[3, 0], [0, 3], [2, 0], [1, 0]]), targets, { sourceLengths: [4, 2] });
    const b = m.forward(source([[3, 0], [0, 3], [2, 3], [1, 3]]), targets, { sourceLengths: [4, 2] });
    expect(Array.from(a.logits.value.data)).toEqual(Array.from(b.logits.value.data));
    expect(a.weights.shape).toEqual([3, 2, 4]);
    for (let t = 0; t < 3; t++) expect([a.weights.value.data[t * 8 + 6], a.weights.value.data[t * 8 + 7]]).toEqual([0, 0]);
    // The second sequence alone, unpadded, gives the same logits.
    const alone = m.forward(source([[0], [3]]), tensor([[0], [3], [2]], { dtype: 'int32' }));
    for (let t = 0; t < 3; t++) {
      for (let v = 0; v < V; v++) expect(alone.logits.value.data[t * V + v]).toBeCloseTo(a.logits.value.data[(t * 2 + 1) * V + v], 5);
    }
  });

  it('teacher forcing trains every part', () => {
    const m = model(2, { lstm: true, score: 'concat' });
    const { logits } = m.forward(source([[3, 0], [0, 3], [1, 1]]), tensor([[3, 0], [0, 3]], { dtype: 'int32' }), { sourceLengths: [3, 2] });
    const names = m.namedParameters().map(([n]) => n);
    const grads = grad([sum(logits)], m.parameters());
    names.forEach((name, i) => {
      if (!name.includes('Embedding')) expect(grads[i]!.data.some((v) => v !== 0), name).toBe(true);
    });
    expect(names).toContain('encoder.weight_ih_l0_reverse');
    expect(names).toContain('attention.linear.weight');
  });

  it.each([3, 4, 5])('exhaustive beam search equals brute-force enumeration; greedy never beats it (seed %i)', (seed) => {
    const m = model(seed, { inputFeeding: seed !== 4, score: seed === 5 ? 'dot' : 'general' });
    const src = source([[3], [0], [1]]);
    const maxLength = 3;
    const best = allSequences(maxLength).map((tokens) => ({ tokens, logProb: score(m, src, tokens) })).reduce((x, y) => (y.logProb > x.logProb ? y : x));
    const [beam] = m.beamDecode(src, { beamWidth: V ** maxLength, maxLength });
    expect(beam.tokens).toEqual(best.tokens[best.tokens.length - 1] === eos ? best.tokens.slice(0, -1) : best.tokens);
    expect(beam.logProb).toBeCloseTo(best.logProb, 5);
    const { tokens: [greedy], weights: [greedyWeights] } = m.greedyDecode(src, { maxLength });
    expect(score(m, src, greedy.length < maxLength ? [...greedy, eos] : greedy)).toBeLessThanOrEqual(beam.logProb + 1e-9);
    expect(greedyWeights).toHaveLength(greedy.length);
    expect(m.beamDecode(src, { beamWidth: 1, maxLength })[0].tokens).toEqual(greedy);
  });

  it('beam decoding of a padded batch equals decoding each source alone', () => {
    const m = model(7);
    const batch = m.beamDecode(source([[3, 0], [0, 3], [1, 0]]), { beamWidth: 3, maxLength: 4, sourceLengths: [3, 2] });
    const first = m.beamDecode(source([[3], [0], [1]]), { beamWidth: 3, maxLength: 4 });
    const second = m.beamDecode(source([[0], [3]]), { beamWidth: 3, maxLength: 4 });
    expect(batch[0].tokens).toEqual(first[0].tokens);
    expect(batch[1].tokens).toEqual(second[0].tokens);
    expect(batch[1].logProb).toBeCloseTo(second[0].logProb, 5);
  });

  it('learns to reverse short sequences', () => {
    // Tokens 3…7 are symbols; the target is the source reversed, then eos.
    const vocabulary = 8;
    const m = model(11, { vocabulary, score: 'general' });
    const optimizer = new Adam(m.parameters(), { lr: 0.02 });
    const generator = new Generator(12);
    const batchOf = () => {
      const rows = Array.from({ length: 16 }, () => Array.from({ length: 4 }, () => 3 + generator.integer(5)));
      const src = source(rows[0].map((_, t) => rows.map((r) => r[t])));
      const tgt = tensor([...rows[0].map((_, t) => rows.map((r) => r[3 - t])), rows.map(() => eos)], { dtype: 'int32' });
      return { src, tgt };
    };
    let first = 0, last = 0;
    for (let step = 0; step < 150; step++) {
      const { src, tgt } = batchOf();
      const { logits } = m.forward(src, tgt);
      const loss = crossEntropy(reshape(logits, [-1, vocabulary]), tensor(tgt.data, { dtype: 'int32', shape: [tgt.size] }));
      if (step === 0) first = loss.item();
      last = loss.item();
      optimizer.zeroGrad();
      backward(loss);
      optimizer.step();
    }
    expect(last).toBeLessThan(first * 0.3);
    const { tokens, weights } = m.greedyDecode(source([[3], [5], [7], [4]]), { maxLength: 6 });
    expect(tokens[0]).toEqual([4, 7, 5, 3]);
    expect(weights[0]).toHaveLength(4);
    for (const row of weights[0]) expect(row.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 5);
  });

  it('checks the sizes of its parts and its inputs', () => {
    const generator = new Generator(0);
    const parts = {
      sourceEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: 5, generator }),
      encoder: new GRU({ inputSize: 5, hiddenSize: 4, bidirectional: true, generator }),
      bridge: new Linear({ inFeatures: 8, outFeatures: 6, generator }),
      targetEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: 5, generator }),
      decoder: new GRUCell({ inputSize: 5, hiddenSize: 6, generator }),
      attention: new Attention({ score: 'general', querySize: 6, keySize: 8, generator }),
      combine: new Linear({ inFeatures: 14, outFeatures: 6, generator }),
      projection: new Linear({ inFeatures: 6, outFeatures: V, generator }),
      bos, eos,
    };
    expect(() => new AttentionEncoderDecoder({ ...parts, inputFeeding: true })).toThrow(
      'AttentionEncoderDecoder: expected decoder inputSize (embedding dim, + combine outFeatures with inputFeeding) 11, got 5',
    );
    expect(() => new AttentionEncoderDecoder({ ...parts, encoder: new GRU({ inputSize: 5, hiddenSize: 4 }) })).toThrow(
      'AttentionEncoderDecoder: expected a bidirectional, time-major encoder, got bidirectional false, batchFirst false',
    );
    const m = new AttentionEncoderDecoder(parts);
    expect(() => m.forward(tensor([[1, 2]]), tensor([[1, 2]], { dtype: 'int32' }))).toThrow('AttentionEncoderDecoder: expected int32 source tokens [T_in, batch], got float32 [1, 2]');
    expect(() => m.forward(source([[1, 2]]), tensor([[1]], { dtype: 'int32' }))).toThrow('AttentionEncoderDecoder: expected targets for the source batch of 2, got [1, 1]');
  });
});
