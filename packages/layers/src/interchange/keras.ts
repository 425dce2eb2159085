import { type Tensor, fail, formatShape, fromData } from '@recurrent/tensor';

/**
 * One Keras / TensorFlow.js LSTM layer's weights, as `layer.getWeights()` returns them.
 *
 * Shapes: `kernel: [inputSize, 4·hiddenSize]`, `recurrentKernel: [hiddenSize, 4·hiddenSize]`,
 * `bias: [4·hiddenSize]` (absent when `use_bias=False`); gate blocks along the last axis in
 * Keras' order `i, f, c, o` (`c` is PyTorch's `g`).
 */
export interface KerasLSTMWeights {
  kernel: Tensor;
  recurrentKernel: Tensor;
  bias?: Tensor;
}

/**
 * One Keras / TensorFlow.js GRU layer's weights.
 *
 * Shapes: `kernel: [inputSize, 3·hiddenSize]`, `recurrentKernel: [hiddenSize, 3·hiddenSize]`,
 * gate blocks in Keras' order `z, r, h`; `bias: [2, 3·hiddenSize]` (input bias, recurrent bias)
 * with `reset_after=True` (the Keras 2 default), `[3·hiddenSize]` with `reset_after=False`.
 */
export interface KerasGRUWeights {
  kernel: Tensor;
  recurrentKernel: Tensor;
  bias?: Tensor;
}

/** Options of the Keras converters. */
export interface KerasConversionOptions {
  /** Appended to every state-dict name: `''` for a cell (`weight_ih`), `'_l0'` for the first
   * layer of an `LSTM` / `GRU` (`weight_ih_l0`), `'_l0_reverse'` for its backward direction. */
  suffix?: string;
  /** The Keras layer's `recurrent_activation` (default `'sigmoid'`, Keras 2's; TensorFlow.js
   * 4.22 defaults to `'hard_sigmoid'`). The gate function is not in the weights: it must match
   * the `recurrentActivation` of the library layer the entries go into, named by
   * `layerRecurrentActivation`; a mismatch, or any other gate function, is an error naming it. */
  recurrentActivation?: string;
  /** The `recurrentActivation` of the layer the entries will load into (default `'sigmoid'`):
   * `'hardSigmoid'` for a Keras `hard_sigmoid` layer (`new LSTM({ recurrentActivation: 'hardSigmoid', … })`). */
  layerRecurrentActivation?: 'sigmoid' | 'hardSigmoid';
  /** The Keras layer's `activation` (default `'tanh'`); anything else is refused likewise. */
  activation?: string;
}

/** Options of {@link kerasGRUToStateDict} and {@link stateDictToKerasGRU}. */
export interface KerasGRUConversionOptions extends KerasConversionOptions {
  /** The Keras layer's `reset_after` (default true, Keras 2's; TensorFlow.js 4.22 has only
   * false). With false the state dict is that of a reset-before GRU: load it into
   * `new GRUCell({ resetAfter: false, … })` (or a `Recurrent` of one), not into `GRU`. */
  resetAfter?: boolean;
}

/** One Keras / TensorFlow.js `Dense` or `SimpleRNN` layer's weights (`kernel [in, out]`). */
export interface KerasDenseWeights {
  kernel: Tensor;
  bias?: Tensor;
}

/** One Keras / TensorFlow.js `SimpleRNN` layer's weights. */
export interface KerasSimpleRNNWeights {
  kernel: Tensor;
  recurrentKernel: Tensor;
  bias?: Tensor;
}

