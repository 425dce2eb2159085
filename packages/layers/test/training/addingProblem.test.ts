// Many-to-one: the adding problem (Hochreiter & Schmidhuber, 1997). Each step carries a value in
// [0, 1) and a marker; the target is the sum of the two marked values. Predicting the mean (1)
// gives an MSE of Var(u₁ + u₂) = 1/6 ≈ 0.167; the trained model must get below 0.01.
import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, tensor } from '@recurrent/tensor';
import { backward, mseLoss, noGrad } from '@recurrent/autograd';
import { GRUCell } from '@recurrent/cells';
import { Adam } from '@recurrent/optim';
import { Linear } from '../../src/linear.js';
import { Recurrent } from '../../src/recurrent.js';

/** A batch `[T, B, 2]` of (value, marker) steps and targets `[B, 1]`. */
function addingBatch(steps: number, batch: number, generator: Generator): { x: Tensor; y: Tensor } {
  const x = new Float32Array(steps * batch * 2);
  const y = new Float32Array(batch);
  for (let b = 0; b < batch; b++) {
    const first = generator.integer(Math.floor(steps / 2));
    const second = Math.floor(steps / 2) + generator.integer(steps - Math.floor(steps / 2));
    for (let t = 0; t < steps; t++) {
      const value = generator.uniform();
      x[(t * batch + b) * 2] = value;
      if (t === first || t === second) {
        x[(t * batch + b) * 2 + 1] = 1;
        y[b] += value;
      }
    }
  }
  return { x: tensor(x, { shape: [steps, batch, 2] }), y: tensor(y, { shape: [batch, 1] }) };
}

describe('training: adding problem (many-to-one)', () => {
  it('a GRU run by Recurrent, read out at the last step, gets the MSE below 0.01', () => {
    const generator = new Generator(1);
    const layer = new Recurrent(new GRUCell({ inputSize: 2, hiddenSize: 12, generator }));
    const head = new Linear({ inFeatures: 12, outFeatures: 1, generator });
    const parameters = [...layer.parameters(), ...head.parameters()];
    const optimizer = new Adam(parameters, { lr: 0.02 });
    const predict = (x: Tensor) => head.forward(layer.forward(x).state[0]);
    const test = addingBatch(8, 256, new Generator(99));
    const before = noGrad(() => mseLoss(predict(test.x), test.y).item());
    for (let iteration = 0; iteration < 300; iteration++) {
      const { x, y } = addingBatch(8, 32, generator);
      optimizer.zeroGrad();
      backward(mseLoss(predict(x), y));
      optimizer.step();
    }
    const after = noGrad(() => mseLoss(predict(test.x), test.y).item());
    expect(before).toBeGreaterThan(0.1);
    expect(after).toBeLessThan(0.01);
  });
});
