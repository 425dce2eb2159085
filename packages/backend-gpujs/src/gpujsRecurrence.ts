import {
  type RecurrentBackwardArgs, type RecurrentForwardArgs, type RecurrentForwardResult, type RecurrentGradients, type RecurrentKernels,
  type RecurrentMode, type RecurrentTape, checkRecurrentArgs,
} from '@recurrent/tensor';
import type { RecurrentRunner } from './recurrentRunner.js';
import { gates, type SequenceInput } from './sequenceInput.js';

/** What {@link createGpujsRecurrence} runs on: the device runner, the CPU recurrence for what the
 * device kernels do not run, the backend's allocation and its fallback counts. */
export interface GpujsRecurrenceParts {
  runner: RecurrentRunner;
  cpu: RecurrentKernels;
  allocate(size: number): Float32Array;
  fallbacks: Map<string, number>;
}

/** A device tape: the forward's arguments (the device kernels run the forward again in backward). */
interface DeviceTape extends RecurrentTape {
  readonly args: RecurrentForwardArgs;
}

/** A tape of the CPU recurrence, for the variants that fell back. */
interface HostTape extends RecurrentTape {
  readonly host: RecurrentTape;
}

/** One group of batch rows of equal length, run as its own sequence of `length` steps. */
interface RowGroup {
  length: number;
  rows: number[];
}

/** Why the device kernels cannot run `args` (the fallback's name), or null when they can. */
function unsupported(args: RecurrentForwardArgs): string | null {
  if (args.projSize > 0) return 'recurrent.projection';
  if (args.weights.weightCi !== null) return 'recurrent.peephole';
  if (args.mode === 'GRU' && !args.resetAfter) return 'recurrent.resetBefore';
  if (args.mode !== 'RNN_TANH' && args.mode !== 'RNN_RELU' && args.recurrentActivation !== 'sigmoid') return 'recurrent.hardSigmoid';
  return null;
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
  const { batch: B, inputSize: I, hiddenSize: H, weights } = args;
  return {
    x: gatherSteps(args.x, B, I, group, args.reverse), sequenceLength: group.length, batch: group.rows.length, inputSize: I, hiddenSize: H,
    weightIh: weights.weightIh, weightHh: weights.weightHh, biasIh: weights.biasIh ?? undefined, biasHh: weights.biasHh ?? undefined,
    h0: gatherRows(args.h0, H, group.rows), c0: gatherRows(args.c0, H, group.rows),
  };
}

/**
 * The gpu.js backend's {@link RecurrentKernels}: the fused device kernels of {@link RecurrentRunner}
 * (state on the device for the whole sequence, one download). The contract's other features are
 * built around them on the host: the reverse direction runs the sequence reversed in time, and
 * packed lengths run each group of rows of equal length as its own shorter sequence (rows are
 * independent, so results are exact; one device run per distinct length). The device kernels have
 * no projection, peepholes, reset-before form or hard sigmoid: those run on the CPU recurrence,
 * each call counted in `fallbacks` (`recurrent.projection`, …).
 *
 * @example
 * const recurrence = createGpujsRecurrence({ runner, cpu: host.kernels.recurrent!, allocate, fallbacks });
 */
export function createGpujsRecurrence(parts: GpujsRecurrenceParts): RecurrentKernels {
  const { runner, cpu, allocate, fallbacks } = parts;
  const countFallback = (name: string) => fallbacks.set(name, (fallbacks.get(name) ?? 0) + 1);
  return {
    forward(args: RecurrentForwardArgs): RecurrentForwardResult {
      checkRecurrentArgs(args);
      const reason = unsupported(args);
      if (reason) {
        countFallback(reason);
        const result = cpu.forward(args);
        return { ...result, tape: result.tape ? hostTape(args.mode, result.tape) : null };
      }
      const { steps: T, batch: B, hiddenSize: H, mode } = args;
      const output = allocate(T * B * H);
      const hN = allocate(B * H);
      const cN = mode === 'LSTM' ? allocate(B * H) : null;
      for (const group of rowGroups(args)) {
        const result = runner.run(mode, groupInput(args, group));
        scatterSteps(result.output, output, B, H, group, args.reverse);
        scatterRows(result.hN, hN, H, group.rows);
        if (cN && result.cN) scatterRows(result.cN, cN, H, group.rows);
      }
      return { output, hN, cN, tape: args.keepTape ? deviceTape(args) : null };
    },

    backward(backwardArgs: RecurrentBackwardArgs): RecurrentGradients {
      if ('host' in backwardArgs.tape) return cpu.backward({ ...backwardArgs, tape: (backwardArgs.tape as HostTape).host });
      const { args } = backwardArgs.tape as DeviceTape;
      const { steps: T, batch: B, inputSize: I, hiddenSize: H, mode, weights } = args;
      const G = gates[mode] * H;
      const needs = backwardArgs.needs;
      const dx = needs.x ? allocate(T * B * I) : null;
      const dh0 = needs.h0 ? allocate(B * H) : null;
      const dc0 = needs.c0 && mode === 'LSTM' ? allocate(B * H) : null;
      const dWeightIh = allocate(G * I);
      const dWeightHh = allocate(G * H);
      const dBiasIh = allocate(G);
      const dBiasHh = allocate(G);
      const zeros = new Float32Array(T * B * H);
      for (const group of rowGroups(args)) {
        const input = groupInput(args, group);
        const g = runner.runBackward(mode, input, {
          dOutput: gatherSteps(backwardArgs.dOutput ?? zeros, B, H, group, args.reverse),
          dhN: gatherRows(backwardArgs.dhN, H, group.rows),
          dcN: mode === 'LSTM' ? gatherRows(backwardArgs.dcN, H, group.rows) : undefined,
        });
        if (dx) scatterSteps(g.dx, dx, B, I, group, args.reverse);
        if (dh0) scatterRows(g.dh0, dh0, H, group.rows);
        if (dc0 && g.dc0) scatterRows(g.dc0, dc0, H, group.rows);
        for (const [sum, part] of [[dWeightIh, g.dWeightIh], [dWeightHh, g.dWeightHh], [dBiasIh, g.dBiasIh], [dBiasHh, g.dBiasHh]] as const) {
          for (let i = 0; i < sum.length; i++) sum[i] += part[i];
        }
      }
      const weight = (array: Float32Array, present: boolean) => (needs.weights && present ? array : null);
      return {
        x: dx, h0: dh0, c0: dc0,
        weightIh: weight(dWeightIh, true), weightHh: weight(dWeightHh, true),
        biasIh: weight(dBiasIh, weights.biasIh !== null), biasHh: weight(dBiasHh, weights.biasHh !== null),
        weightHr: null, weightCi: null, weightCf: null, weightCo: null,
      };
    },

    releaseTape(tape: RecurrentTape): void {
      if ('host' in tape) cpu.releaseTape((tape as HostTape).host);
    },

    releaseWorkspace(): void {
      cpu.releaseWorkspace();
    },
  };
}

function hostTape(mode: RecurrentMode, host: RecurrentTape): HostTape {
  return { mode, host };
}

function deviceTape(args: RecurrentForwardArgs): DeviceTape {
  return { mode: args.mode, args };
}
