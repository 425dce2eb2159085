// Forecasting US daily births (SSA 2000–2014) 28 days ahead: an LSTM reads the last 28 days
// (births / the training mean, day of week), and for each target day a small MLP reads its state
// with the target's day of week, the value 364 days earlier and the value a whole number of weeks
// earlier, predicting a correction to the 364-day value. Trained on origins in 2000–2012; the
// plot shows one 2014 origin's 28-day forecast against the truth and both baselines, the metric
// the mean absolute error over all 2014 origins against the better baseline's.
import { Generator, tensor } from '@recurrent/tensor';
import { add, backward, concat, expand, l1Loss, noGrad, reshape, tanh } from '@recurrent/autograd';
import { LSTM, Linear } from '@recurrent/layers';
import { Adam } from '@recurrent/optim';
import type { Demo } from './protocol';
import type { DemoContext } from './registry';

const horizon = 28, window = 28, hiddenSize = 24, batch = 32;

export async function createBirthsDemo({ seed }: DemoContext): Promise<Demo> {
  const response = await fetch(new URL('/data/births.json', self.location.origin));
  if (!response.ok) throw new Error(`births demo: expected /data/births.json, got HTTP ${response.status}`);
  const data = (await response.json()) as { births: number[]; dayOfWeek: number[] };
  const y = data.births, weekday = data.dayOfWeek;
  const trainEnd = 4749; // 2000-01-01 … 2012-12-31
  const testStart = 5114; // 2014-01-01
  const train = Array.from({ length: trainEnd - horizon - 364 }, (_, k) => 364 + k);
  const test = Array.from({ length: y.length - horizon - (testStart - 1) }, (_, k) => testStart - 1 + k);
  const mean = train.reduce((a, t) => a + y[t], 0) / train.length;
  const sameWeekday = (t: number, h: number) => y[t + h - 7 * Math.ceil(h / 7)];
  const yearEarlier = (t: number, h: number) => y[t + h - 364];

  const generator = new Generator(seed);
  const lstm = new LSTM({ inputSize: 8, hiddenSize, generator });
  const hidden = new Linear({ inFeatures: hiddenSize + 7 + 3, outFeatures: 32, generator });
  const output = new Linear({ inFeatures: 32, outFeatures: 1, generator });
  const optimizer = new Adam([...lstm.parameters(), ...hidden.parameters(), ...output.parameters()], { lr: 3e-3 });

  function predict(origins: number[]) {
    const B = origins.length;
    const past = new Float32Array(window * B * 8);
    const features = new Float32Array(B * horizon * 10);
    const base = new Float32Array(B * horizon);
    const target = new Float32Array(B * horizon);
    origins.forEach((t, b) => {
      for (let k = 0; k < window; k++) {
        const s = t - window + 1 + k, o = (k * B + b) * 8;
        past[o] = y[s] / mean;
        past[o + weekday[s]] = 1;
      }
      for (let h = 1; h <= horizon; h++) {
        const r = b * horizon + h - 1;
        features[r * 10 + weekday[t + h] - 1] = 1;
        features.set([yearEarlier(t, h) / mean, sameWeekday(t, h) / mean, h / horizon], r * 10 + 7);
        base[r] = yearEarlier(t, h) / mean;
        target[r] = y[t + h] / mean;
      }
    });
    const { h_n } = lstm.forward(tensor(past, { shape: [window, B, 8] }));
    const state = reshape(expand(reshape(h_n, [B, 1, hiddenSize]), [B, horizon, hiddenSize]), [B * horizon, hiddenSize]);
    const rows = concat([state, tensor(features, { shape: [B * horizon, 10] })], 1);
    const forecast = add(reshape(output.forward(tanh(hidden.forward(rows))), [B * horizon]), tensor(base, { shape: [B * horizon] }));
    return { forecast, target: tensor(target, { shape: [B * horizon] }) };
  }

  const mae = (origins: number[], f: (t: number, h: number, b: number) => number) => {
    let total = 0;
    origins.forEach((t, b) => {
      for (let h = 1; h <= horizon; h++) total += Math.abs(f(t, h, b) - y[t + h]);
    });
    return total / (origins.length * horizon);
  };
  const better = Math.min(mae(test, sameWeekday), mae(test, yearEarlier));
  const shown = testStart - 1 + 316; // forecasts made on 2014-11-12: Thanksgiving falls inside
  return {
    round() {
      let total = 0;
      const rounds = 4;
      for (let i = 0; i < rounds; i++) {
        const { forecast, target } = predict(Array.from({ length: batch }, () => train[generator.integer(train.length)]));
        optimizer.zeroGrad();
        const loss = l1Loss(forecast, target);
        backward(loss);
        optimizer.step();
        total += loss.item();
      }
      const predicted = noGrad(() => predict(test).forecast.value.data);
      const model = mae(test, (_t, h, b) => predicted[b * horizon + h - 1] * mean);
      const at = Array.from({ length: horizon }, (_, k) => k + 1);
      const row = test.indexOf(shown);
      return {
        steps: rounds,
        loss: total / rounds,
        report: {
          series: [
            { label: 'truth', x: at, y: at.map((h) => y[shown + h]) },
            { label: 'LSTM forecast', x: at, y: at.map((h) => predicted[row * horizon + h - 1] * mean) },
            { label: 'same weekday, last week', x: at, y: at.map((h) => sameWeekday(shown, h)) },
            { label: '364 days earlier', x: at, y: at.map((h) => yearEarlier(shown, h)) },
          ],
          seriesAxes: { x: 'days after 2014-11-12', y: 'births' },
          metric: { name: '2014 MAE / better baseline', value: model / better },
          lines: [`2014 MAE: LSTM ${model.toFixed(1)}, better baseline (364 days earlier) ${better.toFixed(1)} births/day`],
        },
      };
    },
  };
}
