import { describe, expect, it } from 'vitest';
import { BadInputs, describeCall } from './badInputs.js';
import { tensor } from '../ops/creation.js';

describe('BadInputs', () => {
  const valid = { inputSize: () => 3, hiddenSize: () => 4, bias: () => true };

  it('draws the same cases for the same seed, and other cases for another', () => {
    const draw = (seed: number) => {
      const bad = new BadInputs(seed);
      return JSON.stringify(Array.from({ length: 20 }, () => [bad.options(valid), bad.tensor().shape]), (_key, value) => typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);
    };
    expect(draw(5)).toBe(draw(5));
    expect(draw(5)).not.toBe(draw(6));
  });

  it('marks the option objects that hold a name outside the valid ones, and only those', () => {
    const bad = new BadInputs(2);
    const drawn = Array.from({ length: 200 }, () => bad.options(valid));
    const foreign = drawn.filter((options) => Object.keys(options).some((name) => !(name in valid)));
    expect(foreign.length).toBeGreaterThan(0);
    for (const options of drawn) expect(bad.hasUnknownName(options)).toBe(foreign.includes(options));
  });

  it('check: a result or one clear line naming the owner is fine; a TypeError, a RangeError, another owner or several lines is a problem', () => {
    const bad = new BadInputs(1);
    const owner = /^LSTM: /;
    const context = describeCall('LSTM', { inputSize: NaN }, tensor([1, 2]));
    expect(bad.check(owner, () => 1, context)).toBeNull();
    expect(bad.check(owner, () => { throw new Error('LSTM: expected inputSize an integer ≥ 1, got NaN'); }, context)).toBeNull();
    expect(bad.check(owner, () => { throw new TypeError("Cannot read properties of undefined (reading 'rank')"); }, context)).toBe('LSTM({"inputSize":"NaN"}, "tensor float32 [2]"): TypeError: Cannot read properties of undefined (reading \'rank\')');
    expect(bad.check(owner, () => { throw new RangeError('Invalid typed array length: -1'); })).toMatch(/RangeError/);
    expect(bad.check(owner, () => { throw new Error('empty: expected a shape'); })).toMatch(/an error not naming its owner/);
    expect(bad.check(owner, () => { throw new Error('LSTM: one\ntwo'); })).toMatch(/an error of several lines/);
  });

  it('build: a build that accepts a misspelt option name is a problem', () => {
    const bad = new BadInputs(3);
    let options = bad.options(valid);
    while (!bad.hasUnknownName(options)) options = bad.options(valid);
    expect(bad.build(/^X: /, () => 'built', options).problem).toMatch(/accepted an unknown option name/);
    expect(bad.build(/^X: /, () => { throw new Error('X: unknown option'); }, options)).toEqual({ value: null, problem: null });
  });
});
