import { type Backend, checkOptions, fail, fromData, option } from '@recurrent/tensor';
import type { CalendarForecasterInput } from './calendarForecaster.js';
import type { ModelIO } from './model/modelIO.js';

/** Days between a target and the value a season earlier it reads (52 weeks: same weekday). */
export const seasonLag = 364;
const dayMs = 86_400_000;

/**
 * What {@link dailyCalendarInputs} feeds a {@link CalendarForecaster}, in words: a model file
 * keeps these beside its normalisation, window and horizon ({@link dailyCalendarIO}), and
 * {@link forecastDaily} runs a file only when they are these. Per past day 11 values, per target 3
 * ids (the embeddings') and 3 values; every value is `(x − mean) / std` of the normalisation.
 *
 * @example
 * dailyCalendarFeatures.pastFeatures.length; // 5 groups: 2 + 7 + 1 + 1 = 11 numbers
 */
export const dailyCalendarFeatures = {
  pastFeatures: ['births', 'births 364 days earlier', 'day of week one-hot (7, Monday first)', 'sin(2π·dayOfYear / 365.25)', 'cos(2π·dayOfYear / 365.25)'],
  targetInputs: ['weekday id (day of week − 1)', 'day-of-year id (day of year − 1)', 'horizon id (h − 1)'],
  targetValues: ['births 364 days earlier', 'births 7·⌈h/7⌉ days earlier', 'births on the origin day'],
  output: 'births / mean, with the value 364 days earlier added',
} as const;

/** Numbers per past day (`rnn.inputSize`) and values per target (`valueFeatures`) of {@link dailyCalendarInputs}. */
export const dailyCalendarSizes = { pastFeatures: 2 + 7 + 2, targetValues: 3 } as const;

/** A daily series with its calendar; the calendar may run past the values (the days to forecast). */
export interface DailySeries {
  /** The observed value of each day, in date order (raw counts). */
  values: ArrayLike<number>;
  /** Day of week of each day, 1 = Monday … 7 = Sunday. */
  dayOfWeek: ArrayLike<number>;
  /** Day of year of each day, 1 … 366. */
  dayOfYear: ArrayLike<number>;
}

/** How {@link dailyCalendarInputs} frames a series. */
export interface DailyCalendarOptions {
  /** Values become `(x − mean) / std`. */
  normalization: { mean: number; std: number };
  /** Past days the recurrent layer reads (the origin's day last). */
  window: number;
  /** Targets per origin, days `t + 1 … t + horizon`. */
  horizon: number;
  /** Backend of the tensors (default: the CPU backend). */
  backend?: Backend;
}

