import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Generator, randn } from '@recurrent/tensor';
import { noGrad } from '@recurrent/autograd';
import { CalendarForecaster } from './calendarForecaster.js';
import { dailyCalendar, dailyCalendarIO, dailyCalendarInputs } from './dailyCalendarInputs.js';
import { Embedding } from './embedding.js';
import { forecastDaily } from './forecastDaily.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { Linear } from './linear.js';
import { loadModel, saveModel } from './model/loadModel.js';
import { sameBits } from '../test/model/cases.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'model', 'fixtures');

function parts(seed: number, hiddenSize = 6, horizon = 5) {
  const generator = new Generator(seed);
  return {
    rnn: new LSTM({ inputSize: 11, hiddenSize, generator }),
    weekday: new Embedding({ numEmbeddings: 7, embeddingDim: 2, generator }),
    day: new Embedding({ numEmbeddings: 366, embeddingDim: 3, generator }),
    step: new Embedding({ numEmbeddings: horizon, embeddingDim: 2, generator }),
    hidden: new Linear({ inFeatures: hiddenSize + 2 + 3 + 2 + 3, outFeatures: 8, generator }),
    output: new Linear({ inFeatures: 8, outFeatures: 1, generator }),
  };
}

// a synthetic daily series: weekly and yearly cycles around 1000, from 2016-02-01 (a leap year)
const days = 420;
const series = Float64Array.from({ length: days }, (_, k) => 1000 + 120 * Math.sin((2 * Math.PI * k) / 365.25) + 40 * ((k % 7) - 3) + ((k * 37) % 11));
const start = '2016-02-01';
const normalization = { mean: 0, std: 1000 };

