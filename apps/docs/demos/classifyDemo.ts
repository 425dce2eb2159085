// Sequence classification on the embedded Reber grammar: valid strings against strings with one
// symbol replaced so that they break the grammar (sometimes only its long-range rule: the
// second-to-last symbol must repeat the second). An LSTM reads the one-hot symbols and a linear
// layer classifies each sequence's own last state.
import { Generator, tensor } from '@recurrent/tensor';
import { backward, binaryCrossEntropyWithLogits, noGrad, reshape } from '@recurrent/autograd';
import { embeddedReberNextSymbols, embeddedReberString, padFeatures, reberSymbols } from '@recurrent/data';
import { LSTM, Linear } from '@recurrent/layers';
import { Adam } from '@recurrent/optim';
import type { Demo } from './protocol';
import type { DemoContext } from './registry';

const symbols = reberSymbols.length;
const hiddenSize = 24;
const batch = 32;

export function createClassifyDemo({ seed }: DemoContext): Demo {
  const generator = new Generator(seed);
  const lstm = new LSTM({ inputSize: symbols, hiddenSize, batchFirst: true, generator });
  const head = new Linear({ inFeatures: hiddenSize, outFeatures: 1, generator });
  const optimizer = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-2 });

  const valid = (text: string) => {
    try {
      embeddedReberNextSymbols(text);
      return true;
    } catch {
      return false;
    }
  };

  /** Half valid strings, half with one symbol replaced so that the string breaks the grammar. */
  function makeBatch(size: number) {
    const strings: string[] = [];
    const labels = new Float32Array(size);
    for (let b = 0; b < size; b++) {
      let text = embeddedReberString(generator);
      if (b % 2 === 1) {
        const original = text;
        while (valid(text)) {
          const at = 1 + generator.integer(original.length - 1);
          text = original.slice(0, at) + reberSymbols[generator.integer(symbols)] + original.slice(at + 1);
        }
      } else labels[b] = 1;
      strings.push(text);
    }
    const oneHot = strings.map((text) => {
      const x = new Float32Array(text.length * symbols);
      [...text].forEach((ch, t) => (x[t * symbols + reberSymbols.indexOf(ch)] = 1));
      return x;
    });
    const padded = padFeatures(oneHot, symbols, { batchFirst: true });
    return { x: padded.data, lengths: Array.from(padded.lengths.data), labels: tensor(labels, { shape: [size, 1] }) };
  }

  const logitsOf = (data: ReturnType<typeof makeBatch>) =>
    head.forward(reshape(lstm.forward(data.x, { lengths: data.lengths }).h_n, [data.lengths.length, hiddenSize]));

  const probe = makeBatch(200);
  return {
    round() {
      let total = 0;
      const rounds = 5;
      for (let i = 0; i < rounds; i++) {
        const data = makeBatch(batch);
        optimizer.zeroGrad();
        const loss = binaryCrossEntropyWithLogits(logitsOf(data), data.labels);
        backward(loss);
        optimizer.step();
        total += loss.item();
      }
      const accuracy = noGrad(() => {
        const logits = logitsOf(probe).value.data;
        let correct = 0;
        for (let b = 0; b < logits.length; b++) if ((logits[b] > 0 ? 1 : 0) === probe.labels.data[b]) correct++;
        return correct / logits.length;
      });
      return { steps: rounds, loss: total / rounds, report: { metric: { name: 'held-out accuracy', value: accuracy } } };
    },
  };
}
