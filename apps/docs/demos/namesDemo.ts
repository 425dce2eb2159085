// A character-level language model on English first names: Embedding → GRU → Linear, cross
// entropy on the next character, Adam; samples drawn with temperature after each round.
import { Generator, type Tensor, softmax, tensor } from '@recurrent/tensor';
import { backward, crossEntropy, noGrad, reshape } from '@recurrent/autograd';
import { Embedding, GRU, Linear } from '@recurrent/layers';
import { Adam, clipGradNorm } from '@recurrent/optim';
import type { Demo } from './protocol';
import type { DemoContext } from './registry';

const alphabet = '.abcdefghijklmnopqrstuvwxyz'; // '.' begins and ends every name
const vocabulary = alphabet.length;
const hiddenSize = 64;
const batch = 32;

async function loadNames(): Promise<string[]> {
  const url = new URL('/data/names.json', self.location.origin);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`names demo: expected /data/names.json, got HTTP ${response.status}`);
  const { names } = (await response.json()) as { names: string[] };
  return names.filter((name) => name.length <= 12);
}

export async function createNamesDemo({ seed }: DemoContext): Promise<Demo> {
  const names = await loadNames();
  const generator = new Generator(seed);
  const embedding = new Embedding({ numEmbeddings: vocabulary, embeddingDim: 16, generator });
  const gru = new GRU({ inputSize: 16, hiddenSize, batchFirst: true, generator });
  const head = new Linear({ inFeatures: hiddenSize, outFeatures: vocabulary, generator });
  const parameters = [...embedding.parameters(), ...gru.parameters(), ...head.parameters()];
  const optimizer = new Adam(parameters, { lr: 5e-3 });

  /** A batch: inputs `.name` and targets `name.`, padded with '.', ignored past each end. */
  function makeBatch(): { inputs: Tensor; targets: Tensor; lengths: number[]; steps: number } {
    const picked = Array.from({ length: batch }, () => names[generator.integer(names.length)]);
    const steps = Math.max(...picked.map((n) => n.length)) + 1;
    const inputs = new Int32Array(batch * steps);
    const targets = new Int32Array(batch * steps).fill(-100);
    picked.forEach((name, b) => {
      const codes = [...name].map((ch) => alphabet.indexOf(ch));
      [0, ...codes].forEach((code, t) => (inputs[b * steps + t] = code));
      [...codes, 0].forEach((code, t) => (targets[b * steps + t] = code));
    });
    return {
      inputs: tensor(inputs, { shape: [batch, steps] }),
      targets: tensor(targets, { shape: [batch * steps] }),
      lengths: picked.map((n) => n.length + 1),
      steps,
    };
  }

  function sample(temperature: number): string {
    return noGrad(() => {
      let h: Tensor | null = null;
      let code = 0;
      let name = '';
      for (let t = 0; t < 16; t++) {
        const x = embedding.forward(tensor([code], { shape: [1, 1], dtype: 'int32' }));
        const { output, h_n } = gru.forward(x, { h0: h });
        h = h_n.value;
        const logits = head.forward(reshape(output, [1, hiddenSize])).value;
        const probabilities = softmax(tensor(logits.data.map((v) => v / temperature), { shape: [vocabulary] }));
        let u = generator.uniform();
        code = 0;
        for (let k = 0; k < vocabulary; k++) {
          u -= probabilities.data[k];
          if (u <= 0) { code = k; break; }
        }
        if (code === 0) break;
        name += alphabet[code];
      }
      return name;
    });
  }

  return {
    round() {
      let total = 0;
      const steps = 4;
      for (let i = 0; i < steps; i++) {
        const { inputs, targets, lengths, steps: length } = makeBatch();
        optimizer.zeroGrad();
        const { output } = gru.forward(embedding.forward(inputs), { lengths });
        const logits = head.forward(reshape(output, [batch * length, hiddenSize]));
        const loss = crossEntropy(logits, targets);
        backward(loss);
        clipGradNorm(parameters, 1);
        optimizer.step();
        total += loss.item();
      }
      return {
        steps,
        loss: total / steps,
        report: { lines: ['samples (temperature 0.8):', ...Array.from({ length: 6 }, () => sample(0.8) || '(empty)')] },
      };
    },
  };
}
