// Forecasting the Mackey–Glass series: windows of 32 past values → the next value, an LSTM read
// out from its last state, Adam; normalisation fitted on the training part only. The plot shows
// one-step predictions against the truth on held-out steps.
import { Generator, tensor } from '@recurrent/tensor';
import { backward, mseLoss, noGrad, reshape } from '@recurrent/autograd';
import { mackeyGlass } from '@recurrent/data';
import { LSTM, Linear } from '@recurrent/layers';
import { Adam } from '@recurrent/optim';
import type { Demo } from './protocol';
import type { DemoContext } from './registry';

const window = 32;
const hiddenSize = 32;
const batch = 32;

export function createForecastDemo({ seed }: DemoContext): Demo {
  const generator = new Generator(seed);
  const raw = mackeyGlass({ length: 1200, discard: 300 });
  const split = 900;
  let mean = 0;
  for (let i = 0; i < split; i++) mean += raw[i] / split;
  let variance = 0;
  for (let i = 0; i < split; i++) variance += (raw[i] - mean) ** 2 / split;
  const scale = Math.sqrt(variance);
  const series = raw.map((v) => (v - mean) / scale);

  const lstm = new LSTM({ inputSize: 1, hiddenSize, batchFirst: true, generator });
  const head = new Linear({ inFeatures: hiddenSize, outFeatures: 1, generator });
  const optimizer = new Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-2 });

  function windows(starts: number[]) {
    const x = new Float32Array(starts.length * window);
    const y = new Float32Array(starts.length);
    starts.forEach((start, b) => {
      x.set(series.subarray(start, start + window), b * window);
      y[b] = series[start + window];
    });
    return { x: tensor(x, { shape: [starts.length, window, 1] }), y: tensor(y, { shape: [starts.length, 1] }) };
  }
  // h_n is [1, batch, H] (one layer, one direction): the last state of each window.
  const predict = (x: ReturnType<typeof windows>['x']) => head.forward(reshape(lstm.forward(x).h_n, [x.shape[0], hiddenSize]));

  const testStarts = Array.from({ length: 120 }, (_, i) => split + i);
  return {
    round() {
      let total = 0;
      const rounds = 5;
      for (let i = 0; i < rounds; i++) {
        const { x, y } = windows(Array.from({ length: batch }, () => generator.integer(split - window - 1)));
        optimizer.zeroGrad();
        const loss = mseLoss(predict(x), y);
        backward(loss);
        optimizer.step();
        total += loss.item();
      }
      const { truth, prediction } = noGrad(() => {
        const { x, y } = windows(testStarts);
        return { truth: Array.from(y.data), prediction: Array.from(predict(x).value.data) };
      });
      const at = testStarts.map((s) => s + window);
      const error = Math.sqrt(truth.reduce((acc, v, i) => acc + (v - prediction[i]) ** 2, 0) / truth.length);
      return {
        steps: rounds,
        loss: total / rounds,
        report: {
          series: [
            { label: 'truth', x: at, y: truth },
            { label: 'prediction', x: at, y: prediction },
          ],
          seriesAxes: { x: 'time', y: 'normalised value' },
          metric: { name: 'held-out RMSE (normalised)', value: error },
        },
      };
    },
  };
}
