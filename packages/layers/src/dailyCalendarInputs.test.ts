import { describe, expect, it } from 'vitest';
import { dailyCalendar, dailyCalendarFeatures, dailyCalendarIO, dailyCalendarInputs } from './dailyCalendarInputs.js';

const day = 86_400_000;

describe('dailyCalendar', () => {
  it('gives ISO dates, Monday-first days of week and days of year, across a leap day and a new year', () => {
    const { dates, dayOfWeek, dayOfYear } = dailyCalendar('2012-02-27', 310);
    dates.forEach((date, k) => {
      const time = Date.UTC(2012, 1, 27) + k * day;
      const d = new Date(time);
      expect(date).toBe(d.toISOString().slice(0, 10));
      // JavaScript's getUTCDay is 0 = Sunday; the coding is 1 = Monday … 7 = Sunday
      expect(dayOfWeek[k] % 7).toBe(d.getUTCDay());
      expect(dayOfYear[k]).toBe((time - Date.UTC(d.getUTCFullYear(), 0, 1)) / day + 1);
    });
    expect(dates[2]).toBe('2012-02-29');
    expect(dayOfYear[dates.indexOf('2012-12-31')]).toBe(366);
    expect(dayOfYear[dates.indexOf('2013-01-01')]).toBe(1);
    expect(dailyCalendar(new Date(Date.UTC(2012, 1, 29, 15)), 1).dates).toEqual(['2012-02-29']);
  });

  it('rejects a bad start or count', () => {
    expect(() => dailyCalendar('2012-2-3', 1)).toThrow("dailyCalendar: expected a start date 'YYYY-MM-DD' or a valid Date, got '2012-2-3'");
    expect(() => dailyCalendar('2012-02-03', -1)).toThrow('dailyCalendar: expected a count of days, an integer ≥ 0, got -1');
  });
});

describe('dailyCalendarInputs', () => {
  const n = 400;
  const values = Float64Array.from({ length: n }, (_, k) => 500 + k);
  const calendar = dailyCalendar('2001-06-01', n + 3);
  const normalization = { mean: 100, std: 50 };
  const x = (k: number) => Math.fround((values[k] - 100) / 50);

  it('lays out each past day and each target as dailyCalendarFeatures says', () => {
    const origins = [399, 370];
    const input = dailyCalendarInputs({ values, ...calendar }, origins, { normalization, window: 4, horizon: 3 });
    expect(input.past.shape).toEqual([4, 2, 11]);
    expect(input.values.shape).toEqual([6, 3]);
    origins.forEach((t, b) => {
      for (let k = 0; k < 4; k++) {
        const s = t - 3 + k, row = Array.from(input.past.data.subarray((k * 2 + b) * 11, (k * 2 + b + 1) * 11));
        const angle = (2 * Math.PI * calendar.dayOfYear[s]) / 365.25;
        const oneHot = Array.from({ length: 7 }, (_, d) => (d + 1 === calendar.dayOfWeek[s] ? 1 : 0));
        // days less than 364 into the series read day 0 for their season-earlier value
        expect(row).toEqual([x(s), x(Math.max(0, s - 364)), ...oneHot, Math.fround(Math.sin(angle)), Math.fround(Math.cos(angle))]);
      }
      for (let h = 1; h <= 3; h++) {
        const r = b * 3 + h - 1;
        expect([input.weekday.data[r], input.dayOfYear.data[r], input.step.data[r]]).toEqual([calendar.dayOfWeek[t + h] - 1, calendar.dayOfYear[t + h] - 1, h - 1]);
        expect(Array.from(input.values.data.subarray(r * 3, r * 3 + 3))).toEqual([x(t + h - 364), x(t + h - 7 * Math.ceil(h / 7)), x(t)]);
        expect(input.base!.data[r]).toBe(x(t + h - 364));
      }
    });
  });

  it('rejects origins without the history or the calendar they need, and bad options', () => {
    const options = { normalization, window: 4, horizon: 3 };
    expect(() => dailyCalendarInputs({ values, ...calendar }, [362], options)).toThrow(/expected origins, integers in \[363, 399\] .*got origin 362 of a series of 400 values and 403 calendar days/);
    expect(() => dailyCalendarInputs({ values, ...dailyCalendar('2001-06-01', n) }, [399], options)).toThrow(/expected origins, integers in \[363, 396\]/);
    expect(() => dailyCalendarInputs({ values, ...calendar }, [], options)).toThrow('dailyCalendarInputs: expected at least one origin, got none');
    expect(() => dailyCalendarInputs({ values, ...calendar }, [399], { ...options, windows: 4 } as never)).toThrow("dailyCalendarInputs: unknown option 'windows' (did you mean 'window'?)");
    expect(() => dailyCalendarInputs({ values, ...calendar }, [399], { ...options, normalization: { mean: 0, std: 0 } })).toThrow(/expected normalization \{mean, std\} of finite numbers with std > 0/);
  });

  it('dailyCalendarIO keeps the normalisation, window, horizon and the feature definition', () => {
    expect(dailyCalendarIO({ normalization, window: 4, horizon: 3 })).toEqual({ normalization, window: 4, extra: { horizon: 3, ...dailyCalendarFeatures } });
    expect(() => dailyCalendarIO({ normalization, window: 4, horizons: 3 } as never)).toThrow("dailyCalendarIO: unknown option 'horizons' (did you mean 'horizon'?)");
  });
});
