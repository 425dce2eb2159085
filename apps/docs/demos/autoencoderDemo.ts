// A sequence auto-encoder of first names: a GRU encoder's final state is each name's fixed code,
// from which a GRU decoder spells the name again (EncoderDecoder, teacher forcing, Adam). The plot
// projects the codes of 300 held-out names on their first two principal components; the lines
// give the held-out exact reconstruction and the nearest neighbours (cosine) of a few names.
import { Generator, tensor } from '@recurrent/tensor';
import { backward, crossEntropy, noGrad, reshape } from '@recurrent/autograd';
import { GRUCell } from '@recurrent/cells';
import { Embedding, EncoderDecoder, Linear } from '@recurrent/layers';
import { Adam } from '@recurrent/optim';
import type { Demo } from './protocol';
import type { DemoContext } from './registry';

const H = 48, E = 16, batch = 32;
const pad = 0, bos = 1, eos = 2; // then a–z as 3–28
const probes = ['anna', 'john', 'maria', 'peter'];

/** The first two principal components of rows (power iteration, each deflated), as coordinates. */
function pca2(rows: number[][]): [number[], number[]] {
  const n = rows.length, d = rows[0].length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + r[j], 0) / n);
  const centred = rows.map((r) => r.map((v, j) => v - mean[j]));
  const components: number[][] = [];
  for (let k = 0; k < 2; k++) {
    let v = Array.from({ length: d }, (_, j) => Math.cos(j + k));
    for (let iteration = 0; iteration < 50; iteration++) {
      const next = new Array<number>(d).fill(0);
      for (const r of centred) {
        const dot = r.reduce((a, x, j) => a + x * v[j], 0);
        for (let j = 0; j < d; j++) next[j] += dot * r[j];
      }
      for (const c of components) {
        const dot = next.reduce((a, x, j) => a + x * c[j], 0);
        for (let j = 0; j < d; j++) next[j] -= dot * c[j];
      }
      const norm = Math.hypot(...next) || 1;
      v = next.map((x) => x / norm);
    }
    components.push(v);
  }
  const project = (c: number[]) => centred.map((r) => r.reduce((a, x, j) => a + x * c[j], 0));
  return [project(components[0]), project(components[1])];
}

export async function createAutoencoderDemo({ seed }: DemoContext): Promise<Demo> {
  const response = await fetch(new URL('/data/names.json', self.location.origin));
  if (!response.ok) throw new Error(`autoencoder demo: expected /data/names.json, got HTTP ${response.status}`);
  const all = ((await response.json()) as { names: string[] }).names.filter((name) => name.length <= 10);
  const held = all.filter((_, k) => k % 10 === 0).slice(0, 300);
  const train = all.filter((_, k) => k % 10 !== 0);
  const generator = new Generator(seed);
  const V = 29;
  const model = new EncoderDecoder({
    sourceEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: E, generator }),
    encoder: new GRUCell({ inputSize: E, hiddenSize: H, generator }),
    decoder: new GRUCell({ inputSize: E, hiddenSize: H, generator }),
    targetEmbedding: new Embedding({ numEmbeddings: V, embeddingDim: E, generator }),
    projection: new Linear({ inFeatures: H, outFeatures: V, generator }),
    bos, eos,
  });
  const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
  const ids = (name: string) => [...name].map((c) => c.charCodeAt(0) - 94);
  const spell = (tokens: number[]) => tokens.map((t) => String.fromCharCode(t + 94)).join('');
  const sourceOf = (names: string[]) => {
    const T = Math.max(...names.map((n) => n.length)), B = names.length;
    const data = new Int32Array(T * B).fill(pad);
    names.forEach((name, b) => ids(name).forEach((id, t) => (data[t * B + b] = id)));
    return { source: tensor(data, { shape: [T, B], dtype: 'int32' }), lengths: names.map((n) => n.length) };
  };
  return {
    round() {
      let total = 0;
      const rounds = 3;
      for (let i = 0; i < rounds; i++) {
        const names = Array.from({ length: batch }, () => train[generator.integer(train.length)]);
        const { source, lengths } = sourceOf(names);
        const T = Math.max(...lengths) + 1;
        const fed = new Int32Array(T * batch).fill(pad), targets = new Int32Array(T * batch).fill(-100);
        names.forEach((name, b) => {
          ids(name).forEach((id, t) => (fed[t * batch + b] = targets[t * batch + b] = id));
          targets[name.length * batch + b] = eos;
        });
        const logits = model.forward(source, tensor(fed, { shape: [T, batch], dtype: 'int32' }), { sourceLengths: lengths });
        const loss = crossEntropy(reshape(logits, [T * batch, V]), tensor(targets, { shape: [T * batch], dtype: 'int32' }));
        optimizer.zeroGrad();
        backward(loss);
        optimizer.step();
        total += loss.item();
      }
      const { codes, exact } = noGrad(() => {
        const { source, lengths } = sourceOf([...held, ...probes]);
        const state = model.encode(source, lengths)[0].value;
        const codes = Array.from({ length: state.shape[0] }, (_, b) => Array.from(state.data.subarray(b * H, (b + 1) * H)));
        const decoded = model.greedyDecode(sourceOf(held).source, { maxLength: 12, sourceLengths: held.map((n) => n.length) });
        return { codes, exact: decoded.filter((tokens, b) => spell(tokens) === held[b]).length / held.length };
      });
      const [x, y] = pca2(codes.slice(0, held.length));
      const groups = [['up to 4 letters', (n: string) => n.length <= 4], ['5–6 letters', (n: string) => n.length === 5 || n.length === 6], ['7 or more', (n: string) => n.length >= 7]] as const;
      const cosine = (a: number[], b: number[]) => a.reduce((s, v, j) => s + v * b[j], 0) / (Math.hypot(...a) * Math.hypot(...b) || 1);
      const neighbours = probes.map((probe, k) => {
        const code = codes[held.length + k];
        const ranked = held.map((name, b) => ({ name, score: cosine(code, codes[b]) })).sort((p, q) => q.score - p.score);
        return `${probe}: ${ranked.slice(0, 5).map((r) => r.name).join(', ')}`;
      });
      return {
        steps: rounds,
        loss: total / rounds,
        report: {
          series: groups.map(([label, test]) => {
            const picked = held.map((name, b) => [name, b] as const).filter(([name]) => test(name));
            return { label, x: picked.map(([, b]) => x[b]), y: picked.map(([, b]) => y[b]), points: true };
          }),
          seriesAxes: { x: 'principal component 1', y: 'principal component 2' },
          metric: { name: 'held-out exact reconstruction', value: exact },
          lines: ['nearest held-out names by code (cosine):', ...neighbours],
        },
      };
    },
  };
}
