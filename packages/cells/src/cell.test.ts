import { describe, expect, it } from 'vitest';
import { Generator, uniform } from '@recurrent/tensor';
import { ClockworkCell, ElmanCell, GRUCell, JordanCell, LSTMCell, RNNCell, type RecurrentCell, SCRNCell } from './index.js';

// every cell through the one contract: options checked the same way, config() as plain JSON that
// rebuilds the same cell, and step(x, state, t) from initialState
const makers: [string, (options: Record<string, unknown>) => RecurrentCell, Record<string, unknown>][] = [
  ['RNNCell', (o) => new RNNCell(o as never), { inputSize: 3, hiddenSize: 4, nonlinearity: 'relu' }],
  ['ElmanCell', (o) => new ElmanCell(o as never), { inputSize: 3, hiddenSize: 4 }],
  ['LSTMCell', (o) => new LSTMCell(o as never), { inputSize: 3, hiddenSize: 4, projSize: 2, peephole: true }],
  ['GRUCell', (o) => new GRUCell(o as never), { inputSize: 3, hiddenSize: 4, resetAfter: false, bias: false }],
  ['JordanCell', (o) => new JordanCell(o as never), { inputSize: 3, hiddenSize: 4, outputSize: 2 }],
  ['ClockworkCell', (o) => new ClockworkCell(o as never), { inputSize: 3, hiddenSize: 4, periods: [1, 2] }],
  ['SCRNCell', (o) => new SCRNCell(o as never), { inputSize: 3, hiddenSize: 4, contextSize: 2, outputSize: 3, learnAlpha: true }],
];

describe('the cell contract', () => {
  it.each(makers)('%s: config() is plain JSON that rebuilds the same cell', (_name, make, options) => {
    const cell = make({ ...options, seed: 3 });
    const config = cell.config();
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    for (const [key, value] of Object.entries(options)) expect(config[key]).toEqual(value);
    const again = make({ ...config, seed: 3 });
    expect(again.namedParameters().map(([name, p]) => [name, p.shape])).toEqual(cell.namedParameters().map(([name, p]) => [name, p.shape]));
    for (const [[, a], [, b]] of again.namedParameters().map((entry, i) => [entry, cell.namedParameters()[i]])) expect(Array.from(a.value.data)).toEqual(Array.from(b.value.data));
  });

  it.each(makers)('%s: step(x, state, t) from initialState gives [batch, outputSize] and states of stateSizes', (_name, make, options) => {
    const cell = make(options);
    const x = uniform([2, cell.inputSize], -1, 1, new Generator(1));
    let state = cell.initialState(2);
    for (let t = 0; t < 3; t++) {
      const result = cell.step(x, state, t);
      expect(result.output.shape).toEqual([2, cell.outputSize]);
      expect(result.state.map((s) => s.shape)).toEqual(cell.stateSizes.map((size) => [2, size]));
      state = result.state.map((s) => s.value);
    }
    expect(cell.step(x).output.shape).toEqual([2, cell.outputSize]); // no state: zeros
  });

  it.each(makers)('%s: unknown and wrongly typed options are errors naming the cell', (name, make, options) => {
    expect(() => make({ ...options, hiddenSise: 4 })).toThrow(`${name}: unknown option 'hiddenSise' (did you mean 'hiddenSize'?)`);
    expect(() => make({ ...options, bias: 'yes' })).toThrow(`${name}: expected bias to be a boolean, got "yes" (a string)`);
  });
});