/** Throws unless the Keras activations are the ones the target layer computes. */
export function checkKerasActivations(op: string, options: KerasConversionOptions, gated = true): void {
  const normal = (name: string) => name.replace(/_/g, '').toLowerCase();
  const recurrent = options.recurrentActivation ?? 'sigmoid';
  const layer = options.layerRecurrentActivation ?? 'sigmoid';
  if (gated) {
    const gate = normal(recurrent);
    if (gate !== 'sigmoid' && gate !== 'hardsigmoid') {
      fail(op, "recurrent_activation 'sigmoid' or 'hard_sigmoid' (the gates the library's layers compute)", `'${recurrent}'`);
    }
    const wanted = gate === 'hardsigmoid' ? 'hardSigmoid' : 'sigmoid';
    if (wanted !== layer) {
      fail(op, `a target layer whose recurrentActivation matches recurrent_activation '${recurrent}' (pass layerRecurrentActivation: '${wanted}' and build the layer with it)`, `layerRecurrentActivation '${layer}'`);
    }
  }
  const activation = options.activation ?? 'tanh';
  if (normal(activation) !== 'tanh' && !(gated === false && normal(activation) === 'relu')) {
    fail(op, gated ? "activation 'tanh'" : "activation 'tanh' or 'relu'", `'${activation}'`);
  }
}

/**
 * Converts Keras LSTM weights into PyTorch state-dict entries. Keras computes
 * `i = σ(x W_i + h U_i + b_i)`, `f = σ(…)`, `c̃ = tanh(…)`, `o = σ(…)`, `c' = f·c + i·c̃`,
 * `h' = o·tanh(c')` (with its defaults `activation='tanh'`, `recurrent_activation='sigmoid'`):
 * the same equations and gate order as PyTorch (`c̃` is `g`), with `x W` instead of `W x` and a
 * single bias. So `weight_ih = kernelᵀ`, `weight_hh = recurrentKernelᵀ`, `bias_ih = bias` and
 * `bias_hh = 0`. Pass the Keras layer's `recurrentActivation`: TensorFlow.js 4.22 defaults to
 * `hard_sigmoid`, which needs a layer built with `recurrentActivation: 'hardSigmoid'` (say so with
 * `layerRecurrentActivation: 'hardSigmoid'`); a mismatch is an error, never a silent conversion.
 *
 * Shapes: see {@link KerasLSTMWeights}; returns `weight_ih [4H, I]`, `weight_hh [4H, H]`,
 * `bias_ih [4H]`, `bias_hh [4H]` (biases only when the Keras layer has one).
 *
 * @example
 * const [kernel, recurrentKernel, bias] = kerasLayer.getWeights();
 * cell.loadStateDict(kerasLSTMToStateDict({ kernel, recurrentKernel, bias }));
 */
export function kerasLSTMToStateDict(weights: KerasLSTMWeights, options: KerasConversionOptions = {}): Record<string, Tensor> {
  checkKerasActivations('kerasLSTMToStateDict', options);
  const { hiddenSize } = checkKernels('kerasLSTMToStateDict', weights, 4);
  const suffix = options.suffix ?? '';
  const result: Record<string, Tensor> = {
    [`weight_ih${suffix}`]: transposed(weights.kernel),
    [`weight_hh${suffix}`]: transposed(weights.recurrentKernel),
  };
  if (weights.bias) {
    checkBias('kerasLSTMToStateDict', weights.bias, [4 * hiddenSize]);
    result[`bias_ih${suffix}`] = copy(weights.bias.data, [4 * hiddenSize]);
    result[`bias_hh${suffix}`] = fromData(new Float32Array(4 * hiddenSize), [4 * hiddenSize]);
  }
  return result;
}

/**
 * Converts Keras GRU weights into PyTorch state-dict entries. With `reset_after=True` (Keras 2's
 * default) Keras computes `z = σ(x W_z + b_z + h U_z + b'_z)`, `r = σ(x W_r + b_r + h U_r + b'_r)`,
 * `h̃ = tanh(x W_h + b_h + r·(h U_h + b'_h))`, `h' = z·h + (1 − z)·h̃`: PyTorch's equations with
 * `n = h̃`. The gate blocks move from `z, r, h` to PyTorch's `r, z, n`, the kernels are transposed,
 * and the two bias rows become `bias_ih` and `bias_hh`.
 *
 * `reset_after=False` (the original Cho et al. GRU, TensorFlow.js' only form) computes
 * `h̃ = tanh(x W_h + b_h + (r·h) U_h)` with one bias `[3H]`: the reset gate acts before the
 * recurrent product. No weights of PyTorch's `GRU` reproduce that, but the library's
 * `GRUCell({ resetAfter: false })` does: the entries (`bias_ih = bias`, `bias_hh = 0`) load into it
 * (or into a `Recurrent` / `Bidirectional` of it).
 *
 * Shapes: see {@link KerasGRUWeights}; returns `weight_ih [3H, I]`, `weight_hh [3H, H]`,
 * `bias_ih [3H]`, `bias_hh [3H]`.
 *
 * @example
 * gru.loadStateDict(kerasGRUToStateDict({ kernel, recurrentKernel, bias }, { suffix: '_l0' }));
 * const cell = new GRUCell({ inputSize: 8, hiddenSize: 16, resetAfter: false });
 * cell.loadStateDict(kerasGRUToStateDict(tfjsWeights, { resetAfter: false, recurrentActivation: 'sigmoid' }));
 */
