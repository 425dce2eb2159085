import type {
  Backend, GemmArgs, PackBArgs, PackedOperand, RecurrentBackwardArgs, RecurrentForwardArgs, RecurrentForwardResult,
  RecurrentGradients, RecurrentKernels, RecurrentMode, RecurrentTape,
} from '../backend.js';
import { fail } from '../shape.js';
import { type GruTape, gruBackward, gruForward, releaseGruTape } from './gruSequence.js';
import { type LstmTape, lstmBackward, lstmForward, releaseLstmTape } from './lstmSequence.js';
import { type RnnTape, releaseRnnTape, rnnBackward, rnnForward } from './rnnSequence.js';
import { RecurrentWorkspace } from './workspace.js';

/** Options of {@link createCpuRecurrence}. */
export interface CpuRecurrenceOptions {
  /** The matrix product every step runs on (the backend's `gemm`). */
  gemm(args: GemmArgs): void;
  /** The backend's `packB`, when it has one (recurrent weights packed once per sequence). */
  packB?(args: PackBArgs): PackedOperand | null;
  /** Allocation and counters of the owning backend: results come from `allocate`, and the
   * workspace is counted in `stats` (`allocated`, `live`, `workspaceFloats`). */
  backend: Pick<Backend, 'allocate' | 'stats'>;
  /** Run the gate passes on WebAssembly SIMD where available (default true; false: scalar loops). */
  gateKernels?: boolean;
}

/** The tape of the CPU recurrence: the sequence kernel's own tape, by mode. */
interface CpuTape extends RecurrentTape {
  readonly lstm: LstmTape | null;
  readonly gru: GruTape | null;
  readonly rnn: RnnTape | null;
}

const gateCount: Record<RecurrentMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** Throws unless `array` holds `size` floats (or is null where `optional`). */
function checkArray(name: string, array: Float32Array | null, size: number, shape: string, optional = true): void {
  if (array === null) {
    if (!optional) fail('recurrence', `${name} ${shape}`, 'null');
    return;
  }
  if (!(array instanceof Float32Array)) fail('recurrence', `${name} as a Float32Array`, Object.prototype.toString.call(array));
  if (array.length !== size) fail('recurrence', `${name} ${shape} (${size} floats)`, `${array.length} floats`);
}

/**
 * Checks the sizes of a forward's arrays against its shapes (see {@link RecurrentForwardArgs});
 * `batchFirst: true` passes only where the calling recurrence takes it (`layouts.batchFirst`).
 */
