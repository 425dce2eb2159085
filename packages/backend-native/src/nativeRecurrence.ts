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
  /** Set by releaseTape: its arrays went back to the workspace (a second release does nothing). */
  released?: boolean;
}

/**
 * The backend's recurrent workspace: tape arrays and work buffers kept by length for the next
 * sequence (training reruns the same shapes every step, and fresh 10–50 MB arrays per step cost
 * their zeroing, their page faults and the garbage collector's pauses). At most four free arrays
 * of each length are kept; `stats.workspaceFloats` counts the floats held free.
 */
class Workspace {
  private readonly free = new Map<number, Float32Array[]>();

  constructor(private readonly backend: Pick<Backend, 'allocate' | 'stats'>) {}

  take(length: number): Float32Array {
    const reused = this.free.get(length)?.pop();
    if (reused) {
      this.backend.stats.workspaceFloats -= length;
      return reused;
    }
    return this.backend.allocate('float32', length);
  }

  give(...arrays: (Float32Array | null | undefined)[]): void {
    for (const array of arrays) {
      if (!array) continue;
      const list = this.free.get(array.length) ?? [];
      if (list.length >= 4 || list.includes(array)) continue;
      list.push(array);
      this.free.set(array.length, list);
      this.backend.stats.workspaceFloats += array.length;
    }
  }

  clear(): void {
    for (const [length, list] of this.free) this.backend.stats.workspaceFloats -= length * list.length;
    this.free.clear();
  }
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
 * With `threads` > 1 the hidden units are split across a pool of that many threads (products and
 * gate loops alike; each product runs single-threaded in the BLAS), meeting once or twice a step.
 * Results and gradients are new arrays from the backend's `allocate`; tapes and work buffers come
 * from its workspace ({@link Workspace}); the C code writes them all in place. It takes
 * batch-first sequences as they are (`batchFirst: true`), without transposes.
 */
export function createNativeRecurrence(
  addon: NativeAddon, backend: Pick<Backend, 'allocate' | 'stats'>, isa: string, threads = 1,
  // the backend's pool (shared with its elementwise kernels), or this recurrence's own; none with one thread
  pool: object | null = threads > 1 ? addon.createThreadPool(threads) : null,
): RecurrentKernels {
  // each sequence splits its hidden units among the pool's threads
  const allocate = (n: number) => backend.allocate('float32', n);
  const workspace = new Workspace(backend);
  const take = (n: number) => workspace.take(n);
  const dims = (args: RecurrentForwardArgs) => ({
    isa, pool, mode: codeOf(args), steps: args.steps, batch: args.batch, inputSize: args.inputSize, hiddenSize: args.hiddenSize,
    projSize: args.mode === 'LSTM' ? args.projSize : 0, resetAfter: args.resetAfter !== false,
    hardSigmoid: args.recurrentActivation === 'hardSigmoid', reverse: args.reverse, lengths: args.lengths,
    batchFirst: args.batchFirst === true,
  });
  return {
    forward(args: RecurrentForwardArgs): RecurrentForwardResult {
      checkRecurrentArgs(args, { batchFirst: true });
      const { steps: T, batch: B, hiddenSize: H, mode } = args;
      const P = mode === 'LSTM' ? args.projSize : 0;
      const R = P > 0 ? P : H;
      const G = gateCounts[mode] * H;
      const lstm = mode === 'LSTM';
      const TB = T * B;
      const arrays: Record<string, Float32Array | null> = args.keepTape
        ? {
            gates: take(TB * G), hPrev: take(TB * R), cPrev: lstm ? take(TB * H) : null,
            cells: lstm ? take(TB * H) : null, tanhCells: lstm ? take(TB * H) : null,
            unprojected: lstm && P > 0 ? take(TB * H) : null, hn: mode === 'GRU' ? take(TB * H) : null,
          }
        : {};
      const scratchGates = args.keepTape ? null : take(TB * G);
      const output = allocate(TB * R);
      const hN = allocate(B * R);
      const cN = lstm ? allocate(B * H) : null;
      const { weights } = args;
      addon.recurrentForward({
        ...dims(args), ...weights, x: args.x, h0: args.h0, c0: lstm ? args.c0 : null, output, hN, cN, keepTape: args.keepTape, ...arrays,
        scratchGates,
      });
      workspace.give(scratchGates);
      const tape: NativeTape | null = args.keepTape ? { mode, args, arrays } : null;
      return { output, hN, cN, tape };
    },
    backward(backwardArgs: RecurrentBackwardArgs): RecurrentGradients {
      const tape = backwardArgs.tape as NativeTape;
      if (!tape || !('arrays' in tape)) fail('a tape of this backend’s forward', 'another');
      if (tape.released) fail('a tape not yet released', 'a released one');
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
      const scratch = {
        scratchDGates: take(T * B * G), scratchDGatesHidden: mode === 'GRU' ? take(T * B * G) : null, scratchDHidden: P > 0 ? take(T * B * P) : null,
      };
      addon.recurrentBackward({
        ...scratch,
        ...dims(args), ...weights, ...arrays, x: args.x, dOutput: backwardArgs.dOutput, dhN: backwardArgs.dhN,
        dcN: lstm ? backwardArgs.dcN : null, dx: gradients.x, dh0: gradients.h0, dc0: gradients.c0, dWeightIh: gradients.weightIh,
        dWeightHh: gradients.weightHh, dBiasIh: gradients.biasIh, dBiasHh: gradients.biasHh, dWeightHr: gradients.weightHr,
        dWeightCi: gradients.weightCi, dWeightCf: gradients.weightCf, dWeightCo: gradients.weightCo,
      });
      workspace.give(scratch.scratchDGates, scratch.scratchDGatesHidden, scratch.scratchDHidden);
      return {
        ...gradients,
        h0: needs.h0 ? gradients.h0 : null,
        c0: needs.c0 ? gradients.c0 : null,
        weightCi: w ? gradients.weightCi : null,
        weightCf: w ? gradients.weightCf : null,
        weightCo: w ? gradients.weightCo : null,
      };
    },
    // a tape never released is simply collected; a released one's arrays serve the next forward
    releaseTape(tape: RecurrentTape): void {
      const native = tape as NativeTape;
      if (!native || !('arrays' in native) || native.released) return;
      native.released = true;
      workspace.give(...Object.values(native.arrays));
    },
    releaseWorkspace: () => workspace.clear(),
    // x, output, dOutput and ∂L/∂x may be [B, T, ·]: the C loops index rows either way
    batchFirst: true,
  };
}
