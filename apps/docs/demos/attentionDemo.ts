// Grapheme-to-phoneme with attention (CMUdict words of 4–8 letters, learning.md's split): a
// bidirectional GRU encoder over the letters, a GRU decoder with Luong's general attention and
// input feeding, trained live with Adam. The heatmaps show, for validation words decoded greedily,
// where each output phoneme looked among the letters.
import { Generator, tensor } from '@recurrent/tensor';
import { backward, crossEntropy, noGrad, reshape } from '@recurrent/autograd';
import { GRUCell } from '@recurrent/cells';
import { Attention, AttentionEncoderDecoder, Embedding, GRU, Linear } from '@recurrent/layers';
import { Adam } from '@recurrent/optim';
import type { Demo } from './protocol';
import type { DemoContext } from './registry';

const H = 32, E = 16, batch = 32;
const probes = ['phone', 'through', 'attention'];

export async function createAttentionDemo({ seed }: DemoContext): Promise<Demo> {
  const response = await fetch(new URL('/data/cmudict.json', self.location.origin));
  if (!response.ok) throw new Error(`attention demo: expected /data/cmudict.json, got HTTP ${response.status}`);
  const data = (await response.json()) as { train: [string, string][]; validation: [string, string][] };
  const phonemes = ['</w>', ...[...new Set(data.train.flatMap(([, p]) => p.split(' ')))].sort()];
  const phonemeId = new Map(phonemes.map((p, k) => [p, k]));
  const letterId = (c: string) => c.charCodeAt(0) - 96; // a–z → 1–26, 0 pads
  const V = phonemes.length + 1; // and a start id
  const generator = new Generator(seed);
  const model = new AttentionEncoderDecoder({
    sourceEmbedding: new Embedding({ numEmbeddings: 27, embeddingDim: E, generator }),
    encoder: new GRU({ inputSize: E, hiddenSize: H, bidirectional: true, generator }),
    bridge: new Linear({ inFeatures: 2 * H, outFeatures: H, generator }),
    targetEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: E, generator }),
    decoder: new GRUCell({ inputSize: E + H, hiddenSize: H, generator }),
    attention: new Attention({ score: 'general', querySize: H, keySize: 2 * H, generator }),
    combine: new Linear({ inFeatures: 3 * H, outFeatures: H, bias: false, generator }),
    projection: new Linear({ inFeatures: H, outFeatures: V, generator }),
    inputFeeding: true, bos: V - 1, eos: 0,
  });
  const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
  const letters = (words: string[]) => {
    const T = Math.max(...words.map((w) => w.length)), B = words.length;
    const ids = new Int32Array(T * B);
    words.forEach((w, b) => [...w].forEach((c, t) => (ids[t * B + b] = letterId(c))));
    return { source: tensor(ids, { shape: [T, B], dtype: 'int32' }), lengths: words.map((w) => w.length) };
  };
  return {
    round() {
      let total = 0;
      const rounds = 2;
      for (let i = 0; i < rounds; i++) {
        const pairs = Array.from({ length: batch }, () => data.train[generator.integer(data.train.length)]);
        const targetsOf = pairs.map(([, p]) => p.split(' ').map((s) => phonemeId.get(s)!));
        const steps = Math.max(...targetsOf.map((t) => t.length)) + 1;
        const fed = new Int32Array(steps * batch), targets = new Int32Array(steps * batch).fill(-100);
        targetsOf.forEach((ids, b) => {
          ids.forEach((id, t) => (fed[t * batch + b] = targets[t * batch + b] = id));
          targets[ids.length * batch + b] = 0;
        });
        const { source, lengths } = letters(pairs.map(([w]) => w));
        const { logits } = model.forward(source, tensor(fed, { shape: [steps, batch], dtype: 'int32' }), { sourceLengths: lengths });
        const loss = crossEntropy(reshape(logits, [steps * batch, V]), tensor(targets, { shape: [steps * batch], dtype: 'int32' }));
        optimizer.zeroGrad();
        backward(loss);
        optimizer.step();
        total += loss.item();
      }
      const { tokens, weights } = noGrad(() => {
        const { source, lengths } = letters(probes);
        return model.greedyDecode(source, { maxLength: 12, sourceLengths: lengths });
      });
      // A fixed number of rows per word (output steps 1 … length + 2, zeros past the decoded end),
      // so the chart's row labels stay put from round to round; the phonemes are in the title.
      const heatmap = probes.map((word, b) => {
        const rows = word.length + 2;
        return {
          title: `${word} → ${tokens[b].slice(0, rows).map((id) => phonemes[id]).join(' ') || '(nothing yet)'} (columns: ${[...word].join(' ')})`,
          rows: Array.from({ length: rows }, (_, t) => `output ${t + 1}`),
          values: Array.from({ length: rows }, (_, t) => weights[b][t]?.slice(0, word.length) ?? new Array<number>(word.length).fill(0)),
        };
      });
      return { steps: rounds, loss: total / rounds, report: { heatmap } };
    },
  };
}
