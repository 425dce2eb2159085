import {
  type RecurrentBackwardArgs, type RecurrentForwardArgs, type RecurrentForwardResult, type RecurrentGradients, type RecurrentKernels,
  type RecurrentTape, checkRecurrentArgs,
} from '@recurrent/tensor';
import type { RecurrentRunner } from './recurrentRunner.js';
import { gates, type SequenceInput } from './sequenceInput.js';

/** What {@link createGpujsRecurrence} runs on: the device runner and the backend's allocation. */
export interface GpujsRecurrenceParts {
  runner: RecurrentRunner;
  allocate(size: number): Float32Array;
}

/** A device tape: the forward's arguments (the device kernels run the forward again in backward). */
interface DeviceTape extends RecurrentTape {
  readonly args: RecurrentForwardArgs;
}

/** One group of batch rows of equal length, run as its own sequence of `length` steps. */
interface RowGroup {
  length: number;
  rows: number[];
}

/** Rows grouped by length, longest first (one group of every row without lengths). */
function rowGroups(args: RecurrentForwardArgs): RowGroup[] {
  const { batch: B, steps: T, lengths } = args;
  if (lengths === null) return [{ length: T, rows: Array.from({ length: B }, (_, b) => b) }];
  const byLength = new Map<number, number[]>();
  for (let b = 0; b < B; b++) byLength.set(lengths[b], [...(byLength.get(lengths[b]) ?? []), b]);
  return [...byLength].sort((a, b) => b[0] - a[0]).map(([length, rows]) => ({ length, rows }));
}

/**
 * The rows `rows` of the first `length` steps of a time-major `[T, B, width]` array, as
 * `[length, rows, width]`, with time reversed when `reverse` (the reverse direction of a packed row
 * starts at its own last step).
 */
function gatherSteps(source: Float32Array, B: number, width: number, group: RowGroup, reverse: boolean): Float32Array {
  const { length, rows } = group;
  const out = new Float32Array(length * rows.length * width);
  for (let s = 0; s < length; s++) {
    const t = reverse ? length - 1 - s : s;
    rows.forEach((b, r) => out.set(source.subarray((t * B + b) * width, (t * B + b + 1) * width), (s * rows.length + r) * width));
  }
  return out;
}

/** The inverse of {@link gatherSteps}: writes `[length, rows, width]` back into `[T, B, width]`. */
function scatterSteps(source: Float32Array, target: Float32Array, B: number, width: number, group: RowGroup, reverse: boolean): void {
  const { length, rows } = group;
  for (let s = 0; s < length; s++) {
    const t = reverse ? length - 1 - s : s;
    rows.forEach((b, r) => target.set(source.subarray((s * rows.length + r) * width, (s * rows.length + r + 1) * width), (t * B + b) * width));
  }
}

/** Rows `rows` of a `[B, width]` state (null stays null). */
function gatherRows(source: Float32Array | null, width: number, rows: number[]): Float32Array | undefined {
  if (source === null) return undefined;
  const out = new Float32Array(rows.length * width);
  rows.forEach((b, r) => out.set(source.subarray(b * width, (b + 1) * width), r * width));
  return out;
}

function scatterRows(source: Float32Array, target: Float32Array, width: number, rows: number[]): void {
  rows.forEach((b, r) => target.set(source.subarray(r * width, (r + 1) * width), b * width));
}

/** The device run of one row group. */
function groupInput(args: RecurrentForwardArgs, group: RowGroup): SequenceInput {
  const { batch: B, inputSize: I, hiddenSize: H, projSize: P, weights, mode } = args;
  const lstm = mode === 'LSTM';
  return {
    x: gatherSteps(args.x, B, I, group, args.reverse), sequenceLength: group.length, batch: group.rows.length, inputSize: I, hiddenSize: H,
    weightIh: weights.weightIh, weightHh: weights.weightHh, biasIh: weights.biasIh ?? undefined, biasHh: weights.biasHh ?? undefined,
    h0: gatherRows(args.h0, P || H, group.rows), c0: gatherRows(args.c0, H, group.rows),
    ...(lstm && P > 0 ? { projSize: P, weightHr: weights.weightHr! } : {}),
    ...(lstm && weights.weightCi ? { weightCi: weights.weightCi, weightCf: weights.weightCf!, weightCo: weights.weightCo! } : {}),
    ...(mode === 'GRU' ? { resetAfter: args.resetAfter } : {}),
    ...(mode === 'LSTM' || mode === 'GRU' ? { recurrentActivation: args.recurrentActivation } : {}),
  };
}

