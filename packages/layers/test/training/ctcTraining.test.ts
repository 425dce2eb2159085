// CTC on synthetic label sequences: each label is drawn as a run of 2–3 noisy frames of its own
// channel, with 0–2 silent frames around, so that frame-level alignments are unknown to the
// model. The mean CTC loss (per target label) starts above 1 and must fall below 0.2; greedy
// decoding must then recover at least 90% of held-out label sequences exactly.
import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, tensor } from '@recurrent/tensor';
import { backward, logSoftmax, noGrad } from '@recurrent/autograd';
import { GRUCell } from '@recurrent/cells';
import { Adam } from '@recurrent/optim';
import { Bidirectional } from '../../src/bidirectional.js';
import { ctcGreedyDecode } from '../../src/ctcDecode.js';
import { ctcLoss } from '../../src/ctcLoss.js';
import { Linear } from '../../src/linear.js';

const labels = 3, C = labels + 1, steps = 16, features = labels + 1;

interface Batch {
  x: Tensor;
  targets: number[][];
  inputLengths: number[];
}

function ctcBatch(batch: number, generator: Generator): Batch {
  const x = new Float32Array(steps * batch * features);
  const targets: number[][] = [];
  const inputLengths: number[] = [];
  for (let b = 0; b < batch; b++) {
    const target = Array.from({ length: 1 + generator.integer(3) }, () => 1 + generator.integer(labels));
    let t = generator.integer(2);
    const frame = (channel: number) => {
      for (let f = 0; f < features; f++) x[(t * batch + b) * features + f] = (f === channel ? 1 : 0) + 0.3 * (generator.uniform() - 0.5);
      t++;
    };
    for (let silent = 0; silent < t; silent++) for (let f = 0; f < features; f++) x[(silent * batch + b) * features + f] = f === 0 ? 1 : 0;
    for (const label of target) {
      const run = 2 + generator.integer(2);
      for (let r = 0; r < run; r++) frame(label);
      const gap = generator.integer(2) + (target.length > 1 ? 1 : 0);
      for (let g = 0; g < gap; g++) frame(0);
    }
    targets.push(target);
    inputLengths.push(t);
  }
  return { x: tensor(x, { shape: [steps, batch, features] }), targets, inputLengths };
}

describe('training: CTC on synthetic label sequences', () => {
  it('a bidirectional GRU with a linear head learns to transcribe', () => {
    const generator = new Generator(5);
    const encoder = new Bidirectional(new GRUCell({ inputSize: features, hiddenSize: 12, generator }), new GRUCell({ inputSize: features, hiddenSize: 12, generator }));
    const head = new Linear({ inFeatures: 24, outFeatures: C, generator });
    const optimizer = new Adam([...encoder.parameters(), ...head.parameters()], { lr: 0.03 });
    const logProbsOf = (batch: Batch) => logSoftmax(head.forward(encoder.forward(batch.x, { lengths: batch.inputLengths }).output), -1);
    const lossOf = (batch: Batch) => {
      const padded = batch.targets.map((t) => [...t, ...new Array(3 - t.length).fill(1)]);
      return ctcLoss(logProbsOf(batch), tensor(padded, { dtype: 'int32' }), batch.inputLengths, batch.targets.map((t) => t.length), { blank: 0 });
    };
    const held = ctcBatch(64, new Generator(50));
    const before = noGrad(() => lossOf(held).item());
    for (let iteration = 0; iteration < 120; iteration++) {
      optimizer.zeroGrad();
      backward(lossOf(ctcBatch(24, generator)));
      optimizer.step();
    }
    const after = noGrad(() => lossOf(held).item());
    expect(before).toBeGreaterThan(1);
    expect(after).toBeLessThan(0.2);
    const decoded = noGrad(() => ctcGreedyDecode(logProbsOf(held), { inputLengths: held.inputLengths }));
    const exact = decoded.filter((d, b) => d.join(',') === held.targets[b].join(',')).length;
    expect(exact / held.targets.length).toBeGreaterThanOrEqual(0.9);
  });
});
