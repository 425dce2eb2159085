// The bundle's encoder–decoders against the library on models of drawn weights (no training):
// every attention score, LSTM and GRU encoders and decoders, input feeding on and off, an
// EncoderDecoder of cells and of a one-layer Stacked. Logits within 1e-5, the same greedy tokens.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type Module, noGrad } from '@recurrent/autograd';
import { GRUCell, LSTMCell, RNNCell } from '@recurrent/cells';
import { Attention, AttentionEncoderDecoder, Embedding, EncoderDecoder, GRU, LSTM, Linear, Stacked, encodeModel } from '@recurrent/layers';
import { Generator, randn, tensor } from '@recurrent/tensor';
import { bundleSource } from './writeBundle.js';

const folder = mkdtempSync(join(tmpdir(), 'recurrent-seq2seq-bundle-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Seq2SeqBundle {
  forward(source: number[], targets: number[]): { logits: Float32Array[]; weights: Float32Array[] };
  greedy(source: number[], maxLength: number): { ids: number[] };
}

/** Parameters drawn from N(0, 1) (larger than initialisation, so every path matters). */
function drawn<M extends Module>(module: M, seed: number): M {
  module.parameters().forEach((parameter, k) => parameter.set(randn(parameter.shape, new Generator(seed + k)).data));
  return module;
}

async function bundleOf(model: Module, name: string): Promise<Seq2SeqBundle> {
  const path = join(folder, `${name}.js`);
  const { source, codeBytes } = bundleSource(encodeModel(model), { weights: 'embedded' });
  expect(codeBytes).toBeLessThan(40 * 1024);
  writeFileSync(path, source);
  return ((await import(pathToFileURL(path).href)) as { model: Seq2SeqBundle }).model;
}

const V = 9, E = 4, sources = [[1, 2, 3, 4, 5], [6, 2], [8, 8, 7]], targets = [3, 1, 4, 1, 5, 2];
const column = (ids: number[]) => tensor(ids.map((id) => [id]), { dtype: 'int32' });
const worst = (rows: ArrayLike<number>[], flat: ArrayLike<number>, width: number) => Math.max(...rows.flatMap((row, t) => Array.from(row, (v, k) => Math.abs(v - flat[t * width + k]))));

describe('bundle: greedy seq2seq decoding equals the library', () => {
  const attentional = [
    ['general', 'LSTM', true], ['dot', 'GRU', false], ['concat', 'GRU', true], ['additive', 'LSTM', false],
  ] as const;
  it.each(attentional)('AttentionEncoderDecoder, %s score, %s encoder and decoder, input feeding %s', async (score, cell, inputFeeding) => {
    const H = 3, K = 2 * H, Hd = score === 'dot' ? K : 5, C = 4;
    const Layer = cell === 'LSTM' ? LSTM : GRU, Cell = cell === 'LSTM' ? LSTMCell : GRUCell;
    const model = drawn(new AttentionEncoderDecoder({
      sourceEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: E }), encoder: new Layer({ inputSize: E, hiddenSize: H, numLayers: 2, bidirectional: true }),
      bridge: new Linear({ inFeatures: K, outFeatures: Hd }), targetEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: E }),
      decoder: new Cell({ inputSize: E + (inputFeeding ? C : 0), hiddenSize: Hd }),
      attention: new Attention({ score, querySize: Hd, keySize: K, attentionSize: score === 'dot' ? undefined : 3 }),
      combine: new Linear({ inFeatures: K + Hd, outFeatures: C, bias: false }), projection: new Linear({ inFeatures: C, outFeatures: V }),
      inputFeeding, bos: 0, eos: 2,
    }), 5);
    model.eval();
    const bundle = await bundleOf(model, `attention-${score}`);
    for (const source of sources) {
      const library = noGrad(() => model.forward(column(source), column(targets)));
      const mine = bundle.forward(source, targets);
      expect(worst(mine.logits, library.logits.value.data, V)).toBeLessThan(1e-5);
      expect(worst(mine.weights, library.weights.value.data, source.length)).toBeLessThan(1e-5);
      expect(bundle.greedy(source, 12).ids).toEqual(noGrad(() => model.greedyDecode(column(source), { maxLength: 12 }).tokens[0]));
    }
  });

  const plain = [
    ['Recurrent(LSTMCell)', () => new LSTMCell({ inputSize: E, hiddenSize: 5 }), () => new LSTMCell({ inputSize: E, hiddenSize: 5 })],
    ['Stacked([GRUCell])', () => new Stacked([new GRUCell({ inputSize: E, hiddenSize: 5 })]), () => new GRUCell({ inputSize: E, hiddenSize: 5 })],
    ['Recurrent(RNNCell)', () => new RNNCell({ inputSize: E, hiddenSize: 5 }), () => new RNNCell({ inputSize: E, hiddenSize: 5 })],
  ] as const;
  it.each(plain)('EncoderDecoder, %s encoder', async (name, encoder, decoder) => {
    const model = drawn(new EncoderDecoder({
      sourceEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: E }), encoder: encoder(), decoder: decoder(),
      targetEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: E }), projection: new Linear({ inFeatures: 5, outFeatures: V }), bos: 0, eos: 2,
    }), 9);
    model.eval();
    const bundle = await bundleOf(model, `seq2seq-${name.replace(/\W/g, '')}`);
    for (const source of sources) {
      const library = noGrad(() => model.forward(column(source), column(targets)));
      expect(worst(bundle.forward(source, targets).logits, library.value.data, V)).toBeLessThan(1e-5);
      expect(bundle.greedy(source, 12).ids).toEqual(noGrad(() => model.greedyDecode(column(source), { maxLength: 12 })[0]));
    }
  });
});
