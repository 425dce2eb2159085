import { GRUCell, LSTMCell } from '@recurrent/cells';
import { Generator, type Tensor, fromData } from '@recurrent/tensor';
import { assertClose } from '@recurrent/test-vectors';
import { describe, expect, it } from 'vitest';
import { kerasGRUToStateDict, kerasLSTMToStateDict, stateDictToKerasGRU, stateDictToKerasLSTM } from './keras.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const random = (shape: number[], generator: Generator) => {
  const size = shape.reduce((a, b) => a * b, 1);
  return fromData(Float32Array.from({ length: size }, () => generator.uniformIn(-0.8, 0.8)), shape);
};
const expectClose = (actual: Tensor, expected: number[], what: string) => {
  assertClose(what, actual, { shape: [...actual.shape], dtype: 'float64', data: expected });
};

/** x·W for row-major x [batch, inner] and W [inner, columns], in float64. */
function rowTimes(x: ArrayLike<number>, b: number, inner: number, w: ArrayLike<number>, columns: number, j: number): number {
  let total = 0;
  for (let k = 0; k < inner; k++) total += x[b * inner + k] * w[k * columns + j];
  return total;
}

describe('Keras LSTM weights', () => {
  const [inputSize, hiddenSize, batch, steps] = [3, 4, 2, 3];
  const generator = new Generator(7);
  const keras = { kernel: random([inputSize, 4 * hiddenSize], generator), recurrentKernel: random([hiddenSize, 4 * hiddenSize], generator), bias: random([4 * hiddenSize], generator) };
  const xs = Array.from({ length: steps }, () => random([batch, inputSize], generator));

  /** The Keras equations as plain loops: blocks i, f, c, o along the kernels' columns. */
  function kerasStep(x: Tensor, h: number[], c: number[]): { h: number[]; c: number[] } {
    const H = hiddenSize;
    const nextH = new Array<number>(batch * H);
    const nextC = new Array<number>(batch * H);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < H; j++) {
        const z = (gate: number) => rowTimes(x.data, b, inputSize, keras.kernel.data, 4 * H, gate * H + j) + rowTimes(h, b, H, keras.recurrentKernel.data, 4 * H, gate * H + j) + keras.bias.data[gate * H + j];
        const i = sigmoid(z(0));
        const f = sigmoid(z(1));
        const candidate = Math.tanh(z(2));
        const o = sigmoid(z(3));
        nextC[b * H + j] = f * c[b * H + j] + i * candidate;
        nextH[b * H + j] = o * Math.tanh(nextC[b * H + j]);
      }
    }
    return { h: nextH, c: nextC };
  }

  it("converted weights make LSTMCell's step equal Keras' equations, step after step", () => {
    const cell = new LSTMCell({ inputSize, hiddenSize });
    cell.loadStateDict(kerasLSTMToStateDict(keras));
    let expected = { h: new Array<number>(batch * hiddenSize).fill(0), c: new Array<number>(batch * hiddenSize).fill(0) };
    let state = cell.forward(xs[0]);
    for (let t = 0; t < steps; t++) {
      if (t > 0) state = cell.forward(xs[t], state);
      expected = kerasStep(xs[t], expected.h, expected.c);
      expectClose(state.h.value, expected.h, `h at step ${t}`);
      expectClose(state.c.value, expected.c, `c at step ${t}`);
    }
  });

  it('names layer entries with a suffix and converts back (bias_ih + bias_hh)', () => {
    const dict = kerasLSTMToStateDict(keras, { suffix: '_l0' });
    expect(Object.keys(dict)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    expect(dict.weight_ih_l0.shape).toEqual([4 * hiddenSize, inputSize]);
    const back = stateDictToKerasLSTM(dict, { suffix: '_l0' });
    expect(Array.from(back.kernel.data)).toEqual(Array.from(keras.kernel.data));
    expect(Array.from(back.recurrentKernel.data)).toEqual(Array.from(keras.recurrentKernel.data));
    expect(Array.from(back.bias!.data)).toEqual(Array.from(keras.bias.data));
  });

  it('rejects kernels of the wrong shape, naming them', () => {
    expect(() => kerasLSTMToStateDict({ ...keras, kernel: random([inputSize, 3 * hiddenSize], generator) })).toThrow(
      'kerasLSTMToStateDict: expected kernel [inputSize, 16], got [3, 12]',
    );
  });
});

