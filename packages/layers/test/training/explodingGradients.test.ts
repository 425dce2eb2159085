// Exploding gradients (Pascanu et al., 2013): an Elman network whose recurrent weights start with
// scaled up 1.6× from PyTorch's initialisation, trained with plain SGD (lr 0.2) on the adding
// problem (10 steps). Without clipping a step with an enormous gradient throws the weights away and
// the loss becomes NaN; with clipGradNorm(1) (same seed, same batches, same learning rate) every
// step is bounded and the test loss falls below 1/6, the best constant prediction's.
import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, tensor } from '@recurrent/tensor';
import { backward, mseLoss, noGrad, reshape } from '@recurrent/autograd';
import { SGD, clipGradNorm } from '@recurrent/optim';
import { Linear } from '../../src/linear.js';
import { RNN } from '../../src/rnn.js';

const steps = 10, hidden = 24, batch = 32;

function addingBatch(generator: Generator, size = batch): { x: Tensor; y: Tensor } {
  const x = new Float32Array(steps * size * 2);
  const y = new Float32Array(size);
  for (let b = 0; b < size; b++) {
    const first = generator.integer(steps / 2), second = steps / 2 + generator.integer(steps / 2);
    for (let t = 0; t < steps; t++) {
      const value = generator.uniform();
      x[(t * size + b) * 2] = value;
      if (t === first || t === second) {
        x[(t * size + b) * 2 + 1] = 1;
        y[b] += value;
      }
    }
  }
  return { x: tensor(x, { shape: [steps, size, 2] }), y: tensor(y, { shape: [size, 1] }) };
}

/** Trains from the same initialisation and batches; returns the test losses and the gradient norms per step. */
function trainElman(options: { clip: number | null; iterations: number; lr: number; scale: number }) {
  const generator = new Generator(5);
  const rnn = new RNN({ inputSize: 2, hiddenSize: hidden, generator });
  const head = new Linear({ inFeatures: hidden, outFeatures: 1, generator });
  // recurrent weights scaled up, so the products of step Jacobians can grow with the length
  const weightHh = rnn.namedParameters().find(([name]) => name === 'weight_hh_l0')![1];
  for (let i = 0; i < weightHh.size; i++) weightHh.value.data[i] *= options.scale;
  const parameters = [...rnn.parameters(), ...head.parameters()];
  const optimizer = new SGD(parameters, { lr: options.lr });
  const predict = (x: Tensor) => head.forward(reshape(rnn.forward(x).h_n, [-1, hidden]));
  const test = addingBatch(new Generator(99), 256);
  const data = new Generator(6);
  const norms: number[] = [];
  const losses: number[] = [noGrad(() => mseLoss(predict(test.x), test.y).item())];
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    const { x, y } = addingBatch(data);
    optimizer.zeroGrad();
    backward(mseLoss(predict(x), y));
    norms.push(options.clip === null ? clipGradNorm(parameters, Infinity) : clipGradNorm(parameters, options.clip));
    optimizer.step();
    if ((iteration + 1) % 50 === 0) losses.push(noGrad(() => mseLoss(predict(test.x), test.y).item()));
  }
  return { losses, norms };
}

describe('training: exploding gradients and clipGradNorm', () => {
  it('the same Elman network, seed and batches: diverges without clipping, converges with clipGradNorm(1)', () => {
    const settings = { iterations: 600, lr: 0.2, scale: 1.6 };
    const free = trainElman({ ...settings, clip: null });
    const clipped = trainElman({ ...settings, clip: 1 });
    expect(free.losses[0]).toBe(clipped.losses[0]); // the same start
    expect(Number.isFinite(free.losses.at(-1)!)).toBe(false);
    expect(free.norms.some((norm) => !(norm < 1e3))).toBe(true);
    expect(clipped.losses.every(Number.isFinite)).toBe(true);
    expect(clipped.losses.at(-1)!).toBeLessThan(1 / 6);
    expect(clipped.losses.at(-1)!).toBeLessThan(0.3 * clipped.losses[0]);
  });
});
