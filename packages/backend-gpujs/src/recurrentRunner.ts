import type { CompiledKernel, Device, DeviceBuffer, DeviceCounters } from './device.js';
import {
  gatherGradientsKernel, gruBackwardKernel, initialBackwardKernel, lstmBackwardKernel, rnnBackwardKernel,
} from './recurrentBackwardSources.js';
import {
  appendRowKernel, gruCellKernel, initialHistoryKernel, lstmCellKernel, projectionKernel, recurrentProductKernel,
  rnnCellKernel, uploadKernel,
} from './recurrentSources.js';
import {
  checkGradients, checkSequence, gates, swapFirstAxes,
  type RecurrentMode, type RunCost, type SequenceGradientInput, type SequenceGradients, type SequenceInput, type SequenceOutput,
} from './sequenceInput.js';

const opName = (mode: RecurrentMode, suffix: string): string =>
  `${mode === 'LSTM' ? 'lstm' : mode === 'GRU' ? 'gru' : 'rnn'}Sequence${suffix}`;

/**
 * Runs whole sequences with fused per-step kernels that keep the state on the device: one
 * input projection for all steps, three launches per step (recurrent product, gate arithmetic,
 * history append), one download at the end, every device
 * buffer released before returning.
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
      const width = mode === 'LSTM' ? 2 * input.hiddenSize : input.hiddenSize;
      return this.unpack(mode, this.device.download(history), input, width);
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
    const G = gates[mode];
    const device = this.device;
    const before = { ...device.counters };
    const held: DeviceBuffer[] = [];
    try {
      const { history, projection, whh, bhh, x, wih } = this.forward(mode, input, held);
      // ∂L/∂h_n joins the output gradient of the last step
      const dOutput = input.batchFirst ? swapFirstAxes(grads.dOutput, B, T, H) : Float32Array.from(grads.dOutput);
      if (grads.dhN) for (let i = 0; i < B * H; i++) dOutput[(T - 1) * B * H + i] += grads.dhN[i];
      const width = mode === 'LSTM' ? 5 * H : mode === 'GRU' ? 7 * H : H;
      const rowSize = B * width;
      const carry = new Float32Array(rowSize);
      if (grads.dcN) for (let b = 0; b < B; b++) carry.set(grads.dcN.subarray(b * H, (b + 1) * H), b * width + 4 * H);
      const size = (T + 1) * rowSize;
      const dOutputBuffer = device.keep(this.kernel('upload', uploadKernel), T * B * H, [dOutput]);
      held.push(dOutputBuffer);
      let backward = device.keep(this.kernel('initialBackward', initialBackwardKernel), size, [carry, rowSize, T]);
      for (let t = T - 1; t >= 0; t--) {
        let row: DeviceBuffer;
        if (mode === 'LSTM') {
          row = device.keep(this.kernel('lstmBackward', lstmBackwardKernel), rowSize, [
            backward.value, history.value, projection.value, whh.value, dOutputBuffer.value, t, B, H,
          ]);
        } else if (mode === 'GRU') {
          row = device.keep(this.kernel('gruBackward', gruBackwardKernel), rowSize, [
            backward.value, history.value, projection.value, whh.value, bhh!.value, dOutputBuffer.value, t, B, H,
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
      const lengths = [T * B * I, GH * I, GH * H, GH, GH, B * H, B * H, T * B * H, B * H, B * H];
      const ends = new Float32Array(9);
      let total = 0;
      for (let i = 0; i < 9; i++) ends[i] = total += lengths[i];
      total += lengths[9];
      const forwardWidth = mode === 'LSTM' ? 2 * H : H;
      const sizes = Float32Array.from([
        T, B, I, H, GH, width, forwardWidth, 0, mode === 'GRU' ? 3 * H : 0, mode === 'GRU' ? 6 * H : -1, mode === 'LSTM' ? 4 * H : -1,
      ]);
      const gathered = device.keep(this.kernel('gatherGradients', gatherGradientsKernel), total, [
        backward.value, history.value, x.value, wih.value, whh.value, ends, sizes,
      ]);
      held.push(gathered);
      const all = device.download(gathered);
      const part = (i: number): Float32Array => all.slice(i === 0 ? 0 : ends[i - 1], i < 9 ? ends[i] : total);
      const output = part(7);
      const dx = part(0);
      const result: SequenceGradients = {
        output: input.batchFirst ? swapFirstAxes(output, T, B, H) : output,
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
    const G = gates[mode];
    const width = mode === 'LSTM' ? 2 * H : H;
    const rowSize = B * width;
    // b_hh folds into the projection except for the GRU, whose reset gate multiplies W_hn h + b_hn
    const projectionBias = new Float32Array(G * H);
    if (input.biasIh) projectionBias.set(input.biasIh);
    if (input.biasHh && mode !== 'GRU') for (let i = 0; i < G * H; i++) projectionBias[i] += input.biasHh[i];
    const initial = new Float32Array(rowSize);
    for (let b = 0; b < B; b++) {
      if (input.h0) initial.set(input.h0.subarray(b * H, (b + 1) * H), b * width);
      if (input.c0) initial.set(input.c0.subarray(b * H, (b + 1) * H), b * width + H);
    }
    const x = this.upload(input.batchFirst ? swapFirstAxes(input.x, B, T, I) : input.x, held);
    const wih = this.upload(input.weightIh, held);
    const projection = device.keep(this.kernel('projection', projectionKernel), T * B * G * H, [
      x.value, wih.value, projectionBias, I, G * H,
    ]);
    held.push(projection);
    const whh = this.upload(input.weightHh, held);
    const bhh = mode === 'GRU' ? this.upload(input.biasHh ?? new Float32Array(G * H), held) : undefined;
    const historySize = (T + 1) * rowSize;
    let history = device.keep(this.kernel('initialHistory', initialHistoryKernel), historySize, [initial, rowSize]);
    for (let t = 0; t < T; t++) {
      const product = device.keep(this.kernel('recurrentProduct', recurrentProductKernel), B * G * H, [
        history.value, whh.value, t, B, H, width, G * H,
      ]);
      let row: DeviceBuffer;
      if (mode === 'LSTM') {
        row = device.keep(this.kernel('lstmCell', lstmCellKernel), rowSize, [history.value, projection.value, product.value, t, B, H]);
      } else if (mode === 'GRU') {
        row = device.keep(this.kernel('gruCell', gruCellKernel), rowSize, [
          history.value, projection.value, product.value, bhh!.value, t, B, H,
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

  private unpack(mode: RecurrentMode, all: Float32Array, input: SequenceInput, width: number): SequenceOutput {
    const { sequenceLength: T, batch: B, hiddenSize: H } = input;
    const output = new Float32Array(T * B * H);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const from = ((t + 1) * B + b) * width;
        const to = input.batchFirst ? (b * T + t) * H : (t * B + b) * H;
        output.set(all.subarray(from, from + H), to);
      }
    }
    const hN = new Float32Array(B * H);
    const cN = mode === 'LSTM' ? new Float32Array(B * H) : undefined;
    for (let b = 0; b < B; b++) {
      const from = (T * B + b) * width;
      hN.set(all.subarray(from, from + H), b * H);
      cN?.set(all.subarray(from + H, from + 2 * H), b * H);
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

