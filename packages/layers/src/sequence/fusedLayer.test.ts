import { describe, expect, it } from 'vitest';
import { Generator, type Tensor, indexSelect, tensor, uniform, zeros } from '@recurrent/tensor';
import { Variable, add, backward, detach, mul, noGrad, sum } from '@recurrent/autograd';
import { GRU } from '../gru.js';
import { LSTM } from '../lstm.js';
import { RNN } from '../rnn.js';

const random = (shape: number[], seed: number): Tensor => uniform(shape, -1, 1, new Generator(seed));

function weighted(outputs: (Variable | undefined)[], seed: number): Variable {
  let total: Variable | null = null;
  outputs.forEach((o, i) => {
    if (!o) return;
    const term = sum(mul(o, random([...o.shape], seed + i)));
    total = total ? add(total, term) : term;
  });
  return total!;
}

function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4) {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) expect.fail(`${label}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

describe('fused sequence layers', () => {
  it('name bad input: feature size, lengths, initial states', () => {
    const lstm = new LSTM({ inputSize: 4, hiddenSize: 6, numLayers: 2 });
    const x = random([5, 3, 4], 1);
    expect(() => lstm.forward(random([5, 3, 7], 1))).toThrow('LSTM: expected input [time, batch, 4], got [5, 3, 7]');
    expect(() => lstm.forward(random([5, 4], 1))).toThrow('LSTM: expected input [time, batch, 4], got [5, 4]');
    expect(() => lstm.forward(x, { lengths: [5, 6, 1] })).toThrow('LSTM: expected lengths in [1, 5] (the sequence length), got [5, 6, 1]');
    expect(() => lstm.forward(x, { lengths: [5, 0, 1] })).toThrow('LSTM: expected lengths in [1, 5] (the sequence length), got [5, 0, 1]');
    expect(() => lstm.forward(x, { lengths: [5, 1] })).toThrow('LSTM: expected lengths with one entry per sequence (3), got 2 entries');
    expect(() => lstm.forward(x, { h0: zeros([1, 3, 6]) })).toThrow('LSTM: expected h0 [numLayers·directions, batch, features] = [2, 3, 6], got [1, 3, 6]');
    expect(() => lstm.forward(x, { h0: zeros([2, 3, 6]), c0: zeros([2, 2, 6]) })).toThrow('LSTM: expected c0 [numLayers·directions, batch, features] = [2, 3, 6], got [2, 2, 6]');
    const gru = new GRU({ inputSize: 4, hiddenSize: 6, batchFirst: true, bidirectional: true });
    expect(() => gru.forward(random([3, 5, 5], 1))).toThrow('GRU: expected input [batch, time, 4], got [3, 5, 5]');
    expect(() => gru.forward(random([3, 5, 4], 1), { h0: zeros([1, 3, 6]) })).toThrow('GRU: expected h0 [numLayers·directions, batch, features] = [2, 3, 6], got [1, 3, 6]');
    expect(() => new RNN({ inputSize: 4, hiddenSize: 0 })).toThrow('RNN: expected hiddenSize to be an integer ≥ 1, got number 0');
    expect(() => new LSTM({ inputSize: 4, hiddenSize: 3, numLayer: 2 } as never)).toThrow("LSTM: unknown option 'numLayer' (did you mean 'numLayers'?)");
    expect(() => new GRU({ inputSize: 4, hiddenSize: 3, projSize: 1 } as never)).toThrow("GRU: unknown option 'projSize'");
    expect(() => new GRU({ inputSize: 4, hiddenSize: 3, resetAfter: 'no' } as never)).toThrow('GRU: expected resetAfter to be a boolean, got "no" (a string)');
    expect(() => new RNN({ inputSize: 4, hiddenSize: 3, nonlinearity: 'sigmoid' } as never)).toThrow('RNN: expected nonlinearity to be one of "tanh", "relu", got "sigmoid" (a string)');
    expect(() => new LSTM({ inputSize: 4, hiddenSize: 3, projSize: 3 })).toThrow('LSTM: expected projSize smaller than hiddenSize 3, got 3');
    expect(() => new GRU({ inputSize: 4, hiddenSize: 3, dropout: 1 })).toThrow('GRU: expected dropout in [0, 1), got 1');
  });

  it('takes lengths as numbers, Int32Array or an int32 tensor; outputs 0 and gradients 0 past them', () => {
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true });
    const lengths = [2, 5, 3];
    const x = new Variable(random([5, 3, 3], 2), { requiresGrad: true });
    const a = gru.forward(x, { lengths });
    const b = gru.forward(x, { lengths: Int32Array.from(lengths) });
    const c = gru.forward(x, { lengths: tensor(lengths, { dtype: 'int32' }) });
    expect(b.output.value.toFlatArray()).toEqual(a.output.value.toFlatArray());
    expect(c.h_n.value.toFlatArray()).toEqual(a.h_n.value.toFlatArray());
    backward(weighted([a.output, a.h_n], 10));
    for (let t = 0; t < 5; t++) {
      for (let batch = 0; batch < 3; batch++) {
        for (let k = 0; k < 8; k++) if (t >= lengths[batch]) expect(a.output.value.data[(t * 3 + batch) * 8 + k]).toBe(0);
        for (let k = 0; k < 3; k++) if (t >= lengths[batch]) expect(x.grad!.data[(t * 3 + batch) * 3 + k]).toBe(0);
      }
    }
    // a sequence alone, cut to its length, gives the same final state as inside the batch
    const alone = gru.forward(sliceBatch(x.value, 0, lengths[0]));
    const rowsOfFirst = [0, 1].map((d) => Array.from(a.h_n.value.data.slice((d * 3 + 0) * 4, (d * 3 + 0) * 4 + 4)));
    const aloneRows = [0, 1].map((d) => Array.from(alone.h_n.value.data.slice(d * 4, d * 4 + 4)));
    expectClose('h_n of a short sequence', rowsOfFirst.flat(), aloneRows.flat());
  });

  it('applies dropout between layers in training mode only, from the seeded generator', () => {
    const make = (dropout: number) => new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, dropout, generator: new Generator(4) });
    const x = random([4, 2, 3], 3);
    const plain = make(0).forward(x).output.value.toFlatArray();
    expect(make(0.5).eval().forward(x).output.value.toFlatArray()).toEqual(plain);
    const first = make(0.5).forward(x).output.value.toFlatArray();
    expect(first).not.toEqual(plain);
    expect(make(0.5).forward(x).output.value.toFlatArray()).toEqual(first);
  });

  it('supports truncated BPTT: chunks with detached states equal one long sequence', () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, batchFirst: true });
    const x = random([2, 6, 3], 5);
    const whole = lstm.forward(x);
    const first = lstm.forward(sliceTime(x, 0, 3));
    const second = lstm.forward(sliceTime(x, 3, 6), { h0: detach(first.h_n), c0: detach(first.c_n) });
    expectClose('final h', second.h_n.value.data, whole.h_n.value.data);
    expectClose('last outputs', second.output.value.data, sliceTime(whole.output.value, 3, 6).data);
    backward(weighted([second.output], 20));
    const weight = Object.fromEntries(lstm.namedParameters()).weight_hh_l0;
    const chunked = Float32Array.from(weight.grad!.data);
    // the same chunk from constant states: equal gradients prove nothing flowed into chunk one
    lstm.zeroGrad();
    const again = lstm.forward(sliceTime(x, 3, 6), { h0: first.h_n.value, c0: first.c_n.value });
    backward(weighted([again.output], 20));
    expectClose('weight_hh_l0 gradient', chunked, weight.grad!.data, 0, 0);
  });

  it('batchFirst is the time-major layer with the first two axes swapped', () => {
    const options = () => ({ inputSize: 3, hiddenSize: 4, bidirectional: true, nonlinearity: 'relu' as const, generator: new Generator(8) });
    const timeMajor = new RNN(options());
    const batchFirst = new RNN({ ...options(), batchFirst: true });
    const x = random([5, 2, 3], 6);
    const a = timeMajor.forward(x);
    const b = batchFirst.forward(swap(x));
    expectClose('output', b.output.value.data, swap(a.output.value).data, 0, 0);
    expectClose('h_n', b.h_n.value.data, a.h_n.value.data, 0, 0);
  });
});

function swap(x: Tensor): Tensor {
  const [a, b, f] = x.shape;
  const out = zeros([b, a, f]);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let k = 0; k < f; k++) out.data[(j * a + i) * f + k] = x.data[(i * b + j) * f + k];
  return out;
}

function sliceTime(x: Tensor, from: number, to: number): Tensor {
  const [batch, , f] = x.shape;
  const steps = x.shape[1];
  const out = zeros([batch, to - from, f]);
  for (let b = 0; b < batch; b++) out.data.set(x.data.subarray((b * steps + from) * f, (b * steps + to) * f), b * (to - from) * f);
  return out;
}

function sliceBatch(x: Tensor, batchIndex: number, steps: number): Tensor {
  const [, batch, f] = x.shape;
  const out = zeros([steps, 1, f]);
  for (let t = 0; t < steps; t++) out.data.set(x.data.subarray((t * batch + batchIndex) * f, (t * batch + batchIndex + 1) * f), t * f);
  return out;
}

describe('reused work buffers', () => {
  // Forward and backward reuse tapes and gradient buffers between calls: a step must give the
  // same numbers whatever ran before it, including a step that filled those buffers with NaN.
  const layers = () => [
    new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, generator: new Generator(3) }),
    new LSTM({ inputSize: 3, hiddenSize: 5, projSize: 2, generator: new Generator(4) }),
    new GRU({ inputSize: 3, hiddenSize: 5, bidirectional: true, generator: new Generator(5) }),
    new RNN({ inputSize: 3, hiddenSize: 5, numLayers: 2, generator: new Generator(6) }),
  ];
  const gradients = (layer: LSTM | GRU | RNN, x: Tensor, lengths: number[] | null) => {
    const input = new Variable(x, { requiresGrad: true });
    const { output, h_n } = layer.forward(input, { lengths });
    backward(weighted([output, h_n], 11));
    const values = [output.value.data.slice(), input.grad!.data.slice(), ...layer.parameters().map((p) => p.grad!.data.slice())];
    layer.zeroGrad();
    return values;
  };

  it.each([0, 1, 2, 3])('give the same outputs and gradients after other shapes, lengths and NaN (layer %i)', (index) => {
    const layer = layers()[index];
    const x = random([4, 3, 3], 7);
    const first = gradients(layer, x, [4, 2, 1]);
    const poisoned = random([4, 3, 3], 8);
    (poisoned.data as Float32Array).fill(Number.NaN, 0, 9);
    gradients(layer, poisoned, null);
    noGrad(() => layer.forward(poisoned));
    gradients(layer, random([6, 3, 3], 9), [6, 1, 3]);
    const again = gradients(layer, x, [4, 2, 1]);
    first.forEach((values, i) => expectClose(`tensor ${i}`, again[i], values, 0, 0));
    const inference = noGrad(() => layer.forward(x, { lengths: [4, 2, 1] }).output.value.data);
    expectClose('inference output', inference, first[0], 0, 0);
  });
});

describe('unsorted lengths', () => {
  it('longestFirst orders rows by decreasing length, ties in batch order; null when already sorted', async () => {
    const { longestFirst } = await import('./fusedLayer.js');
    expect(longestFirst(Int32Array.from([5, 5, 3, 1]))).toBeNull();
    expect(longestFirst(Int32Array.from([2, 7, 2, 9]))).toEqual([3, 1, 0, 2]);
  });

  it('a batch in any order gives each sequence the outputs, states and gradients it gets in sorted order', () => {
    const [T, B, I, H] = [6, 4, 3, 5];
    const lengths = [2, 6, 4, 6];
    const order = [1, 3, 2, 0]; // the same sequences, longest first
    const x = random([T, B, I], 41);
    const h0 = random([4, B, H], 42);
    const c0 = random([4, B, H], 43);
    const run = (rows: number[]) => {
      const lstm = new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, generator: new Generator(44) });
      const input = new Variable(indexSelect(x, 1, rows), { requiresGrad: true });
      const { output, h_n, c_n } = lstm.forward(input, { h0: indexSelect(h0, 1, rows), c0: indexSelect(c0, 1, rows), lengths: rows.map((b) => lengths[b]) });
      backward(sum(mul(output, output)));
      return { output: output.value, h_n: h_n.value, c_n: c_n!.value, dx: input.grad!, dWeight: lstm.parameters()[1].grad! };
    };
    const given = run([0, 1, 2, 3]);
    const sorted = run(order);
    for (const [position, b] of order.entries()) {
      expect(Array.from(indexSelect(given.output, 1, [b]).data)).toEqual(Array.from(indexSelect(sorted.output, 1, [position]).data));
      expect(Array.from(indexSelect(given.h_n, 1, [b]).data)).toEqual(Array.from(indexSelect(sorted.h_n, 1, [position]).data));
      expect(Array.from(indexSelect(given.c_n, 1, [b]).data)).toEqual(Array.from(indexSelect(sorted.c_n, 1, [position]).data));
      expect(Array.from(indexSelect(given.dx, 1, [b]).data)).toEqual(Array.from(indexSelect(sorted.dx, 1, [position]).data));
    }
    expectClose('dW_hh', given.dWeight.data, sorted.dWeight.data);
  });
});

describe('retained graphs', () => {
  it('a second backward through a retained graph gives the same gradients, even after another forward reused the work buffers', () => {
    for (const Layer of [LSTM, GRU, RNN]) {
      for (const lengths of [undefined, [6, 2, 5, 3]]) {
        const layer = new Layer({ inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, generator: new Generator(5) });
        const x = new Variable(random([6, 4, 3], 51), { requiresGrad: true });
        const loss = sum(mul(layer.forward(x, { lengths }).output, random([6, 4, 10], 53)));
        backward(loss, { retainGraph: true });
        const first = Array.from(x.grad!.data);
        x.zeroGrad();
        // another step of the same shape takes the free tape buffers
        backward(sum(mul(layer.forward(random([6, 4, 3], 52), { lengths }).output, random([6, 4, 10], 54))));
        backward(loss);
        expect(Array.from(x.grad!.data), `${Layer.name}, lengths ${lengths}`).toEqual(first);
      }
    }
  });

  it('config() gives the options as plain JSON that rebuild the same layer', () => {
    const layers = [
      new LSTM({ inputSize: 3, hiddenSize: 5, numLayers: 2, projSize: 2, bidirectional: true, batchFirst: true }),
      new LSTM({ inputSize: 3, hiddenSize: 4, peephole: true, bias: false }),
      new GRU({ inputSize: 3, hiddenSize: 4, resetAfter: false, dropout: 0.25, numLayers: 2 }),
      new RNN({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', recurrentInit: 'orthogonal' }),
    ];
    for (const layer of layers) {
      const config = layer.config();
      expect(JSON.parse(JSON.stringify(config))).toEqual(config);
      const Layer = layer.constructor as new (options: typeof config) => typeof layer;
      const again = new Layer(config);
      expect(again.config()).toEqual(config);
      expect(again.namedParameters().map(([name, p]) => [name, p.shape])).toEqual(layer.namedParameters().map(([name, p]) => [name, p.shape]));
    }
    expect(layers[1].namedParameters().map(([name]) => name)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'weight_ci_l0', 'weight_cf_l0', 'weight_co_l0']);
  });
});
