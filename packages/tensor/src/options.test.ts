import { describe, expect, it } from 'vitest';
import { Generator } from './random.js';
import { checkOptions, describeValue, nearestName, option, type OptionsSchema } from './options.js';

const schema = {
  inputSize: option.integer({ min: 1 }),
  hiddenSize: option.integer({ min: 1 }),
  numLayers: option.integer({ min: 1 }),
  batchFirst: option.boolean,
  bidirectional: option.boolean,
  dropout: option.number({ min: 0, max: 1 }),
  lr: option.number({ above: 0 }),
  nonlinearity: option.oneOf(['tanh', 'relu']),
  generator: option.instance(Generator, 'a Generator'),
  lengths: option.nullable(option.arrayOf(option.integer({ min: 0 }))),
  betas: option.arrayOf(option.number({ min: 0, max: 1 }), 2),
} satisfies OptionsSchema;

const message = (options: unknown): string => {
  try {
    checkOptions('LSTM', options, schema);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('checkOptions', () => {
  it('accepts valid, absent and undefined options', () => {
    expect(message(undefined)).toBe('no error');
    expect(message({})).toBe('no error');
    expect(message({ inputSize: 3, batchFirst: undefined, nonlinearity: 'relu', generator: new Generator(1), lengths: null })).toBe('no error');
    expect(message({ lengths: [3, 0], betas: [0.9, 0.999] })).toBe('no error');
  });

  it('names the nearest valid option for a misspelling', () => {
    expect(message({ batchFrist: true })).toBe("LSTM: unknown option 'batchFrist' (did you mean 'batchFirst'?)");
    expect(message({ numLayer: 2 })).toBe("LSTM: unknown option 'numLayer' (did you mean 'numLayers'?)");
    expect(message({ bidirectinal: true })).toBe("LSTM: unknown option 'bidirectinal' (did you mean 'bidirectional'?)");
    expect(message({ zzz: 1 })).toMatch(/^LSTM: unknown option 'zzz' \(options: inputSize, hiddenSize, /);
  });

  it('refuses wrongly typed values, naming the option, the rule and the value', () => {
    expect(message({ batchFirst: 'no' })).toBe('LSTM: expected batchFirst to be a boolean, got "no" (a string)');
    expect(message({ inputSize: 2.5 })).toBe('LSTM: expected inputSize to be an integer ≥ 1, got number 2.5');
    expect(message({ inputSize: 0 })).toBe('LSTM: expected inputSize to be an integer ≥ 1, got number 0');
    expect(message({ lr: '0.1' })).toBe('LSTM: expected lr to be a finite number > 0, got "0.1" (a string)');
    expect(message({ lr: Number.NaN })).toBe('LSTM: expected lr to be a finite number > 0, got number NaN');
    expect(message({ dropout: Infinity })).toMatch(/expected dropout to be a finite number ≥ 0 and ≤ 1, got number Infinity/);
    expect(message({ nonlinearity: 'sigmoid' })).toBe('LSTM: expected nonlinearity to be one of "tanh", "relu", got "sigmoid" (a string)');
    expect(message({ generator: 3 })).toBe('LSTM: expected generator to be a Generator, got number 3');
    expect(message({ lengths: [1, -1] })).toMatch(/expected lengths to be an array of values each an integer ≥ 0 or null, got an array of length 2/);
    expect(message({ betas: [5, 7] })).toMatch(/expected betas to be an array of 2 of values each a finite number ≥ 0 and ≤ 1, got an array of length 2/);
  });

  it('names a required option that is missing', () => {
    expect(() => checkOptions('LSTMCell', { inputSize: 2 }, schema, ['inputSize', 'hiddenSize'])).toThrow('LSTMCell: expected option hiddenSize (an integer ≥ 1), got none');
    expect(() => checkOptions('LSTMCell', undefined, schema, ['inputSize'])).toThrow('LSTMCell: expected options to be an object, got undefined');
    expect(() => checkOptions('LSTMCell', { inputSize: 2, hiddenSize: 3 }, schema, ['inputSize', 'hiddenSize'])).not.toThrow();
  });

  it('refuses options that are not an object', () => {
    expect(message(3)).toBe('LSTM: expected options to be an object, got number 3');
    expect(message(null)).toBe('LSTM: expected options to be an object, got null');
    expect(message([1])).toBe('LSTM: expected options to be an object, got an array of length 1');
  });
});

describe('nearestName and describeValue', () => {
  it('suggests only close names', () => {
    expect(nearestName('momentun', ['lr', 'momentum', 'dampening'])).toBe('momentum');
    expect(nearestName('weightdecay', ['lr', 'weightDecay'])).toBe('weightDecay');
    expect(nearestName('colour', ['lr', 'momentum'])).toBeNull();
  });

  it('shows values as errors print them', () => {
    expect(describeValue(new Generator(0))).toBe('a Generator');
    expect(describeValue({})).toBe('an object');
    expect(describeValue('x'.repeat(50))).toBe(`"${'x'.repeat(40)}…" (a string)`);
  });
});