describe('Keras GRU weights', () => {
  const [inputSize, hiddenSize, batch, steps] = [3, 4, 2, 3];
  const generator = new Generator(11);
  const keras = { kernel: random([inputSize, 3 * hiddenSize], generator), recurrentKernel: random([hiddenSize, 3 * hiddenSize], generator), bias: random([2, 3 * hiddenSize], generator) };
  const xs = Array.from({ length: steps }, () => random([batch, inputSize], generator));

  /** Keras' GRU with reset_after=True as plain loops: blocks z, r, h; bias rows input, recurrent. */
  function kerasStep(x: Tensor, h: number[]): number[] {
    const H = hiddenSize;
    const next = new Array<number>(batch * H);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < H; j++) {
        const fromInput = (gate: number) => rowTimes(x.data, b, inputSize, keras.kernel.data, 3 * H, gate * H + j) + keras.bias.data[gate * H + j];
        const fromState = (gate: number) => rowTimes(h, b, H, keras.recurrentKernel.data, 3 * H, gate * H + j) + keras.bias.data[3 * H + gate * H + j];
        const z = sigmoid(fromInput(0) + fromState(0));
        const r = sigmoid(fromInput(1) + fromState(1));
        const candidate = Math.tanh(fromInput(2) + r * fromState(2));
        next[b * H + j] = z * h[b * H + j] + (1 - z) * candidate;
      }
    }
    return next;
  }

  it("converted reset_after=True weights make GRUCell's step equal Keras' equations", () => {
    const cell = new GRUCell({ inputSize, hiddenSize });
    cell.loadStateDict(kerasGRUToStateDict(keras));
    let expected = new Array<number>(batch * hiddenSize).fill(0);
    let h = cell.forward(xs[0]);
    for (let t = 0; t < steps; t++) {
      if (t > 0) h = cell.forward(xs[t], h);
      expected = kerasStep(xs[t], expected);
      expectClose(h.value, expected, `h at step ${t}`);
    }
  });

  it('converts back to the Keras layout exactly', () => {
    const back = stateDictToKerasGRU(kerasGRUToStateDict(keras, { suffix: '_l0' }), { suffix: '_l0' });
    expect(Array.from(back.kernel.data)).toEqual(Array.from(keras.kernel.data));
    expect(Array.from(back.recurrentKernel.data)).toEqual(Array.from(keras.recurrentKernel.data));
    expect(Array.from(back.bias!.data)).toEqual(Array.from(keras.bias.data));
  });

  it("converts reset_after=False (TensorFlow.js' only GRU) for GRUCell({ resetAfter: false }), and back to one [3H] bias", () => {
    const single = { ...keras, bias: random([3 * hiddenSize], generator) };
    const H = hiddenSize;
    const step = (x: Tensor, h: number[]) => {
      const next = new Array<number>(batch * H);
      for (let b = 0; b < batch; b++) {
        const gate = (g: number, j: number, state: number[]) => rowTimes(x.data, b, inputSize, single.kernel.data, 3 * H, g * H + j) + single.bias.data[g * H + j] + rowTimes(state, b, H, single.recurrentKernel.data, 3 * H, g * H + j);
        const r = Array.from({ length: H }, (_, j) => sigmoid(gate(1, j, h)));
        const resetH = h.map((v, k) => (Math.floor(k / H) === b ? v * r[k % H] : v));
        for (let j = 0; j < H; j++) {
          const z = sigmoid(gate(0, j, h));
          next[b * H + j] = z * h[b * H + j] + (1 - z) * Math.tanh(gate(2, j, resetH));
        }
      }
      return next;
    };
    const cell = new GRUCell({ inputSize, hiddenSize, resetAfter: false });
    cell.loadStateDict(kerasGRUToStateDict(single, { resetAfter: false }));
    let expected = new Array<number>(batch * H).fill(0);
    let h = cell.forward(xs[0]);
    for (let t = 0; t < steps; t++) {
      if (t > 0) h = cell.forward(xs[t], h);
      expected = step(xs[t], expected);
      expectClose(h.value, expected, `h at step ${t}`);
    }
    const back = stateDictToKerasGRU(cell.stateDict(), { resetAfter: false });
    expect(back.bias!.shape).toEqual([3 * H]);
    expectClose(back.bias!, Array.from(single.bias.data), 'bias');
    expect(() => kerasGRUToStateDict(single)).toThrow(/got bias \[12\], the reset_after=False layout \(pass resetAfter: false\)/);
  });

  it('refuses a gate function the target layer does not compute, naming it', () => {
    expect(() => kerasGRUToStateDict(keras, { recurrentActivation: 'hard_sigmoid' })).toThrow(
      "kerasGRUToStateDict: expected a target layer whose recurrentActivation matches recurrent_activation 'hard_sigmoid' (pass layerRecurrentActivation: 'hardSigmoid' and build the layer with it), got layerRecurrentActivation 'sigmoid'",
    );
    expect(Object.keys(kerasGRUToStateDict(keras, { recurrentActivation: 'hard_sigmoid', layerRecurrentActivation: 'hardSigmoid' }))).toHaveLength(4);
    expect(() => kerasLSTMToStateDict({ kernel: random([3, 8], generator), recurrentKernel: random([2, 8], generator) }, { recurrentActivation: 'tanh' })).toThrow(
      "expected recurrent_activation 'sigmoid' or 'hard_sigmoid' (the gates the library's layers compute), got 'tanh'",
    );
    expect(() => kerasGRUToStateDict(keras, { activation: 'relu' })).toThrow("expected activation 'tanh', got 'relu'");
  });
});
