import type { GpujsBackend, SequenceGradientInput, SequenceGradients, SequenceInput, SequenceOutput } from '../src/index.js';

/** A stored tensor of the PyTorch vectors (see test-vectors/README.md). */
export interface StoredTensor {
  shape: number[];
  data: (number | string)[];
}

/** The fields of a layer vector case this runner reads. */
export interface LayerCase {
  name: string;
  config: Record<string, any>;
  params?: Record<string, StoredTensor>;
  inputs?: Record<string, StoredTensor>;
  outputs?: Record<string, StoredTensor>;
  loss?: { weights: Record<string, StoredTensor> };
  grads?: Record<string, StoredTensor>;
}

/** Error budget `|actual − expected| ≤ absolute + relative·|expected|`. */
export interface Limits {
  absolute: number;
  relative: number;
}

/** PyTorch's float32 tolerance, which the `cpu` and `webasm` modes meet. */
export const exactLimits: Limits = { absolute: 1e-5, relative: 1e-4 };
/** WebGL float32 tolerance: GLSL `exp` and division are not correctly rounded. */
export const webglLimits: Limits = { absolute: 1e-4, relative: 1e-3 };

const floats = (stored: StoredTensor): Float32Array =>
  Float32Array.from(stored.data, (v) => (typeof v === 'number' ? v : Number(v.replace('Infinity', 'Infinity'))));

