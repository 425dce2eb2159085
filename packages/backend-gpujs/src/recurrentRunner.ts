import type { CompiledKernel, Device, DeviceBuffer, DeviceCounters } from './device.js';
import {
  gatherGradientsKernel, gruBackwardKernel, gruResetBeforeBackwardKernel, gruResetBeforeDeltaKernel, initialBackwardKernel,
  lstmBackwardKernel, lstmHiddenGradientKernel, rnnBackwardKernel,
} from './recurrentBackwardSources.js';
import {
  appendRowKernel, gruCellKernel, initialHistoryKernel, lstmCellKernel, lstmProjectKernel, projectionKernel, recurrentProductKernel,
  rnnCellKernel, uploadKernel,
} from './recurrentSources.js';
import {
  checkGradients, checkSequence, gates, sequenceShape, swapFirstAxes,
  type RecurrentMode, type RunCost, type SequenceGradientInput, type SequenceGradients, type SequenceInput, type SequenceOutput,
} from './sequenceInput.js';

const opName = (mode: RecurrentMode, suffix: string): string =>
  `${mode === 'LSTM' ? 'lstm' : mode === 'GRU' ? 'gru' : 'rnn'}Sequence${suffix}`;

/**
 * Runs whole sequences with fused per-step kernels that keep the state on the device: one
 * input projection for all steps, three launches per step (recurrent product, gate arithmetic,
 * history append), one download at the end, every device buffer released before returning.
 * Peepholes and the GRU's reset-before form run inside the same three launches; the LSTM's
 * projection adds one per step (`h = W_hr m`), and the backward of both a projected LSTM and a
 * reset-before GRU one per step (`∂L/∂h_t`, `da_n`).
 */
export class RecurrentRunner {
  /** Cost of the last sequence run. */
  lastCost: RunCost = { launches: 0, uploads: 0, downloads: 0 };
  private readonly kernels = new Map<string, CompiledKernel>();

  constructor(private readonly device: Device) {}

  /** Runs `mode` over a whole sequence (see {@link SequenceInput} for shapes). */
  run(mode: RecurrentMode, input: SequenceInput): SequenceOutput {
    checkSequence(opName(mode, ''), mode, input);
    const before = { ...this.device.counters };
    const held: DeviceBuffer[] = [];
    try {
      const { history } = this.forward(mode, input, held);
      return this.unpack(mode, this.device.download(history), input);
    } finally {
      this.finish(held, before);
    }
  }

