import { describe, expect, it } from 'vitest';
import { loadSpamAssassin } from './spamAssassin.js';
import { birthsSplits, loadUsBirths } from './usBirths.js';

// The counts are the specification in shared/bench/learning.md (the reference's splits).
describe('spam and births data sets', () => {
  it('SpamAssassin: 4,853 train / 1,193 test (375 spam), bodies without headers', async () => {
    const { train, test } = await loadSpamAssassin();
    expect(train.length).toBe(4853);
    expect(test.length).toBe(1193);
    expect(test.filter((m) => m.spam).length).toBe(375);
    expect(train.filter((m) => m.spam).length + 375).toBe(1896);
    expect(new Set([...train, ...test].map((m) => m.checksum)).size).toBe(6046);
    // Bodies start after the header block: one message of 6,046 has a blank line inside its headers.
    const headerStarts = [...train, ...test].filter((m) => /^(Return-Path|Received|Delivered-To|From \S+@)/.test(m.body)).length;
    expect(headerStarts).toBe(1);
    expect(train.every((m) => m.spam === m.group.startsWith('spam-'))).toBe(true);
  }, 60_000);

  it('US births: consecutive days with their calendar, and the 4,357 / 338 / 338 forecast origins', async () => {
    const ssa = await loadUsBirths();
    expect(ssa.births.length).toBe(5479);
    expect([ssa.year[0], ssa.month[0], ssa.dayOfMonth[0], ssa.dayOfWeek[0], ssa.dayOfYear[0]]).toEqual([2000, 1, 1, 6, 1]);
    expect(ssa.dayOfYear[365]).toBe(366); // 2000 is a leap year
    const { train, validation, test } = birthsSplits(ssa);
    expect([train.length, validation.length, test.length]).toEqual([4357, 338, 338]);
    expect(ssa.year[test[0] + 1]).toBe(2014);
    expect(ssa.year[train[train.length - 1] + 28]).toBe(2012);
    const cdc = await loadUsBirths({ series: 'cdc-nchs-1969-1988' });
    expect(cdc.births.length).toBe(7305);
    expect(cdc.year[7304]).toBe(1988);
  });
});