/** Throws when `actual` differs from `expected` beyond `limits`, naming the case and the element. */
export function expectClose(label: string, actual: Float32Array, expected: StoredTensor, limits: Limits): void {
  if (actual.length !== expected.data.length) {
    throw new Error(`${label}: expected ${expected.data.length} values [${expected.shape.join(', ')}], got ${actual.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const e = Number(expected.data[i]);
    if (!(Math.abs(actual[i] - e) <= limits.absolute + limits.relative * Math.abs(e))) {
      throw new Error(`${label}: [${i}] got ${actual[i]}, expected ${e} (limits ${limits.absolute} + ${limits.relative}·|x|)`);
    }
  }
}

/**
 * Runs one `lstm`/`lstm_proj`/`gru`/`rnn_*` layer case on the backend's fused sequence kernels — layers and
 * directions composed here on the host: the reverse direction runs on the time-reversed input —
 * and checks `output`, `h_n` and `c_n`; then, seeded with the loss weights, backpropagates
 * through the layers with the fused backward kernels and checks every gradient of the case.
 */
export function runLayerCase(backend: GpujsBackend, testCase: LayerCase, limits: Limits): void {
  const config = testCase.config;
  const mode = config.mode as string;
  const T = config.seq_len as number;
  const B = config.batch_size as number;
  const H = config.hidden_size as number;
  const L = config.num_layers as number;
  const D = config.bidirectional ? 2 : 1;
  // a projected LSTM's h (its output and h0, h_n) is R = proj_size wide
  const P = (config.proj_size ?? 0) as number;
  const R = P > 0 ? P : H;
  const params = testCase.params ?? {};
  const inputs = testCase.inputs ?? {};
  const outputs = testCase.outputs ?? {};
  // time-major [T, B, features] throughout; batch-first cases are transposed in and out
  let layerInput = toTimeMajor(floats(inputs.x), config.batch_first, T, B, config.input_size);
  let inputSize = config.input_size as number;
  const runs: SequenceInput[][] = [];
  const hN = new Float32Array(L * D * B * R);
  const cN = new Float32Array(L * D * B * H);
  for (let layer = 0; layer < L; layer++) {
    const layerOutput = new Float32Array(T * B * D * R);
    runs.push([]);
    for (let d = 0; d < D; d++) {
      const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      const stateRow = layer * D + d;
      const sequence: SequenceInput = {
        x: d === 1 ? reverseTime(layerInput, T, B * inputSize) : layerInput,
        sequenceLength: T, batch: B, inputSize, hiddenSize: H,
        weightIh: floats(params[`weight_ih${suffix}`]), weightHh: floats(params[`weight_hh${suffix}`]),
        biasIh: params[`bias_ih${suffix}`] && floats(params[`bias_ih${suffix}`]),
        biasHh: params[`bias_hh${suffix}`] && floats(params[`bias_hh${suffix}`]),
        h0: inputs.h0 && floats(inputs.h0).subarray(stateRow * B * R, (stateRow + 1) * B * R),
        c0: inputs.c0 && floats(inputs.c0).subarray(stateRow * B * H, (stateRow + 1) * B * H),
        ...(P > 0 ? { projSize: P, weightHr: floats(params[`weight_hr${suffix}`]) } : {}),
      };
      runs[layer].push(sequence);
      const result: SequenceOutput =
        mode === 'LSTM' ? backend.recurrent.lstmSequence(sequence)
          : mode === 'GRU' ? backend.recurrent.gruSequence(sequence)
            : backend.recurrent.rnnSequence(sequence, mode === 'RNN_RELU' ? 'relu' : 'tanh');
      const output = d === 1 ? reverseTime(result.output, T, B * R) : result.output;
      for (let row = 0; row < T * B; row++) layerOutput.set(output.subarray(row * R, (row + 1) * R), (row * D + d) * R);
      hN.set(result.hN, stateRow * B * R);
      if (result.cN) cN.set(result.cN, stateRow * B * H);
    }
    layerInput = layerOutput;
    inputSize = D * R;
  }
  expectClose(`${testCase.name} output`, toBatchFirst(layerInput, config.batch_first, T, B, D * R), outputs.output, limits);
  expectClose(`${testCase.name} h_n`, hN, outputs.h_n, limits);
  if (outputs.c_n) expectClose(`${testCase.name} c_n`, cN, outputs.c_n, limits);
  if (testCase.grads && testCase.loss) checkGradients(backend, testCase, runs, limits);
}

function checkGradients(backend: GpujsBackend, testCase: LayerCase, runs: SequenceInput[][], limits: Limits): void {
  const { config, grads = {}, loss } = testCase;
  const mode = config.mode as string;
  const T = config.seq_len as number;
  const B = config.batch_size as number;
  const H = config.hidden_size as number;
  const D = config.bidirectional ? 2 : 1;
  const P = (config.proj_size ?? 0) as number;
  const R = P > 0 ? P : H;
  const weights = loss!.weights;
  const dh0 = new Float32Array(runs.length * D * B * R);
  const dc0 = new Float32Array(runs.length * D * B * H);
  let dLayerOutput = toTimeMajor(floats(weights.output), config.batch_first, T, B, D * R);
  for (let layer = runs.length - 1; layer >= 0; layer--) {
    const inputSize = runs[layer][0].inputSize;
    const dLayerInput = new Float32Array(T * B * inputSize);
    for (let d = 0; d < D; d++) {
      const stateRow = layer * D + d;
      const dOutput = new Float32Array(T * B * R);
      for (let row = 0; row < T * B; row++) dOutput.set(dLayerOutput.subarray((row * D + d) * R, (row * D + d + 1) * R), row * R);
      const seed: SequenceGradientInput = {
        dOutput: d === 1 ? reverseTime(dOutput, T, B * R) : dOutput,
        dhN: weights.h_n && floats(weights.h_n).subarray(stateRow * B * R, (stateRow + 1) * B * R),
        dcN: weights.c_n && floats(weights.c_n).subarray(stateRow * B * H, (stateRow + 1) * B * H),
      };
      const sequence = runs[layer][d];
      const result: SequenceGradients =
        mode === 'LSTM' ? backend.recurrent.lstmSequenceBackward(sequence, seed)
          : mode === 'GRU' ? backend.recurrent.gruSequenceBackward(sequence, seed)
            : backend.recurrent.rnnSequenceBackward(sequence, seed, mode === 'RNN_RELU' ? 'relu' : 'tanh');
      const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      const label = `${testCase.name} grad`;
      expectClose(`${label} weight_ih${suffix}`, result.dWeightIh, grads[`weight_ih${suffix}`], limits);
      expectClose(`${label} weight_hh${suffix}`, result.dWeightHh, grads[`weight_hh${suffix}`], limits);
      if (grads[`bias_ih${suffix}`]) expectClose(`${label} bias_ih${suffix}`, result.dBiasIh, grads[`bias_ih${suffix}`], limits);
      if (grads[`bias_hh${suffix}`]) expectClose(`${label} bias_hh${suffix}`, result.dBiasHh, grads[`bias_hh${suffix}`], limits);
      if (grads[`weight_hr${suffix}`]) expectClose(`${label} weight_hr${suffix}`, result.dWeightHr ?? new Float32Array(0), grads[`weight_hr${suffix}`], limits);
      const dx = d === 1 ? reverseTime(result.dx, T, B * inputSize) : result.dx;
      for (let i = 0; i < dx.length; i++) dLayerInput[i] += dx[i];
      dh0.set(result.dh0, stateRow * B * R);
      if (result.dc0) dc0.set(result.dc0, stateRow * B * H);
    }
    dLayerOutput = dLayerInput;
  }
  expectClose(`${testCase.name} grad x`, toBatchFirst(dLayerOutput, config.batch_first, T, B, config.input_size), grads.x, limits);
  if (grads.h0) expectClose(`${testCase.name} grad h0`, dh0, grads.h0, limits);
  if (grads.c0) expectClose(`${testCase.name} grad c0`, dc0, grads.c0, limits);
}

function reverseTime(x: Float32Array, T: number, row: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let t = 0; t < T; t++) out.set(x.subarray(t * row, (t + 1) * row), (T - 1 - t) * row);
  return out;
}

function toTimeMajor(x: Float32Array, batchFirst: boolean, T: number, B: number, F: number): Float32Array {
  if (!batchFirst) return x;
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out.set(x.subarray((b * T + t) * F, (b * T + t + 1) * F), (t * B + b) * F);
  return out;
}

function toBatchFirst(x: Float32Array, batchFirst: boolean, T: number, B: number, F: number): Float32Array {
  if (!batchFirst) return x;
  const out = new Float32Array(x.length);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out.set(x.subarray((t * B + b) * F, (t * B + b + 1) * F), (b * T + t) * F);
  return out;
}
