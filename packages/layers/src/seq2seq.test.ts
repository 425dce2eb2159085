import { describe, expect, it } from 'vitest';
import { Generator, tensor, uniform, logSoftmax } from '@recurrent/tensor';
import { grad, sum } from '@recurrent/autograd';
import { GRUCell, LSTMCell } from '@recurrent/cells';
import { Embedding } from './embedding.js';
import { Linear } from './linear.js';
import { EncoderDecoder } from './seq2seq.js';

const V = 4, bos = 1, eos = 2;

function model(seed: number, lstm = false) {
  const generator = new Generator(seed);
  const cell = (inputSize: number) => (lstm ? new LSTMCell({ inputSize, hiddenSize: 6, generator }) : new GRUCell({ inputSize, hiddenSize: 6, generator }));
  const m = new EncoderDecoder({
    encoder: cell(3),
    decoder: cell(5),
    targetEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: 5, generator }),
    projection: new Linear({ inFeatures: 6, outFeatures: V, generator }),
    bos,
    eos,
  });
  // Sharper output distributions, so that the best sequence is clearly the best.
  for (let i = 0; i < m.projection.weight.size; i++) m.projection.weight.value.data[i] *= 6;
  return m;
}

/** Σ_t log p(target_t | target_<t, source) by teacher forcing (one sequence). */
function score(m: EncoderDecoder, source: ReturnType<typeof uniform>, tokens: number[]): number {
  const logits = m.forward(source, tensor(tokens.map((t) => [t]), { dtype: 'int32' })).value;
  const lp = logSoftmax(logits, -1);
  return tokens.reduce((total, token, t) => total + lp.data[t * V + token], 0);
}

/** Every output up to `maxLength` tokens: ends with eos, or reaches maxLength without it. */
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

describe('EncoderDecoder', () => {
  it('teacher forcing gives [T_out, B, V] logits and trains every part (many-to-many)', () => {
    const m = model(1, true);
    const source = uniform([5, 2, 3], -1, 1, new Generator(2));
    const logits = m.forward(source, tensor([[3, 0], [0, 3], [2, 2]], { dtype: 'int32' }));
    expect(logits.shape).toEqual([3, 2, V]);
    const parameters = m.parameters();
    const grads = grad([sum(logits)], parameters);
    for (const [i, name] of m.namedParameters().map(([n]) => n).entries()) {
      if (name.startsWith('targetEmbedding')) continue; // tokens 1 and 2 rows only, checked below
      expect(grads[i]!.data.some((v) => v !== 0), name).toBe(true);
    }
    expect(Object.keys(m.stateDict())).toContain('encoder.weight_ih');
    expect(Object.keys(m.stateDict())).toContain('decoder.weight_hh');
  });

  it.each([3, 4, 5])('exhaustive beam search finds the most probable sequence of brute-force enumeration (seed %i)', (seed) => {
    const m = model(seed);
    const source = uniform([4, 1, 3], -1, 1, new Generator(seed + 10));
    const maxLength = 3;
    const scored = allSequences(maxLength).map((tokens) => ({ tokens, logProb: score(m, source, tokens) }));
    const best = scored.reduce((a, b) => (b.logProb > a.logProb ? b : a));
    const [beam] = m.beamDecode(source, { beamWidth: V ** maxLength, maxLength });
    const expectedTokens = best.tokens[best.tokens.length - 1] === eos ? best.tokens.slice(0, -1) : best.tokens;
    expect(beam.tokens).toEqual(expectedTokens);
    expect(beam.logProb).toBeCloseTo(best.logProb, 5);
    // Greedy decoding is one of the candidates, so it can never score higher.
    const [greedy] = m.greedyDecode(source, { maxLength });
    const greedyTokens = greedy.length < maxLength ? [...greedy, eos] : greedy;
    expect(score(m, source, greedyTokens)).toBeLessThanOrEqual(beam.logProb + 1e-9);
    const [narrow] = m.beamDecode(source, { beamWidth: 1, maxLength });
    expect(narrow.tokens).toEqual(greedy);
  });

  it('generates from a one-step source (one-to-many), seeded and reproducible', () => {
    const m = model(6);
    const source = uniform([1, 2, 3], -1, 1, new Generator(7));
    const a = m.sample(source, { maxLength: 8, temperature: 1.5, topK: 3, generator: new Generator(8) });
    const b = m.sample(source, { maxLength: 8, temperature: 1.5, topK: 3, generator: new Generator(8) });
    expect(a).toEqual(b);
    expect(a).toHaveLength(2);
    for (const tokens of a) {
      expect(tokens.length).toBeLessThanOrEqual(8);
      expect(tokens).not.toContain(eos);
    }
    expect(m.sample(source, { maxLength: 8, temperature: 0 })).toEqual(m.greedyDecode(source, { maxLength: 8 }));
  });

  it('rejects mismatched encoder and decoder states and bad targets', () => {
    const generator = new Generator(0);
    const m = new EncoderDecoder({
      encoder: new GRUCell({ inputSize: 3, hiddenSize: 4, generator }),
      decoder: new GRUCell({ inputSize: 5, hiddenSize: 6, generator }),
      targetEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: 5 }),
      projection: new Linear({ inFeatures: 6, outFeatures: V }),
      bos,
      eos,
    });
    const source = uniform([2, 1, 3], -1, 1, generator);
    expect(() => m.forward(source, tensor([[1]], { dtype: 'int32' }))).toThrow("EncoderDecoder: expected an encoder final state of widths [6] (the decoder's), got [[1, 4]]");
    expect(() => model(0).forward(source, tensor([1, 2], { dtype: 'int32' }))).toThrow('EncoderDecoder: expected int32 targets [T_out, batch], got int32 [2]');
  });
});
