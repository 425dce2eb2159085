// Exploding gradients: two copies of one Elman network (recurrent weights scaled 1.6× from
// PyTorch's initialisation), the same batches of the adding problem, plain SGD with the same
// learning rate; one clips the global gradient norm to 1 (clipGradNorm), the other does not. The
// plot shows each step's gradient norm (before clipping), the loss curve the clipped network's.
import { Generator, type Tensor, tensor } from '@recurrent/tensor';
import { backward, mseLoss, reshape } from '@recurrent/autograd';
import { Linear, RNN } from '@recurrent/layers';
import { SGD, clipGradNorm } from '@recurrent/optim';
import type { Demo } from './protocol';
import type { DemoContext } from './registry';

const steps = 10, hidden = 24, batch = 32;

function addingBatch(generator: Generator): { x: Tensor; y: Tensor } {
  const x = new Float32Array(steps * batch * 2);
  const y = new Float32Array(batch);
  for (let b = 0; b < batch; b++) {
    const first = generator.integer(steps / 2), second = steps / 2 + generator.integer(steps / 2);
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

function elman(seed: number) {
  const generator = new Generator(seed);
  const rnn = new RNN({ inputSize: 2, hiddenSize: hidden, generator });
  const head = new Linear({ inFeatures: hidden, outFeatures: 1, generator });
  const weightHh = rnn.namedParameters().find(([name]) => name === 'weight_hh_l0')![1];
  for (let i = 0; i < weightHh.size; i++) weightHh.value.data[i] *= 1.6;
  const parameters = [...rnn.parameters(), ...head.parameters()];
  return { parameters, optimizer: new SGD(parameters, { lr: 0.2 }), predict: (x: Tensor) => head.forward(reshape(rnn.forward(x).h_n, [-1, hidden])) };
}

export function createClippingDemo({ seed }: DemoContext): Demo {
  const free = elman(seed), clipped = elman(seed);
  const data = new Generator(seed + 1);
  const norms = { free: [] as number[], clipped: [] as number[] };
  let diverged = -1;
  let step = 0;
  const train = (net: ReturnType<typeof elman>, x: Tensor, y: Tensor, clip: number) => {
    net.optimizer.zeroGrad();
    const loss = mseLoss(net.predict(x), y);
    backward(loss);
    const norm = clipGradNorm(net.parameters, clip);
    net.optimizer.step();
    return { loss: loss.item(), norm };
  };
  return {
    round() {
      let total = 0;
      const rounds = 10;
      for (let i = 0; i < rounds; i++) {
        const { x, y } = addingBatch(data);
        const a = train(free, x, y, Infinity);
        const b = train(clipped, x, y, 1);
        step++;
        if (diverged < 0 && !Number.isFinite(a.loss)) diverged = step;
        norms.free.push(Number.isFinite(a.norm) ? a.norm : NaN);
        norms.clipped.push(b.norm);
        total += b.loss;
      }
      const x = norms.clipped.map((_, k) => k + 1);
      return {
        steps: rounds,
        loss: total / rounds,
        report: {
          series: [
            { label: 'gradient norm, no clipping', x, y: norms.free },
            { label: 'gradient norm, clipGradNorm(1)', x, y: norms.clipped },
          ],
          seriesAxes: { x: 'step', y: 'gradient norm (before clipping)' },
          lines: [diverged > 0 ? `without clipping the loss became NaN at step ${diverged}` : 'without clipping: still finite'],
        },
      };
    },
  };
}