  /**
   * Forward and backpropagation through time over a whole sequence: the forward runs again on
   * the device (nothing is held between calls), the backward walks the steps in reverse with two
   * launches per step, and one gathering launch forms `dx`, `dW_ih`, `dW_hh`, the bias gradients,
   * `dh0`, `dc0` and the forward results in one buffer for one download.
   */
  runBackward(mode: RecurrentMode, input: SequenceInput, grads: SequenceGradientInput): SequenceGradients {
    const op = opName(mode, 'Backward');
    checkSequence(op, mode, input);
    checkGradients(op, mode, input, grads);
    const { sequenceLength: T, batch: B, inputSize: I, hiddenSize: H } = input;
    const shape = sequenceShape(mode, input);
    const { recurrentWidth: R, projSize: P, stateWidth, resetBefore, hard } = shape;
    const G = gates[mode];
    const device = this.device;
    const before = { ...device.counters };
    const held: DeviceBuffer[] = [];
    try {
      const { history, projection, whh, bhh, x, wih } = this.forward(mode, input, held);
      // ∂L/∂h_n joins the output gradient of the last step
      const dOutput = input.batchFirst ? swapFirstAxes(grads.dOutput, B, T, R) : Float32Array.from(grads.dOutput);
      if (grads.dhN) for (let i = 0; i < B * R; i++) dOutput[(T - 1) * B * R + i] += grads.dhN[i];
      const width = mode === 'LSTM' ? 5 * H + (P > 0 ? R + H : 0) : mode === 'GRU' ? 7 * H : H;
      const rowSize = B * width;
      const carry = new Float32Array(rowSize);
      if (grads.dcN) for (let b = 0; b < B; b++) carry.set(grads.dcN.subarray(b * H, (b + 1) * H), b * width + 4 * H);
      const size = (T + 1) * rowSize;
      const dOutputBuffer = device.keep(this.kernel('upload', uploadKernel), T * B * R, [dOutput]);
      held.push(dOutputBuffer);
      let backward = device.keep(this.kernel('initialBackward', initialBackwardKernel), size, [carry, rowSize, T]);
      for (let t = T - 1; t >= 0; t--) {
        let row: DeviceBuffer;
        if (mode === 'LSTM') {
          // with a projection, ∂L/∂h_t first (every m_j of the step reads all of it)
          const dHidden = P > 0
            ? device.keep(this.kernel('lstmHiddenGradient', lstmHiddenGradientKernel), B * R, [backward.value, whh.value, dOutputBuffer.value, t, B, H, P, width])
            : null;
          row = device.keep(this.kernel('lstmBackward', lstmBackwardKernel), rowSize, [
            backward.value, history.value, projection.value, whh.value, dOutputBuffer.value, (dHidden ?? dOutputBuffer).value, t, B, H, P, hard,
          ]);
          if (dHidden) device.release(dHidden);
        } else if (mode === 'GRU' && resetBefore) {
          // da_n of every unit first (da_r reads W_hnᵀ da_n)
          const delta = device.keep(this.kernel('gruResetBeforeDelta', gruResetBeforeDeltaKernel), B * 3 * H, [
            backward.value, history.value, projection.value, whh.value, bhh!.value, dOutputBuffer.value, t, B, H, hard,
          ]);
          row = device.keep(this.kernel('gruResetBeforeBackward', gruResetBeforeBackwardKernel), rowSize, [delta.value, history.value, whh.value, t, B, H, hard]);
          device.release(delta);
        } else if (mode === 'GRU') {
          row = device.keep(this.kernel('gruBackward', gruBackwardKernel), rowSize, [
            backward.value, history.value, projection.value, whh.value, bhh!.value, dOutputBuffer.value, t, B, H, hard,
          ]);
        } else {
          row = device.keep(this.kernel('rnnBackward', rnnBackwardKernel), rowSize, [
            backward.value, history.value, whh.value, dOutputBuffer.value, t, B, H, mode === 'RNN_RELU' ? 1 : 0,
          ]);
        }
        backward = this.append(backward, row, t);
      }
      held.push(backward);
      const GH = G * H;
      const lengths = [T * B * I, GH * I, GH * R, GH, GH, B * R, B * H, T * B * R, B * R, B * H, P * H, mode === 'LSTM' ? 3 * H : 0];
      const ends = new Float32Array(lengths.length - 1);
      let total = 0;
      for (let i = 0; i < ends.length; i++) ends[i] = total += lengths[i];
      total += lengths[lengths.length - 1];
      const sizes = Float32Array.from([
        T, B, I, R, GH, width, stateWidth, 0, mode === 'GRU' ? 3 * H : 0, mode === 'GRU' ? 6 * H : -1, mode === 'LSTM' ? 4 * H : -1,
        H, resetBefore ? 2 * H : GH, resetBefore ? H : -1, P > 0 ? 5 * H : -1, P > 0 ? 5 * H + R : -1,
      ]);
      const gathered = device.keep(this.kernel('gatherGradients', gatherGradientsKernel), total, [
        backward.value, history.value, x.value, wih.value, whh.value, ends, sizes,
      ]);
      held.push(gathered);
      const all = device.download(gathered);
      const part = (i: number): Float32Array => all.slice(i === 0 ? 0 : ends[i - 1], i < ends.length ? ends[i] : total);
      const output = part(7);
      const dx = part(0);
      const result: SequenceGradients = {
        output: input.batchFirst ? swapFirstAxes(output, T, B, R) : output,
        hN: part(8),
        dx: input.batchFirst ? swapFirstAxes(dx, T, B, I) : dx,
        dh0: part(5),
        dWeightIh: part(1),
        dWeightHh: part(2),
        dBiasIh: part(3),
        dBiasHh: part(4),
      };
      if (mode === 'LSTM') {
        result.cN = part(9);
        result.dc0 = part(6);
        if (P > 0) result.dWeightHr = part(10);
        if (input.weightCi) {
          const peepholes = part(11);
          result.dWeightCi = peepholes.slice(0, H);
          result.dWeightCf = peepholes.slice(H, 2 * H);
          result.dWeightCo = peepholes.slice(2 * H);
        }
      }
      if (!input.biasIh) result.dBiasIh.fill(0);
      if (!input.biasHh) result.dBiasHh.fill(0);
      return result;
    } finally {
      this.finish(held, before);
    }
  }