export function checkRecurrentArgs(args: RecurrentForwardArgs, layouts: { batchFirst?: boolean } = {}): void {
  const { mode, steps: T, batch: B, inputSize: I, hiddenSize: H, projSize: P, weights } = args;
  if (args.batchFirst !== undefined && typeof args.batchFirst !== 'boolean') fail('recurrence', 'batchFirst a boolean', String(args.batchFirst));
  if (args.batchFirst && !layouts.batchFirst) fail('recurrence', 'time-major arrays (this recurrence has no batch-first layout; see RecurrentKernels.batchFirst)', 'batchFirst: true');
  if (!(mode in gateCount)) fail('recurrence', "mode 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'", String(mode));
  for (const [name, value] of [['steps', T], ['batch', B], ['hiddenSize', H]] as const) {
    if (!Number.isInteger(value) || value < 1) fail('recurrence', `${name} an integer ≥ 1`, String(value));
  }
  if (!Number.isInteger(I) || I < 0) fail('recurrence', 'inputSize an integer ≥ 0', String(I));
  if (!Number.isInteger(P) || P < 0 || P >= H || (P > 0 && mode !== 'LSTM')) fail('recurrence', `projSize 0 (or, for LSTM, in [1, ${H - 1}])`, String(P));
  if (args.recurrentActivation !== 'sigmoid' && args.recurrentActivation !== 'hardSigmoid') {
    fail('recurrence', "recurrentActivation 'sigmoid' or 'hardSigmoid'", String(args.recurrentActivation));
  }
  const G = gateCount[mode] * H;
  const R = P || H;
  checkArray('x', args.x, T * B * I, args.batchFirst ? `[${B}, ${T}, ${I}]` : `[${T}, ${B}, ${I}]`, false);
  checkArray('h0', args.h0, B * R, `[${B}, ${R}]`);
  if (mode !== 'LSTM' && args.c0 !== null) fail('recurrence', `no c0 for ${mode}`, 'c0');
  checkArray('c0', args.c0, B * H, `[${B}, ${H}]`);
  checkArray('weightIh', weights.weightIh, G * I, `[${G}, ${I}]`, false);
  checkArray('weightHh', weights.weightHh, G * R, `[${G}, ${R}]`, false);
  checkArray('biasIh', weights.biasIh, G, `[${G}]`);
  checkArray('biasHh', weights.biasHh, G, `[${G}]`);
  if ((P > 0) !== (weights.weightHr !== null)) fail('recurrence', `weightHr exactly when projSize > 0 (projSize ${P})`, weights.weightHr ? 'weightHr' : 'null');
  checkArray('weightHr', weights.weightHr, P * H, `[${P}, ${H}]`);
  const peepholes = [weights.weightCi, weights.weightCf, weights.weightCo];
  const given = peepholes.filter((w) => w !== null).length;
  if (given !== 0 && (given !== 3 || mode !== 'LSTM')) fail('recurrence', 'all three peephole weights (LSTM only) or none', `${given} of weightCi, weightCf, weightCo`);
  checkArray('weightCi', weights.weightCi, H, `[${H}]`);
  checkArray('weightCf', weights.weightCf, H, `[${H}]`);
  checkArray('weightCo', weights.weightCo, H, `[${H}]`);
  const lengths = args.lengths;
  if (lengths !== null) {
    if (!(lengths instanceof Int32Array) || lengths.length !== B) fail('recurrence', `lengths an Int32Array of ${B} entries`, `${lengths.length} entries`);
    for (const length of lengths) if (!(length >= 1 && length <= T)) fail('recurrence', `lengths in [1, ${T}]`, `[${Array.from(lengths).join(', ')}]`);
  }
}

/**
 * The CPU implementation of {@link RecurrentKernels} over any `gemm`: the sequence kernels of
 * this folder (one product for the input projection of all steps, one per step for the recurrent
 * product, fused gate passes on WebAssembly SIMD), with a workspace owned by `backend`. The CPU
 * backends fill `kernels.recurrent` with it; other backends may call it for what they cannot run.
 *
 * @example
 * const backend = createCpuBackend();
 * const recurrence = createCpuRecurrence({ gemm: backend.kernels.gemm, backend, gateKernels: false });
 */