export function kerasGRUToStateDict(weights: KerasGRUWeights, options: KerasGRUConversionOptions = {}): Record<string, Tensor> {
  const op = 'kerasGRUToStateDict';
  checkKerasActivations(op, options);
  const { hiddenSize } = checkKernels(op, weights, 3);
  const resetAfter = options.resetAfter ?? true;
  const suffix = options.suffix ?? '';
  const result: Record<string, Tensor> = {
    [`weight_ih${suffix}`]: transposed(weights.kernel, zrhToRzn),
    [`weight_hh${suffix}`]: transposed(weights.recurrentKernel, zrhToRzn),
  };
  if (weights.bias) {
    const rows = 3 * hiddenSize;
    if (!resetAfter) {
      checkBias(op, weights.bias, [rows]);
      result[`bias_ih${suffix}`] = copy(reorderBlocks(weights.bias.data, 1, rows, zrhToRzn), [rows]);
      result[`bias_hh${suffix}`] = fromData(new Float32Array(rows), [rows]);
      return result;
    }
    if (weights.bias.rank === 1) {
      fail(op, `bias [2, ${rows}] (input and recurrent rows, reset_after=True)`, `bias ${formatShape(weights.bias.shape)}, the reset_after=False layout (pass resetAfter: false)`);
    }
    checkBias(op, weights.bias, [2, rows]);
    result[`bias_ih${suffix}`] = copy(reorderBlocks(weights.bias.data.subarray(0, rows), 1, rows, zrhToRzn), [rows]);
    result[`bias_hh${suffix}`] = copy(reorderBlocks(weights.bias.data.subarray(rows), 1, rows, zrhToRzn), [rows]);
  }
  return result;
}

/**
 * Converts a Keras / TensorFlow.js `Dense` layer into a `Linear`'s entries: `y = x K + b` is
 * `x Wᵀ + b` with `weight = kernelᵀ [out, in]`. (The layer's `activation` is not a weight: apply
 * it after the `Linear`.)
 *
 * @example
 * linear.loadStateDict(kerasDenseToStateDict({ kernel, bias }));
 */
export function kerasDenseToStateDict(weights: KerasDenseWeights, options: { prefix?: string } = {}): Record<string, Tensor> {
  const { kernel, bias } = weights;
  if (kernel.rank !== 2) fail('kerasDenseToStateDict', 'kernel [inFeatures, outFeatures]', formatShape(kernel.shape));
  const prefix = options.prefix ?? '';
  const result: Record<string, Tensor> = { [`${prefix}weight`]: transposed(kernel) };
  if (bias) {
    checkBias('kerasDenseToStateDict', bias, [kernel.shape[1]]);
    result[`${prefix}bias`] = copy(bias.data, [kernel.shape[1]]);
  }
  return result;
}

/** The inverse of {@link kerasDenseToStateDict}: a `Linear`'s `weight [out, in]` and `bias` as Keras `kernel [in, out]` and `bias`. @example const { kernel, bias } = stateDictToKerasDense(linear.stateDict()); */
export function stateDictToKerasDense(dict: Record<string, Tensor>, options: { prefix?: string } = {}): KerasDenseWeights {
  const prefix = options.prefix ?? '';
  const weight = need('stateDictToKerasDense', dict, `${prefix}weight`);
  const result: KerasDenseWeights = { kernel: transposed(weight) };
  const bias = dict[`${prefix}bias`];
  if (bias) result.bias = copy(bias.data, [bias.size]);
  return result;
}