  /** The forward pass, its buffers left on the device (and in `held`, to be released). */
  private forward(mode: RecurrentMode, input: SequenceInput, held: DeviceBuffer[]): {
    history: DeviceBuffer; projection: DeviceBuffer; whh: DeviceBuffer; bhh?: DeviceBuffer; x: DeviceBuffer; wih: DeviceBuffer;
  } {
    const device = this.device;
    const { sequenceLength: T, batch: B, inputSize: I, hiddenSize: H } = input;
    const { recurrentWidth: R, projSize: P, stateWidth: width, resetBefore, hard } = sequenceShape(mode, input);
    const G = gates[mode];
    const rowSize = B * width;
    // b_hh folds into the projection except for the GRU, whose reset gate multiplies W_hn h + b_hn
    const projectionBias = new Float32Array(G * H);
    if (input.biasIh) projectionBias.set(input.biasIh);
    if (input.biasHh && mode !== 'GRU') for (let i = 0; i < G * H; i++) projectionBias[i] += input.biasHh[i];
    const initial = new Float32Array(rowSize);
    for (let b = 0; b < B; b++) {
      if (input.h0) initial.set(input.h0.subarray(b * R, (b + 1) * R), b * width);
      if (input.c0) initial.set(input.c0.subarray(b * H, (b + 1) * H), b * width + R);
    }
    const x = this.upload(input.batchFirst ? swapFirstAxes(input.x, B, T, I) : input.x, held);
    const wih = this.upload(input.weightIh, held);
    const projection = device.keep(this.kernel('projection', projectionKernel), T * B * G * H, [
      x.value, wih.value, projectionBias, I, G * H,
    ]);
    held.push(projection);
    // the LSTM's recurrent weights in one upload: [W_hh | w_ci, w_cf, w_co (zeros without peepholes) | W_hr]
    const whh = this.upload(mode === 'LSTM' ? lstmWeights(input, H, R, P) : input.weightHh, held);
    const bhh = mode === 'GRU' ? this.upload(input.biasHh ?? new Float32Array(G * H), held) : undefined;
    const historySize = (T + 1) * rowSize;
    let history = device.keep(this.kernel('initialHistory', initialHistoryKernel), historySize, [initial, rowSize]);
    for (let t = 0; t < T; t++) {
      const product = device.keep(this.kernel('recurrentProduct', recurrentProductKernel), B * G * H, [
        history.value, whh.value, t, B, R, width, G * H,
      ]);
      let row: DeviceBuffer;
      if (mode === 'LSTM') {
        row = device.keep(this.kernel('lstmCell', lstmCellKernel), B * 2 * H, [history.value, projection.value, product.value, whh.value, t, B, H, R, hard]);
        if (P > 0) {
          // h = W_hr m: the cell row [m | c] becomes the state row [h | c]
          const cell = row;
          row = device.keep(this.kernel('lstmProject', lstmProjectKernel), rowSize, [cell.value, whh.value, H, P, 4 * H * R + 3 * H]);
          device.release(cell);
        }
      } else if (mode === 'GRU') {
        row = device.keep(this.kernel('gruCell', gruCellKernel), rowSize, [
          history.value, projection.value, product.value, bhh!.value, whh.value, t, B, H, resetBefore ? 0 : 1, hard,
        ]);
      } else {
        row = device.keep(this.kernel('rnnCell', rnnCellKernel), rowSize, [
          history.value, projection.value, product.value, t, B, H, mode === 'RNN_RELU' ? 1 : 0,
        ]);
      }
      device.release(product);
      history = this.append(history, row, t + 1);
    }
    held.push(history);
    return { history, projection, whh, bhh, x, wih };
  }

  /** A new history with `row` written at `rowIndex`; the old history and the row are released. */
  private append(history: DeviceBuffer, row: DeviceBuffer, rowIndex: number): DeviceBuffer {
    const next = this.device.keep(this.kernel('appendRow', appendRowKernel), history.size, [
      history.value, row.value, rowIndex, row.size,
    ]);
    this.device.release(history);
    this.device.release(row);
    return next;
  }

  private upload(data: Float32Array, held: DeviceBuffer[]): DeviceBuffer {
    const buffer = this.device.keep(this.kernel('upload', uploadKernel), data.length, [data]);
    held.push(buffer);
    return buffer;
  }

  private finish(held: DeviceBuffer[], before: DeviceCounters): void {
    for (const buffer of held) this.device.release(buffer);
    const after = this.device.counters;
    this.lastCost = {
      launches: after.launches - before.launches,
      uploads: after.uploads - before.uploads,
      downloads: after.downloads - before.downloads,
    };
  }

  private unpack(mode: RecurrentMode, all: Float32Array, input: SequenceInput): SequenceOutput {
    const { sequenceLength: T, batch: B, hiddenSize: H } = input;
    const { recurrentWidth: R, stateWidth: width } = sequenceShape(mode, input);
    const output = new Float32Array(T * B * R);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const from = ((t + 1) * B + b) * width;
        const to = input.batchFirst ? (b * T + t) * R : (t * B + b) * R;
        output.set(all.subarray(from, from + R), to);
      }
    }
    const hN = new Float32Array(B * R);
    const cN = mode === 'LSTM' ? new Float32Array(B * H) : undefined;
    for (let b = 0; b < B; b++) {
      const from = (T * B + b) * width;
      hN.set(all.subarray(from, from + R), b * R);
      cN?.set(all.subarray(from + R, from + R + H), b * H);
    }
    return cN ? { output, hN, cN } : { output, hN };
  }

  private kernel(name: string, source: (...args: never[]) => number): CompiledKernel {
    let found = this.kernels.get(name);
    if (!found) {
      found = this.device.compile(source, { pipeline: true });
      this.kernels.set(name, found);
    }
    return found;
  }
}


/** An LSTM's recurrent weights as the kernels read them: `[W_hh (4H·R) | w_ci, w_cf, w_co (3H) | W_hr (P·H)]`. */
function lstmWeights(input: SequenceInput, H: number, R: number, P: number): Float32Array {
  const weights = new Float32Array(4 * H * R + 3 * H + P * H);
  weights.set(input.weightHh);
  if (input.weightCi) weights.set(input.weightCi, 4 * H * R);
  if (input.weightCf) weights.set(input.weightCf, 4 * H * R + H);
  if (input.weightCo) weights.set(input.weightCo, 4 * H * R + 2 * H);
  if (input.weightHr) weights.set(input.weightHr, 4 * H * R + 3 * H);
  return weights;
}
