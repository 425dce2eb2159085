import {
  checkRecurrentArgs,
  type Backend, type RecurrentBackwardArgs, type RecurrentForwardArgs, type RecurrentForwardResult, type RecurrentGradients, type RecurrentKernels,
  type RecurrentMode,
  type RecurrentTape,
} from '@recurrent/tensor';
import type { NativeAddon } from './loadAddon.js';

const modeCodes: Record<RecurrentMode, number> = { RNN_TANH: 0, RNN_RELU: 1, LSTM: 2, GRU: 3 };
const gateCounts: Record<RecurrentMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** The native tape: the forward's arguments and the arrays the C forward wrote for backward. */
interface NativeTape extends RecurrentTape {
  readonly args: RecurrentForwardArgs;
  readonly arrays: Record<string, Float32Array | null>;
}

function fail(expected: string, got: string): never {
  throw new Error(`recurrent: expected ${expected}, got ${got}`);
}

/** Checks what the C side cannot (mode names, the activation); it checks every array's length itself. */
function codeOf(args: RecurrentForwardArgs): number {
  const code = modeCodes[args.mode];
  if (code === undefined) fail(`mode 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'`, `'${String(args.mode)}'`);
  if (args.recurrentActivation !== 'sigmoid' && args.recurrentActivation !== 'hardSigmoid') {
    fail(`recurrentActivation 'sigmoid' or 'hardSigmoid'`, `'${String(args.recurrentActivation)}'`);
  }
  return code;
}

/**
 * The native backend's whole-sequence recurrence ({@link RecurrentKernels}): forward and
 * backpropagation through time of the Elman RNN, LSTM (projection, peepholes) and GRU (both reset
 * forms) in C (csrc/recurrenceImpl.h): one BLAS product for the input projection of all steps,
 * one per step for the recurrent weight, the gate math in vectorised loops (AVX-512, AVX2 or
 * portable, chosen at load), and the weight gradients as a few large products after the loop.
 * Results, gradients and tapes are arrays from the backend's `allocate`; the C code writes
 * them in place.
 */
export function createNativeRecurrence(addon: NativeAddon, backend: Pick<Backend, 'allocate'>, isa: string): RecurrentKernels {
  const allocate = (n: number) => backend.allocate('float32', n);
  const dims = (args: RecurrentForwardArgs) => ({
    isa, mode: codeOf(args), steps: args.steps, batch: args.batch, inputSize: args.inputSize, hiddenSize: args.hiddenSize,
    projSize: args.mode === 'LSTM' ? args.projSize : 0, resetAfter: args.resetAfter !== false,
    hardSigmoid: args.recurrentActivation === 'hardSigmoid', reverse: args.reverse, lengths: args.lengths,
  });
  return {
    forward(args: RecurrentForwardArgs): RecurrentForwardResult {
      checkRecurrentArgs(args);
      const { steps: T, batch: B, hiddenSize: H, mode } = args;
      const P = mode === 'LSTM' ? args.projSize : 0;
      const R = P > 0 ? P : H;
      const G = gateCounts[mode] * H;
      const lstm = mode === 'LSTM';
      const TB = T * B;
      const arrays: Record<string, Float32Array | null> = args.keepTape
        ? {
            gates: allocate(TB * G), hPrev: allocate(TB * R), cPrev: lstm ? allocate(TB * H) : null,
            cells: lstm ? allocate(TB * H) : null, tanhCells: lstm ? allocate(TB * H) : null,
            unprojected: lstm && P > 0 ? allocate(TB * H) : null, hn: mode === 'GRU' ? allocate(TB * H) : null,
          }
        : {};
      const output = allocate(TB * R);
      const hN = allocate(B * R);
      const cN = lstm ? allocate(B * H) : null;
      const { weights } = args;
      addon.recurrentForward({
        ...dims(args), ...weights, x: args.x, h0: args.h0, c0: lstm ? args.c0 : null, output, hN, cN, keepTape: args.keepTape, ...arrays,
      });
      const tape: NativeTape | null = args.keepTape ? { mode, args, arrays } : null;
      return { output, hN, cN, tape };
    },
    backward(backwardArgs: RecurrentBackwardArgs): RecurrentGradients {
      const tape = backwardArgs.tape as NativeTape;
      if (!tape || !('arrays' in tape)) fail('a tape of this backend’s forward', 'another');
      const { args, arrays } = tape;
      const { steps: T, batch: B, inputSize: I, hiddenSize: H, mode, weights } = args;
      const P = mode === 'LSTM' ? args.projSize : 0;
      const R = P > 0 ? P : H;
      const G = gateCounts[mode] * H;
      const lstm = mode === 'LSTM';
      const { needs } = backwardArgs;
      const w = needs.weights;
      const peephole = lstm && weights.weightCi !== null;
      const gradients: RecurrentGradients = {
        x: needs.x ? allocate(T * B * I) : null,
        h0: allocate(B * R),
        c0: lstm ? allocate(B * H) : null,
        weightIh: w ? allocate(G * I) : null,
        weightHh: w ? allocate(G * R) : null,
        biasIh: w && weights.biasIh ? allocate(G) : null,
        biasHh: w && weights.biasHh ? allocate(G) : null,
        weightHr: w && P > 0 ? allocate(P * H) : null,
        // the C loop accumulates peephole gradients whenever the weights exist
        weightCi: peephole ? allocate(H) : null,
        weightCf: peephole ? allocate(H) : null,
        weightCo: peephole ? allocate(H) : null,
      };
      addon.recurrentBackward({
        ...dims(args), ...weights, ...arrays, x: args.x, dOutput: backwardArgs.dOutput, dhN: backwardArgs.dhN,
        dcN: lstm ? backwardArgs.dcN : null, dx: gradients.x, dh0: gradients.h0, dc0: gradients.c0, dWeightIh: gradients.weightIh,
        dWeightHh: gradients.weightHh, dBiasIh: gradients.biasIh, dBiasHh: gradients.biasHh, dWeightHr: gradients.weightHr,
        dWeightCi: gradients.weightCi, dWeightCf: gradients.weightCf, dWeightCo: gradients.weightCo,
      });
      return {
        ...gradients,
        h0: needs.h0 ? gradients.h0 : null,
        c0: needs.c0 ? gradients.c0 : null,
        weightCi: w ? gradients.weightCi : null,
        weightCf: w ? gradients.weightCf : null,
        weightCo: w ? gradients.weightCo : null,
      };
    },
    // tapes are plain arrays of the backend: the garbage collector frees them once unreferenced
    releaseTape: () => undefined,
    releaseWorkspace: () => undefined,
  };
}