describe('CalendarForecaster', () => {
  it('is the MLP of the last state, the three embeddings and the values, plus the base, for every origin and horizon', () => {
    const model = new CalendarForecaster(parts(1));
    const origins = [days - 1, 400];
    const input = dailyCalendarInputs({ values: series, ...dailyCalendar(start, days + 5) }, origins, { normalization, window: 9, horizon: 5 });
    noGrad(() => {
      const predicted = model.forward(input).value.data;
      const { h_n } = model.rnn.forward(input.past);
      const H = 6, K = 5, B = 2;
      const row = (matrix: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, width: number, r: number) => Array.from(matrix.subarray(r * width, (r + 1) * width));
      const W1 = model.hidden.weight.value.data, b1 = model.hidden.bias!.value.data, Wo = model.output.weight.value.data, bo = model.output.bias!.value.data[0];
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < K; h++) {
          const r = b * K + h;
          const z = [
            ...Array.from(h_n.value.data.subarray(b * H, (b + 1) * H)),
            ...row(model.weekday.weight.value.data, 2, input.weekday.data[r]), ...row(model.day.weight.value.data, 3, input.dayOfYear.data[r]),
            ...row(model.step.weight.value.data, 2, input.step.data[r]), ...row(input.values.data, 3, r),
          ];
          let y = bo;
          for (let j = 0; j < 8; j++) {
            let a = b1[j];
            for (let i = 0; i < z.length; i++) a += W1[j * z.length + i] * z[i];
            y += Wo[j] * Math.tanh(a);
          }
          expect(predicted[r]).toBeCloseTo(y + input.base!.data[r], 5);
        }
      }
    });
    expect(model.horizon).toBe(5);
    expect(model.valueFeatures).toBe(3);
    expect(model.config()).toEqual({});
  });

  it('rejects unknown options by the nearest name, missing parts, and parts that do not fit', () => {
    const good = parts(2);
    expect(() => new CalendarForecaster({ ...good, outputs: good.output } as never)).toThrow("CalendarForecaster: unknown option 'outputs' (did you mean 'output'?)");
    const { step: _step, ...withoutStep } = good;
    expect(() => new CalendarForecaster(withoutStep as never)).toThrow(/CalendarForecaster: expected option step/);
    expect(() => new CalendarForecaster({ ...good, rnn: new GRU({ inputSize: 11, hiddenSize: 6, bidirectional: true }) })).toThrow(/expected a one-direction, time-major recurrent layer, got bidirectional true/);
    expect(() => new CalendarForecaster({ ...good, hidden: new Linear({ inFeatures: 12, outFeatures: 8 }) })).toThrow(/expected hidden inFeatures of at least 13 .*got inFeatures 12/);
    expect(() => new CalendarForecaster({ ...good, output: new Linear({ inFeatures: 8, outFeatures: 2 }) })).toThrow(/expected output 8 → 1 .*got 8 → 2/);
  });

  it('rejects inputs of the wrong shape, naming the one expected', () => {
    const model = new CalendarForecaster(parts(3));
    const input = dailyCalendarInputs({ values: series, ...dailyCalendar(start, days + 5) }, [days - 1], { normalization, window: 4, horizon: 5 });
    expect(() => model.forward({ ...input, past: randn([4, 1, 10], new Generator(1)) })).toThrow('CalendarForecaster.forward: expected past [window, B, 11], got [4, 1, 10]');
    expect(() => model.forward({ ...input, weekday: randn([4], new Generator(1)) })).toThrow(/expected weekday \[5\] \(B 1 × horizon 5\), got \[4\]/);
    expect(() => model.forward({ ...input, horizon: input.step } as never)).toThrow(/unknown option 'horizon'/);
  });

  it('saved to bytes, loads with plain loadModel (no kinds) and gives the same float32 bits', async () => {
    const model = new CalendarForecaster(parts(4));
    const run = (m: CalendarForecaster) => noGrad(() => Float32Array.from(m.forward(dailyCalendarInputs({ values: series, ...dailyCalendar(start, days + 5) }, [days - 1, 390, 380], { normalization, window: 12, horizon: 5 })).value.data));
    const io = { task: 'births', ...dailyCalendarIO({ normalization, window: 12, horizon: 5 }) };
    const { module, description, io: loadedIO } = await loadModel<CalendarForecaster>(await saveModel(model, 'bytes', { io }));
    expect(module).toBeInstanceOf(CalendarForecaster);
    expect(description.module.kind).toBe('CalendarForecaster');
    expect(Object.keys(module.stateDict())).toEqual(Object.keys(model.stateDict()));
    expect(sameBits(run(module), run(model))).toBe(true);
    expect(sameBits(run(new CalendarForecaster(parts(5))), run(model))).toBe(false);
    expect(loadedIO).toEqual(io);
    // the loaded file alone forecasts from raw counts and a date
    const [forecast] = forecastDaily(module, loadedIO, { values: series, start });
    expect(forecast.values).toEqual(Float64Array.from(run(model).subarray(0, 5), (v) => v * normalization.std));
  });

  it('reads a file the cli wrote when the module was its BirthsModel: same names, same outputs as then', async () => {
    const bytes = readFileSync(join(fixtures, 'births-model-v0.safetensors'));
    const recorded = JSON.parse(readFileSync(join(fixtures, 'births-model-v0.json'), 'utf8')) as { start: string; births: number[]; origins: number[]; window: number; outputBits: number[] };
    const { module, description, io } = await loadModel<CalendarForecaster>(bytes);
    expect(description.module.kind).toBe('BirthsModel');
    expect(module).toBeInstanceOf(CalendarForecaster);
    const calendar = dailyCalendar(recorded.start, recorded.births.length + module.horizon);
    const input = dailyCalendarInputs({ values: recorded.births, ...calendar }, recorded.origins, { normalization: io!.normalization!, window: recorded.window, horizon: module.horizon });
    const output = noGrad(() => Float32Array.from(module.forward(input).value.data));
    expect(Array.from(new Uint32Array(output.buffer))).toEqual(recorded.outputBits);
    // its io is the definition forecastDaily runs: the two origins' forecasts are those outputs × the training mean
    const forecasts = forecastDaily(module, io, { values: recorded.births, start: recorded.start }, { origins: recorded.origins });
    const std = io!.normalization!.std;
    expect(Array.from(forecasts.flatMap((f) => Array.from(f.values)))).toEqual(Array.from(output, (v) => v * std));
    expect(forecasts[0].dates[0]).toBe(calendar.dates[recorded.origins[0] + 1]);
  });
});
