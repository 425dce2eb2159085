import { fail, formatShape } from '@recurrent/tensor';
import type { CompiledKernel, Device, DeviceBuffer } from './device.js';
import {
  gruStepKernel, initialHistoryKernel, lstmStepKernel, projectionKernel, rnnStepKernel, uploadKernel,
} from './recurrentSources.js';

/** Which recurrent network a sequence runs. */
export type RecurrentMode = 'LSTM' | 'GRU' | 'RNN_TANH' | 'RNN_RELU';

/**
 * Inputs of a whole-sequence run, with PyTorch's parameter layouts (gate blocks stacked along the
 * first dimension: LSTM `i, f, g, o`, GRU `r, z, n`, `G` = 4, 3 or 1).
 *
 * Shapes:
 * - `x`: `[sequenceLength, batch, inputSize]`, or `[batch, sequenceLength, inputSize]` with `batchFirst`
 * - `weightIh`: `[G·hiddenSize, inputSize]`, `weightHh`: `[G·hiddenSize, hiddenSize]`
 * - `biasIh`, `biasHh`: `[G·hiddenSize]` (omitted: no bias)
 * - `h0`, `c0` (LSTM only): `[batch, hiddenSize]` (omitted: zeros)
 */
export interface SequenceInput {
  x: Float32Array;
  sequenceLength: number;
  batch: number;
  inputSize: number;
  hiddenSize: number;
  batchFirst?: boolean;
  weightIh: Float32Array;
  weightHh: Float32Array;
  biasIh?: Float32Array;
  biasHh?: Float32Array;
  h0?: Float32Array;
  c0?: Float32Array;
}

/**
 * Results of a whole-sequence run.
 *
 * Shapes: `output` `[sequenceLength, batch, hiddenSize]` (or batch-first like the input), `hN`
 * and `cN` (LSTM only) `[batch, hiddenSize]`.
 */
export interface SequenceOutput {
  output: Float32Array;
  hN: Float32Array;
  cN?: Float32Array;
}

/** What one sequence run cost on the device. */
export interface RunCost {
  /** Kernel launches (uploads included). */
  launches: number;
  /** Host arrays sent to the device. */
  uploads: number;
  /** Results read back. */
  downloads: number;
}

const gates: Record<RecurrentMode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };

/**
 * Runs whole sequences with fused per-step kernels that keep the state on the device: one
 * input projection for all steps, one launch per step, one download at the end, every device
 * buffer released before returning.
 */
export class RecurrentRunner {
  /** Cost of the last sequence run. */
  lastCost: RunCost = { launches: 0, uploads: 0, downloads: 0 };
  private readonly kernels = new Map<string, CompiledKernel>();

  constructor(private readonly device: Device) {}

  /** Runs `mode` over a whole sequence (see {@link SequenceInput} for shapes). */
  run(mode: RecurrentMode, input: SequenceInput): SequenceOutput {
    const op = `${mode === 'LSTM' ? 'lstm' : mode === 'GRU' ? 'gru' : 'rnn'}Sequence`;
    const { sequenceLength: T, batch: B, inputSize: I, hiddenSize: H } = input;
    const G = gates[mode];
    for (const [name, value] of [['sequenceLength', T], ['batch', B], ['inputSize', I], ['hiddenSize', H]] as const) {
      if (!Number.isInteger(value) || value < 1) fail(op, `${name} a positive integer`, String(value));
    }
    check(op, 'x', input.x, input.batchFirst ? [B, T, I] : [T, B, I]);
    check(op, 'weightIh', input.weightIh, [G * H, I]);
    check(op, 'weightHh', input.weightHh, [G * H, H]);
    if (input.biasIh) check(op, 'biasIh', input.biasIh, [G * H]);
    if (input.biasHh) check(op, 'biasHh', input.biasHh, [G * H]);
    if (input.h0) check(op, 'h0', input.h0, [B, H]);
    if (input.c0) {
      if (mode !== 'LSTM') fail(op, 'no c0 (only an LSTM has a cell state)', `c0 of length ${input.c0.length}`);
      check(op, 'c0', input.c0, [B, H]);
    }

    const device = this.device;
    const before = { ...device.counters };
    const x = input.batchFirst ? swapFirstAxes(input.x, B, T, I) : input.x;
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

    const held: DeviceBuffer[] = [];
    try {
      const projection = device.keep(this.kernel('projection', projectionKernel), T * B * G * H, [
        x, input.weightIh, projectionBias, I, G * H,
      ]);
      held.push(projection);
      const whh = device.keep(this.kernel('upload', uploadKernel), G * H * H, [input.weightHh]);
      held.push(whh);
      let bhh: DeviceBuffer | undefined;
      if (mode === 'GRU') {
        bhh = device.keep(this.kernel('upload', uploadKernel), G * H, [input.biasHh ?? new Float32Array(G * H)]);
        held.push(bhh);
      }
      const historySize = (T + 1) * rowSize;
      let history = device.keep(this.kernel('initialHistory', initialHistoryKernel), historySize, [initial, rowSize]);
      for (let t = 0; t < T; t++) {
        let next: DeviceBuffer;
        if (mode === 'LSTM') {
          next = device.keep(this.kernel('lstmStep', lstmStepKernel), historySize, [history.value, projection.value, whh.value, t, B, H]);
        } else if (mode === 'GRU') {
          next = device.keep(this.kernel('gruStep', gruStepKernel), historySize, [
            history.value, projection.value, whh.value, bhh!.value, t, B, H,
          ]);
        } else {
          next = device.keep(this.kernel('rnnStep', rnnStepKernel), historySize, [
            history.value, projection.value, whh.value, t, B, H, mode === 'RNN_RELU' ? 1 : 0,
          ]);
        }
        device.release(history);
        history = next;
      }
      held.push(history);
      const all = device.download(history);
      return this.unpack(mode, all, input, width);
    } finally {
      for (const buffer of held) device.release(buffer);
      const after = device.counters;
      this.lastCost = {
        launches: after.launches - before.launches,
        uploads: after.uploads - before.uploads,
        downloads: after.downloads - before.downloads,
      };
    }
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

function check(op: string, name: string, data: Float32Array, shape: number[]): void {
  let size = 1;
  for (const d of shape) size *= d;
  if (!(data instanceof Float32Array)) fail(op, `${name} as a Float32Array`, Object.prototype.toString.call(data));
  if (data.length !== size) fail(op, `${name} ${formatShape(shape)} (${size} values)`, `${data.length} values`);
}

/** `[a, b, rest] → [b, a, rest]` on the host (batch-first ↔ time-major). */
function swapFirstAxes(x: Float32Array, a: number, b: number, rest: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out.set(x.subarray((i * b + j) * rest, (i * b + j + 1) * rest), (j * a + i) * rest);
  return out;
}