function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function startTime(start: string | Date): number {
  const time = typeof start === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(start) ? Date.parse(`${start}T00:00:00Z`) : start instanceof Date ? start.getTime() : Number.NaN;
  if (!Number.isFinite(time)) fail('dailyCalendar', "a start date 'YYYY-MM-DD' or a valid Date", typeof start === 'string' ? `'${start.slice(0, 40)}'` : String(start));
  const d = new Date(time);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/**
 * The calendar of `days` consecutive days from `start` (UTC): ISO dates, day of week (1 = Monday
 * … 7 = Sunday) and day of year (1 … 366), the coding {@link DailySeries} takes.
 *
 * @example
 * const { dates, dayOfWeek, dayOfYear } = dailyCalendar('2000-01-01', 2);
 * // ['2000-01-01', '2000-01-02'], [6, 7] (Saturday, Sunday), [1, 2]
 */
export function dailyCalendar(start: string | Date, days: number): { dates: string[]; dayOfWeek: Int32Array; dayOfYear: Int32Array } {
  if (!Number.isSafeInteger(days) || days < 0) fail('dailyCalendar', 'a count of days, an integer ≥ 0', String(days));
  const first = startTime(start);
  const dates: string[] = [], dayOfWeek = new Int32Array(days), dayOfYear = new Int32Array(days);
  for (let i = 0; i < days; i++) {
    const time = first + i * dayMs;
    const d = new Date(time);
    dates.push(isoDate(time));
    dayOfWeek[i] = ((d.getUTCDay() + 6) % 7) + 1;
    dayOfYear[i] = Math.round((time - Date.UTC(d.getUTCFullYear(), 0, 1)) / dayMs) + 1;
  }
  return { dates, dayOfWeek, dayOfYear };
}

/**
 * A {@link CalendarForecaster}'s inputs for forecast origins `origins` (indices of the last
 * observed day `t`) of a daily series, as {@link dailyCalendarFeatures} says. With `x̃ = (x − mean) / std`:
 *
 *   past day s = t − window + 1 … t: [x̃_s, x̃_{s−364}, onehot(dayOfWeek_s), sin(2π·dayOfYear_s / 365.25), cos(…)]
 *   target t + h, h = 1 … horizon:  ids (dayOfWeek − 1, dayOfYear − 1, h − 1),
 *                                   values [x̃_{t+h−364}, x̃_{t+h−7⌈h/7⌉}, x̃_t], base x̃_{t+h−364}
 *
 * A past day less than 364 days into the series reads day 0 for its value a season earlier.
 * Origins must have `window` days of history and `t ≥ 363` (every target's season-earlier value
 * observed), and the calendar must cover `t + horizon`.
 *
 * Shapes: `past [window, B, 11]`, ids and `base [B·horizon]`, `values [B·horizon, 3]`.
 *
 * @example
 * const calendar = dailyCalendar('2012-01-01', births.length + 28);
 * const input = dailyCalendarInputs({ values: births, ...calendar }, [births.length - 1], { normalization: { mean: 0, std: 11423 }, window: 56, horizon: 28 });
 */
export function dailyCalendarInputs(series: DailySeries, origins: readonly number[], options: DailyCalendarOptions): CalendarForecasterInput {
  checkOptions('dailyCalendarInputs', options, {
    normalization: option.any, window: option.integer({ min: 1 }), horizon: option.integer({ min: 1 }), backend: option.any,
  }, ['normalization', 'window', 'horizon']);
  const { normalization, window, horizon } = options;
  const { mean, std } = normalization ?? {};
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) fail('dailyCalendarInputs', 'normalization {mean, std} of finite numbers with std > 0', JSON.stringify(normalization));
  const y = series.values, n = y.length, calendarLength = Math.min(series.dayOfWeek.length, series.dayOfYear.length);
  const earliest = Math.max(window - 1, seasonLag - 1);
  const B = origins.length;
  if (B === 0) fail('dailyCalendarInputs', 'at least one origin', 'none');
  for (const t of origins) {
    if (!Number.isSafeInteger(t) || t < earliest || t >= n || t + horizon >= calendarLength) {
      fail('dailyCalendarInputs', `origins, integers in [${earliest}, ${Math.min(n, calendarLength - horizon) - 1}] (window ${window} days and 364 days of history, a calendar to t + ${horizon})`, `origin ${t} of a series of ${n} values and ${calendarLength} calendar days`);
    }
  }
  const F = dailyCalendarSizes.pastFeatures, V = dailyCalendarSizes.targetValues;
  const scaled = (index: number) => (y[index] - mean) / std;
  const past = new Float32Array(window * B * F);
  const weekday = new Int32Array(B * horizon), dayOfYear = new Int32Array(B * horizon), step = new Int32Array(B * horizon);
  const values = new Float32Array(B * horizon * V), base = new Float32Array(B * horizon);
  origins.forEach((t, b) => {
    for (let k = 0; k < window; k++) {
      const s = t - window + 1 + k, o = (k * B + b) * F;
      past[o] = scaled(s);
      past[o + 1] = scaled(Math.max(0, s - seasonLag));
      past[o + 1 + series.dayOfWeek[s]] = 1;
      const angle = (2 * Math.PI * series.dayOfYear[s]) / 365.25;
      past[o + 9] = Math.sin(angle);
      past[o + 10] = Math.cos(angle);
    }
    for (let h = 1; h <= horizon; h++) {
      const r = b * horizon + h - 1;
      weekday[r] = series.dayOfWeek[t + h] - 1;
      dayOfYear[r] = series.dayOfYear[t + h] - 1;
      step[r] = h - 1;
      const yearAgo = scaled(t + h - seasonLag);
      values[r * V] = yearAgo;
      values[r * V + 1] = scaled(t + h - 7 * Math.ceil(h / 7));
      values[r * V + 2] = scaled(t);
      base[r] = yearAgo;
    }
  });
  const at = { backend: options.backend };
  return {
    past: fromData(past, [window, B, F], at),
    weekday: fromData(weekday, [B * horizon], at), dayOfYear: fromData(dayOfYear, [B * horizon], at), step: fromData(step, [B * horizon], at),
    values: fromData(values, [B * horizon, V], at), base: fromData(base, [B * horizon], at),
  };
}

/**
 * The model-file `io` of a {@link CalendarForecaster} fed by {@link dailyCalendarInputs}: the
 * normalisation, the window, the horizon and the feature definition ({@link dailyCalendarFeatures}),
 * so {@link forecastDaily} runs the loaded file on raw counts and dates alone.
 *
 * @example
 * encodeModel(model, { io: { task: 'births', ...dailyCalendarIO({ normalization: { mean: 0, std: 11423 }, window: 56, horizon: 28 }) } });
 */
export function dailyCalendarIO(options: { normalization: { mean: number; std: number }; window: number; horizon: number }): ModelIO {
  checkOptions('dailyCalendarIO', options, { normalization: option.any, window: option.integer({ min: 1 }), horizon: option.integer({ min: 1 }) }, ['normalization', 'window', 'horizon']);
  return {
    normalization: { mean: options.normalization.mean, std: options.normalization.std },
    window: options.window,
    extra: { horizon: options.horizon, ...JSON.parse(JSON.stringify(dailyCalendarFeatures)) },
  };
}