/**
 * Converts a Keras / TensorFlow.js `SimpleRNN` (`h' = act(x W + h U + b)`) into an `RNN` /
 * `RNNCell`'s entries: `weight_ih = kernelᵀ`, `weight_hh = recurrentKernelᵀ`, `bias_ih = bias`,
 * `bias_hh = 0`. `activation` must be `tanh` (default) or `relu` (the RNN's `nonlinearity`).
 *
 * @example
 * rnn.loadStateDict(kerasSimpleRNNToStateDict({ kernel, recurrentKernel, bias }, { suffix: '_l0' }));
 */
export function kerasSimpleRNNToStateDict(weights: KerasSimpleRNNWeights, options: KerasConversionOptions = {}): Record<string, Tensor> {
  const op = 'kerasSimpleRNNToStateDict';
  checkKerasActivations(op, options, false);
  const { hiddenSize } = checkKernels(op, weights, 1);
  const suffix = options.suffix ?? '';
  const result: Record<string, Tensor> = {
    [`weight_ih${suffix}`]: transposed(weights.kernel),
    [`weight_hh${suffix}`]: transposed(weights.recurrentKernel),
  };
  if (weights.bias) {
    checkBias(op, weights.bias, [hiddenSize]);
    result[`bias_ih${suffix}`] = copy(weights.bias.data, [hiddenSize]);
    result[`bias_hh${suffix}`] = fromData(new Float32Array(hiddenSize), [hiddenSize]);
  }
  return result;
}

/** The inverse of {@link kerasSimpleRNNToStateDict} (`bias = bias_ih + bias_hh`). @example const w = stateDictToKerasSimpleRNN(rnn.stateDict(), { suffix: '_l0' }); */
export function stateDictToKerasSimpleRNN(dict: Record<string, Tensor>, options: KerasConversionOptions = {}): KerasSimpleRNNWeights {
  // One gate block: the LSTM inverse's transposes and bias sum are exactly this.
  return stateDictToKerasLSTM(dict, options);
}

/**
 * The inverse of {@link kerasLSTMToStateDict}: PyTorch LSTM state-dict entries as Keras weights
 * (`bias = bias_ih + bias_hh`, since Keras keeps one bias).
 *
 * @example
 * const { kernel, recurrentKernel, bias } = stateDictToKerasLSTM(cell.stateDict());
 */
export function stateDictToKerasLSTM(dict: Record<string, Tensor>, options: KerasConversionOptions = {}): KerasLSTMWeights {
  const suffix = options.suffix ?? '';
  const weightIh = need('stateDictToKerasLSTM', dict, `weight_ih${suffix}`);
  const weightHh = need('stateDictToKerasLSTM', dict, `weight_hh${suffix}`);
  const result: KerasLSTMWeights = { kernel: transposed(weightIh), recurrentKernel: transposed(weightHh) };
  const biasIh = dict[`bias_ih${suffix}`];
  const biasHh = dict[`bias_hh${suffix}`];
  if (biasIh && biasHh) {
    const sum = new Float32Array(biasIh.size);
    for (let k = 0; k < sum.length; k++) sum[k] = biasIh.data[k] + biasHh.data[k];
    result.bias = fromData(sum, [sum.length]);
  }
  return result;
}

/**
 * The inverse of {@link kerasGRUToStateDict}: GRU state-dict entries as Keras weights, gate blocks
 * back to `z, r, h`. For a `reset_after=True` layer (default) the biases stack as `[2, 3H]`; with
 * `resetAfter: false` (TensorFlow.js' GRU, whose `setWeights` takes a `[3H]` bias) they add up to
 * one `[3H]` bias, which is exact for a reset-before cell (`GRUCell({ resetAfter: false })`):
 * there `b_hn` sits outside the reset product, beside `b_in`. A PyTorch-style (reset-after) GRU
 * has no reset_after=False equivalent, so convert only a reset-before cell's entries that way.
 *
 * @example
 * const { kernel, recurrentKernel, bias } = stateDictToKerasGRU(gru.stateDict(), { suffix: '_l0' });
 * tfjsGru.setWeights(Object.values(stateDictToKerasGRU(cell.stateDict(), { resetAfter: false })).map(toTf));
 */
