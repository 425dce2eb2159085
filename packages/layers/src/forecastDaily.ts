import { fail } from '@recurrent/tensor';
import { noGrad } from '@recurrent/autograd';
import { CalendarForecaster } from './calendarForecaster.js';
import { dailyCalendar, dailyCalendarFeatures, dailyCalendarInputs, dailyCalendarSizes } from './dailyCalendarInputs.js';
import type { ModelIO } from './model/modelIO.js';

/** One origin's forecast: the `horizon` days after it, raw values. */
export interface DailyForecast {
  /** Index of the last observed day the forecast starts from. */
  origin: number;
  /** ISO dates of the target days. */
  dates: string[];
  /** The forecast of each target day, in the series' own units. */
  values: Float64Array;
}

/** A raw daily history: counts and the date of the first one. */
export interface DailyHistory {
  /** The observed value of each day, consecutive days, in date order. */
  values: ArrayLike<number>;
  /** Date of `values[0]`: `'YYYY-MM-DD'` or a Date (read in UTC). */
  start: string | Date;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Forecasts a daily series with a loaded model file: the {@link CalendarForecaster} and the `io`
 * its file carries (normalisation, window, horizon and the feature definition of
 * {@link dailyCalendarIO}), from raw counts and a start date; no other file or setting. Each
 * origin `t` (default: the last day) gets the `horizon` days after it, mapped back
 * `ŷ·std + mean`. Runs without recording gradients, in the module's current mode (a loaded model
 * is in eval mode).
 *
 * @example
 * // a file written by `recurrent train births`; births: raw daily counts from 2013-01-01, 420 days or more
 * const { module, io } = await loadModel<CalendarForecaster>('/models/births.safetensors');
 * const [next] = forecastDaily(module, io, { values: births, start: '2013-01-01' });
 * next.dates[0]; next.values[0]; // the day after the last one, and its forecast
 */
export function forecastDaily(model: CalendarForecaster, io: ModelIO | null, history: DailyHistory, options: { origins?: readonly number[] } = {}): DailyForecast[] {
  if (!(model instanceof CalendarForecaster)) fail('forecastDaily', 'a CalendarForecaster', (model as object | null)?.constructor?.name ?? String(model));
  const extra = (io?.extra ?? null) as Record<string, unknown> | null;
  if (!io?.normalization || !io.window || !extra || extra.horizon !== model.horizon) {
    fail('forecastDaily', `io with normalization, window and extra.horizon ${model.horizon} (a model file written with dailyCalendarIO)`, `normalization ${JSON.stringify(io?.normalization)}, window ${io?.window}, horizon ${JSON.stringify(extra?.horizon)}`);
  }
  for (const [name, definition] of Object.entries(dailyCalendarFeatures)) {
    if (!same(extra[name], definition)) fail('forecastDaily', `io.extra.${name} ${JSON.stringify(definition)} (the features dailyCalendarInputs makes)`, JSON.stringify(extra[name])?.slice(0, 120) ?? 'none');
  }
  if (model.rnn.inputSize !== dailyCalendarSizes.pastFeatures || model.valueFeatures !== dailyCalendarSizes.targetValues) {
    fail('forecastDaily', `a model reading ${dailyCalendarSizes.pastFeatures} past features and ${dailyCalendarSizes.targetValues} values per target`, `${model.rnn.inputSize} and ${model.valueFeatures}`);
  }
  const n = history.values.length, K = model.horizon;
  const origins = options.origins ?? [n - 1];
  const calendar = dailyCalendar(history.start, n + K);
  const { mean, std } = io.normalization;
  const input = dailyCalendarInputs({ values: history.values, ...calendar }, origins, { normalization: io.normalization, window: io.window, horizon: K, backend: model.backend });
  const predicted = noGrad(() => model.forward(input).value.data);
  return origins.map((origin, b) => ({
    origin,
    dates: calendar.dates.slice(origin + 1, origin + 1 + K),
    values: Float64Array.from({ length: K }, (_, h) => predicted[b * K + h] * std + mean),
  }));
}