/**
 * The gpu.js backend's {@link RecurrentKernels}: the fused device kernels of {@link RecurrentRunner}
 * (state on the device for the whole sequence, one download). The contract's other features are
 * built around them on the host: the reverse direction runs the sequence reversed in time, and
 * packed lengths run each group of rows of equal length as its own shorter sequence (rows are
 * independent, so results are exact; one device run per distinct length). Every variant of the
 * contract runs on the device: the LSTM's projection and peepholes, both GRU reset forms and the
 * hard-sigmoid gates; nothing falls back to the CPU recurrence.
 *
 * @example
 * const recurrence = createGpujsRecurrence({ runner, allocate: (size) => new Float32Array(size) });
 */
export function createGpujsRecurrence(parts: GpujsRecurrenceParts): RecurrentKernels {
  const { runner, allocate } = parts;
  return {
    forward(args: RecurrentForwardArgs): RecurrentForwardResult {
      checkRecurrentArgs(args);
      const { steps: T, batch: B, hiddenSize: H, mode } = args;
      const R = args.projSize || H;
      const output = allocate(T * B * R);
      const hN = allocate(B * R);
      const cN = mode === 'LSTM' ? allocate(B * H) : null;
      for (const group of rowGroups(args)) {
        const result = runner.run(mode, groupInput(args, group));
        scatterSteps(result.output, output, B, R, group, args.reverse);
        scatterRows(result.hN, hN, R, group.rows);
        if (cN && result.cN) scatterRows(result.cN, cN, H, group.rows);
      }
      return { output, hN, cN, tape: args.keepTape ? deviceTape(args) : null };
    },

    backward(backwardArgs: RecurrentBackwardArgs): RecurrentGradients {
      const { args } = backwardArgs.tape as DeviceTape;
      const { steps: T, batch: B, inputSize: I, hiddenSize: H, projSize: P, mode, weights } = args;
      const R = P || H;
      const G = gates[mode] * H;
      const needs = backwardArgs.needs;
      const dx = needs.x ? allocate(T * B * I) : null;
      const dh0 = needs.h0 ? allocate(B * R) : null;
      const dc0 = needs.c0 && mode === 'LSTM' ? allocate(B * H) : null;
      // every weight gradient, summed over the row groups (null: the layer has no such weight)
      const sums = {
        weightIh: allocate(G * I), weightHh: allocate(G * R),
        biasIh: weights.biasIh ? allocate(G) : null, biasHh: weights.biasHh ? allocate(G) : null,
        weightHr: weights.weightHr ? allocate(P * H) : null,
        weightCi: weights.weightCi ? allocate(H) : null, weightCf: weights.weightCf ? allocate(H) : null, weightCo: weights.weightCo ? allocate(H) : null,
      };
      const zeros = new Float32Array(T * B * R);
      for (const group of rowGroups(args)) {
        const input = groupInput(args, group);
        const g = runner.runBackward(mode, input, {
          dOutput: gatherSteps(backwardArgs.dOutput ?? zeros, B, R, group, args.reverse),
          dhN: gatherRows(backwardArgs.dhN, R, group.rows),
          dcN: mode === 'LSTM' ? gatherRows(backwardArgs.dcN, H, group.rows) : undefined,
        });
        if (dx) scatterSteps(g.dx, dx, B, I, group, args.reverse);
        if (dh0) scatterRows(g.dh0, dh0, R, group.rows);
        if (dc0 && g.dc0) scatterRows(g.dc0, dc0, H, group.rows);
        const parts = {
          weightIh: g.dWeightIh, weightHh: g.dWeightHh, biasIh: g.dBiasIh, biasHh: g.dBiasHh,
          weightHr: g.dWeightHr, weightCi: g.dWeightCi, weightCf: g.dWeightCf, weightCo: g.dWeightCo,
        };
        for (const name of Object.keys(sums) as (keyof typeof sums)[]) {
          const sum = sums[name];
          const part = parts[name];
          if (sum && part) for (let i = 0; i < sum.length; i++) sum[i] += part[i];
        }
      }
      const weight = (array: Float32Array | null) => (needs.weights ? array : null);
      return {
        x: dx, h0: dh0, c0: dc0,
        weightIh: weight(sums.weightIh), weightHh: weight(sums.weightHh), biasIh: weight(sums.biasIh), biasHh: weight(sums.biasHh),
        weightHr: weight(sums.weightHr), weightCi: weight(sums.weightCi), weightCf: weight(sums.weightCf), weightCo: weight(sums.weightCo),
      };
    },

    releaseTape(): void {
      // a device tape holds only the forward's arguments (the backward runs the forward again)
    },

    releaseWorkspace(): void {
      // no workspace: every device buffer of a run is released before the run returns
    },
  };
}

function deviceTape(args: RecurrentForwardArgs): DeviceTape {
  return { mode: args.mode, args };
}
