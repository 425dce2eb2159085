// CTC live: a bidirectional GRU reads synthetic "words" of 2–4 symbols, each symbol drawn as 2–3
// noisy frames, and learns with CTC which symbols were written, without frame labels. The heatmap
// shows its frame-wise posteriors for one word; greedy decodings are listed against the truth.
import { Generator, type Tensor, exp, tensor } from '@recurrent/tensor';
import { backward, logSoftmax, noGrad, reshape } from '@recurrent/autograd';
import { GRU, Linear, ctcGreedyDecode, ctcLoss } from '@recurrent/layers';
import { Adam } from '@recurrent/optim';
import type { Demo } from './protocol';
import type { DemoContext } from './registry';

const labels = 'abcd';
const classes = labels.length + 1; // blank 0
const features = 8;
const batch = 16;
const hiddenSize = 24;

export function createCtcDemo({ seed }: DemoContext): Demo {
  const generator = new Generator(seed);
  // Each symbol has a fixed random "glyph" vector; frames are the glyph plus noise.
  const glyphs = Array.from({ length: classes }, () => Array.from({ length: features }, () => generator.uniformIn(-1, 1)));
  const gru = new GRU({ inputSize: features, hiddenSize, bidirectional: true, generator });
  const head = new Linear({ inFeatures: 2 * hiddenSize, outFeatures: classes, generator });
  const optimizer = new Adam([...gru.parameters(), ...head.parameters()], { lr: 1e-2 });

  function makeBatch(size: number) {
    const words = Array.from({ length: size }, () => Array.from({ length: 2 + generator.integer(3) }, () => 1 + generator.integer(labels.length)));
    const frames = words.map((word) => word.flatMap((symbol) => Array.from({ length: 2 + generator.integer(2) }, () => symbol)));
    const steps = Math.max(...frames.map((f) => f.length));
    const x = new Float32Array(steps * size * features);
    frames.forEach((sequence, b) =>
      sequence.forEach((symbol, t) => {
        for (let k = 0; k < features; k++) x[(t * size + b) * features + k] = glyphs[symbol][k] + 0.3 * generator.normal();
      }),
    );
    const targets = new Int32Array(size * 4);
    words.forEach((word, b) => word.forEach((symbol, u) => (targets[b * 4 + u] = symbol)));
    return {
      x: tensor(x, { shape: [steps, size, features] }),
      targets: tensor(targets, { shape: [size, 4], dtype: 'int32' }),
      inputLengths: frames.map((f) => f.length),
      targetLengths: words.map((w) => w.length),
      words,
      steps,
    };
  }

  function logProbabilities(x: Tensor, lengths: number[], steps: number, size: number) {
    const { output } = gru.forward(x, { lengths });
    const logits = head.forward(reshape(output, [steps * size, 2 * hiddenSize]));
    return logSoftmax(reshape(logits, [steps, size, classes]), -1);
  }

  const probe = makeBatch(8);
  const spell = (word: number[]) => word.map((symbol) => labels[symbol - 1]).join('');
  return {
    round() {
      let total = 0;
      const rounds = 4;
      for (let i = 0; i < rounds; i++) {
        const data = makeBatch(batch);
        optimizer.zeroGrad();
        const loss = ctcLoss(logProbabilities(data.x, data.inputLengths, data.steps, batch), data.targets, data.inputLengths, data.targetLengths, { blank: 0 });
        backward(loss);
        optimizer.step();
        total += loss.item();
      }
      return noGrad(() => {
        const logProbs = logProbabilities(probe.x, probe.inputLengths, probe.steps, 8).value;
        const decoded = ctcGreedyDecode(logProbs, { blank: 0, inputLengths: probe.inputLengths });
        const posteriors = exp(logProbs);
        const frames = probe.inputLengths[0];
        const values = Array.from({ length: classes }, (_, c) => Array.from({ length: frames }, (_, t) => posteriors.data[(t * 8 + 0) * classes + c]));
        const correct = decoded.filter((d, b) => spell(d) === spell(probe.words[b])).length;
        return {
          steps: rounds,
          loss: total / rounds,
          report: {
            heatmap: [{ title: `posteriors for "${spell(probe.words[0])}" (${frames} frames)`, rows: ['∅', ...labels], values }],
            lines: probe.words.map((word, b) => `truth ${spell(word).padEnd(4)}  greedy ${spell(decoded[b]) || '(empty)'}`),
            metric: { name: 'words read correctly', value: correct / 8 },
          },
        };
      });
    },
  };
}