export function stateDictToKerasGRU(dict: Record<string, Tensor>, options: KerasGRUConversionOptions = {}): KerasGRUWeights {
  const op = 'stateDictToKerasGRU';
  const suffix = options.suffix ?? '';
  const weightIh = need(op, dict, `weight_ih${suffix}`);
  const weightHh = need(op, dict, `weight_hh${suffix}`);
  const rows = weightIh.shape[0];
  const result: KerasGRUWeights = {
    kernel: transposed(copy(reorderBlocks(weightIh.data, weightIh.shape[1], rows, rznToZrh), weightIh.shape)),
    recurrentKernel: transposed(copy(reorderBlocks(weightHh.data, weightHh.shape[1], rows, rznToZrh), weightHh.shape)),
  };
  const biasIh = dict[`bias_ih${suffix}`];
  const biasHh = dict[`bias_hh${suffix}`];
  if (biasIh && biasHh) {
    const ih = reorderBlocks(biasIh.data, 1, rows, rznToZrh);
    const hh = reorderBlocks(biasHh.data, 1, rows, rznToZrh);
    if (options.resetAfter === false) {
      result.bias = fromData(ih.map((v, k) => v + hh[k]), [rows]);
    } else {
      const stacked = new Float32Array(2 * rows);
      stacked.set(ih, 0);
      stacked.set(hh, rows);
      result.bias = fromData(stacked, [2, rows]);
    }
  }
  return result;
}

// block k of the result is block order[k] of the source
const zrhToRzn = [1, 0, 2];
const rznToZrh = [1, 0, 2];

function checkKernels(op: string, weights: { kernel: Tensor; recurrentKernel: Tensor }, gates: number): { hiddenSize: number } {
  const { kernel, recurrentKernel } = weights;
  if (recurrentKernel.rank !== 2 || recurrentKernel.shape[1] !== gates * recurrentKernel.shape[0]) {
    fail(op, `recurrentKernel [hiddenSize, ${gates}·hiddenSize]`, formatShape(recurrentKernel.shape));
  }
  const hiddenSize = recurrentKernel.shape[0];
  if (kernel.rank !== 2 || kernel.shape[1] !== gates * hiddenSize) {
    fail(op, `kernel [inputSize, ${gates * hiddenSize}]`, formatShape(kernel.shape));
  }
  return { hiddenSize };
}

function checkBias(op: string, bias: Tensor, shape: number[]): void {
  if (bias.rank !== shape.length || bias.shape.some((d, k) => d !== shape[k])) fail(op, `bias ${formatShape(shape)}`, formatShape(bias.shape));
}

function need(op: string, dict: Record<string, Tensor>, name: string): Tensor {
  const value = dict[name];
  if (!value || value.rank !== 2) fail(op, `a 2-D '${name}' in the state dict`, value ? formatShape(value.shape) : 'none');
  return value;
}

/** `[rows, columns]` → `[columns, rows]` as float32, with the column blocks reordered first. */
function transposed(matrix: Tensor, order?: number[]): Tensor {
  const [rows, columns] = matrix.shape;
  const out = new Float32Array(rows * columns);
  const block = order ? columns / order.length : columns;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const source = order ? order[Math.floor(c / block)] * block + (c % block) : c;
      out[c * rows + r] = matrix.data[r * columns + source];
    }
  }
  return fromData(out, [columns, rows]);
}

/** Reorders the gate blocks of a `[rows, width]` row-major matrix along its rows. */
function reorderBlocks(data: ArrayLike<number>, width: number, rows: number, order: number[]): Float32Array {
  const out = new Float32Array(rows * width);
  const block = rows / order.length;
  for (let k = 0; k < order.length; k++) {
    for (let r = 0; r < block; r++) {
      for (let c = 0; c < width; c++) out[(k * block + r) * width + c] = data[(order[k] * block + r) * width + c];
    }
  }
  return out;
}

function copy(data: ArrayLike<number>, shape: readonly number[]): Tensor {
  return fromData(Float32Array.from(data), shape);
}