export function createCpuRecurrence(options: CpuRecurrenceOptions): RecurrentKernels {
  const { gemm, packB } = options;
  const workspace = new RecurrentWorkspace(options.backend, options.gateKernels ?? true);
  return {
    forward(args: RecurrentForwardArgs): RecurrentForwardResult {
      checkRecurrentArgs(args);
      const { mode, weights } = args;
      const run = {
        gemm, packB, workspace, steps: args.steps, batch: args.batch, inputSize: args.inputSize, hiddenSize: args.hiddenSize,
        x: args.x, h0: args.h0, reverse: args.reverse, lengths: args.lengths, keepTape: args.keepTape,
        hardSigmoid: args.recurrentActivation === 'hardSigmoid',
        weightIh: weights.weightIh, weightHh: weights.weightHh, biasIh: weights.biasIh, biasHh: weights.biasHh,
      };
      const keep = (tape: Omit<CpuTape, 'mode'>): CpuTape | null => (args.keepTape ? { mode, ...tape } : null);
      if (mode === 'LSTM') {
        const peephole = weights.weightCi && weights.weightCf && weights.weightCo ? [weights.weightCi, weights.weightCf, weights.weightCo] as [Float32Array, Float32Array, Float32Array] : null;
        const result = lstmForward({ ...run, projSize: args.projSize, c0: args.c0, weightHr: weights.weightHr, peephole });
        return { output: result.output, hN: result.hN, cN: result.cN, tape: keep({ lstm: result.tape, gru: null, rnn: null }) };
      }
      if (mode === 'GRU') {
        const result = gruForward({ ...run, resetAfter: args.resetAfter });
        return { output: result.output, hN: result.hN, cN: null, tape: keep({ lstm: null, gru: result.tape, rnn: null }) };
      }
      const result = rnnForward({ ...run, nonlinearity: mode === 'RNN_RELU' ? 'relu' : 'tanh' });
      return { output: result.output, hN: result.hN, cN: null, tape: keep({ lstm: null, gru: null, rnn: result.tape }) };
    },

    backward(args: RecurrentBackwardArgs): RecurrentGradients {
      const tape = args.tape as CpuTape;
      const { needs } = args;
      const weightsOr = (array: Float32Array | null) => (needs.weights ? array : null);
      if (tape.lstm) {
        const { run } = tape.lstm;
        const g = lstmBackward(tape.lstm, args.dOutput, args.dhN, args.dcN, needs.x);
        // b_ih and b_hh enter the gates as one sum: one gradient for both
        return {
          x: g.dx, h0: needs.h0 ? g.dh0 : null, c0: needs.c0 ? g.dc0 : null,
          weightIh: weightsOr(g.dWeightIh), weightHh: weightsOr(g.dWeightHh),
          biasIh: run.biasIh ? weightsOr(g.dBias) : null, biasHh: run.biasHh ? weightsOr(copy(workspace, g.dBias)) : null,
          weightHr: weightsOr(g.dWeightHr),
          weightCi: weightsOr(g.dPeephole?.[0] ?? null), weightCf: weightsOr(g.dPeephole?.[1] ?? null), weightCo: weightsOr(g.dPeephole?.[2] ?? null),
        };
      }
      if (tape.gru) {
        const { run } = tape.gru;
        const g = gruBackward(tape.gru, args.dOutput, args.dhN, needs.x);
        return {
          ...noGradients, x: g.dx, h0: needs.h0 ? g.dh0 : null, weightIh: weightsOr(g.dWeightIh), weightHh: weightsOr(g.dWeightHh),
          biasIh: run.biasIh ? weightsOr(g.dBiasIh) : null, biasHh: run.biasHh ? weightsOr(g.dBiasHh) : null,
        };
      }
      if (!tape.rnn) fail('recurrence', 'a tape of this CPU recurrence', String(tape?.mode));
      const { run } = tape.rnn;
      const g = rnnBackward(tape.rnn, args.dOutput, args.dhN, needs.x);
      return {
        ...noGradients, x: g.dx, h0: needs.h0 ? g.dh0 : null, weightIh: weightsOr(g.dWeightIh), weightHh: weightsOr(g.dWeightHh),
        biasIh: run.biasIh ? weightsOr(g.dBias) : null, biasHh: run.biasHh ? weightsOr(copy(workspace, g.dBias)) : null,
      };
    },

    releaseTape(given: RecurrentTape): void {
      const tape = given as CpuTape;
      if (tape.lstm) releaseLstmTape(tape.lstm);
      else if (tape.gru) releaseGruTape(tape.gru);
      else if (tape.rnn) releaseRnnTape(tape.rnn);
    },

    releaseWorkspace(): void {
      workspace.release();
    },
  };
}

const noGradients: RecurrentGradients = {
  x: null, h0: null, c0: null, weightIh: null, weightHh: null, biasIh: null, biasHh: null, weightHr: null, weightCi: null, weightCf: null, weightCo: null,
};

/** A copy of `array` in a new result array of the workspace's backend. */
function copy(workspace: RecurrentWorkspace, array: Float32Array): Float32Array {
  const out = workspace.array(array.length);
  out.set(array);
  return out;
}
