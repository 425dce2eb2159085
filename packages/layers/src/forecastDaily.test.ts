import { describe, expect, it } from 'vitest';
import { Generator } from '@recurrent/tensor';
import { noGrad } from '@recurrent/autograd';
import { CalendarForecaster } from './calendarForecaster.js';
import { dailyCalendar, dailyCalendarIO, dailyCalendarInputs } from './dailyCalendarInputs.js';
import { Embedding } from './embedding.js';
import { forecastDaily } from './forecastDaily.js';
import { GRU } from './gru.js';
import { Linear } from './linear.js';

const generator = new Generator(7);
const model = new CalendarForecaster({
  rnn: new GRU({ inputSize: 11, hiddenSize: 4, numLayers: 2, generator }),
  weekday: new Embedding({ numEmbeddings: 7, embeddingDim: 2, generator }), day: new Embedding({ numEmbeddings: 366, embeddingDim: 2, generator }),
  step: new Embedding({ numEmbeddings: 3, embeddingDim: 2, generator }),
  hidden: new Linear({ inFeatures: 4 + 2 + 2 + 2 + 3, outFeatures: 5, generator }), output: new Linear({ inFeatures: 5, outFeatures: 1, generator }),
});
model.eval();
const values = Float64Array.from({ length: 380 }, (_, k) => 2000 + 300 * Math.cos(k / 9) + 50 * (k % 7));
const normalization = { mean: 1800, std: 400 };
const io = { task: 'births', ...dailyCalendarIO({ normalization, window: 10, horizon: 3 }) };

describe('forecastDaily', () => {
  it('forecasts the horizon days after each origin in raw units, with their dates', () => {
    const [last, earlier] = forecastDaily(model, io, { values, start: '2010-12-30' }, { origins: [379, 370] });
    const calendar = dailyCalendar('2010-12-30', 383);
    const raw = noGrad(() => model.forward(dailyCalendarInputs({ values, ...calendar }, [379, 370], { normalization, window: 10, horizon: 3 })).value.data);
    expect(last.values).toEqual(Float64Array.from(raw.subarray(0, 3), (v) => v * 400 + 1800));
    expect(earlier.values).toEqual(Float64Array.from(raw.subarray(3, 6), (v) => v * 400 + 1800));
    expect(last.dates).toEqual(calendar.dates.slice(380, 383));
    expect(earlier.origin).toBe(370);
    // the default origin is the last day
    expect(forecastDaily(model, io, { values, start: '2010-12-30' })[0].values).toEqual(last.values);
  });

  it('refuses an io without the normalisation, window and horizon, or with another feature definition', () => {
    const history = { values, start: '2010-12-30' };
    expect(() => forecastDaily(model, null, history)).toThrow(/forecastDaily: expected io with normalization, window and extra.horizon 3/);
    expect(() => forecastDaily(model, { ...io, extra: { ...(io.extra as object), horizon: 28 } }, history)).toThrow(/extra.horizon 3 .*got .*horizon 28/);
    expect(() => forecastDaily(model, { ...io, extra: { ...(io.extra as object), targetValues: ['births on the origin day'] } }, history)).toThrow(/expected io.extra.targetValues \[/);
    expect(() => forecastDaily(new Linear({ inFeatures: 2, outFeatures: 1 }) as never, io, history)).toThrow('forecastDaily: expected a CalendarForecaster, got Linear');
  });
});
