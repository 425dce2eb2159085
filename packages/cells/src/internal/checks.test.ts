import { describe, expect, it } from 'vitest';
import { Generator, randn, zeros } from '@recurrent/tensor';
import { LSTMCell } from '../lstmCell.js';
import { GRUCell } from '../gruCell.js';

describe('cell state checks', () => {
  const x = randn([4, 2], new Generator(0));

  it('name a missing state tensor instead of failing on it', () => {
    const cell = new LSTMCell({ inputSize: 2, hiddenSize: 3 });
    expect(() => cell.forward(x, { h: zeros([4, 3]) } as never)).toThrow('LSTMCell: expected state c to be a tensor [batch, 3], got undefined');
    expect(() => cell.forward(x, { c: zeros([4, 3]) } as never)).toThrow('LSTMCell: expected state h to be a tensor [batch, 3], got undefined');
    expect(() => cell.forward(x, { h: [1, 2, 3], c: zeros([4, 3]) } as never)).toThrow('LSTMCell: expected state h to be a tensor [batch, 3], got an array of length 3');
  });

  it('still check the shapes of the states given', () => {
    expect(() => new LSTMCell({ inputSize: 2, hiddenSize: 3 }).forward(x, { h: zeros([4, 3]), c: zeros([4, 5]) })).toThrow('LSTMCell: expected c [batch, 3], got [4, 5]');
    expect(() => new GRUCell({ inputSize: 2, hiddenSize: 3 }).forward(x, zeros([2, 3]))).toThrow("GRUCell: expected h with the input's batch size 4, got h [2, 3]");
  });
});

describe('sizes no typed array can hold', () => {
  it('are refused naming the cell, not with a RangeError', () => {
    expect(() => new LSTMCell({ inputSize: 2, hiddenSize: 2 ** 32 + 1 })).toThrow('LSTMCell: expected parameters of at most 2147483647 elements, got [17179869188, 2] (34359738376 elements)');
    expect(() => new GRUCell({ inputSize: 2, hiddenSize: 1e12 })).toThrow('GRUCell: expected parameters of at most 2147483647 elements, got [3000000000000, 2] (6000000000000 elements)');
  });
});

describe('required options', () => {
  it('a missing size is named, not an error of the allocator', async () => {
    const { JordanCell, SCRNCell } = await import('../index.js');
    expect(() => new LSTMCell({ inputSize: 2 } as never)).toThrow('LSTMCell: expected option hiddenSize (an integer ≥ 1), got none');
    expect(() => new JordanCell({ inputSize: 2, hiddenSize: 4 } as never)).toThrow('JordanCell: expected option outputSize (an integer ≥ 1), got none');
    expect(() => new SCRNCell({ inputSize: 2, hiddenSize: 4 } as never)).toThrow(/^SCRNCell: expected option contextSize \(/);
    expect(() => new (JordanCell as unknown as new () => unknown)()).toThrow('JordanCell: expected options to be an object, got undefined');
  });
});
