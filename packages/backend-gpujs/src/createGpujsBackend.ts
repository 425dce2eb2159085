import { createCpuBackend, fail, type Backend, type KernelTable } from '@recurrent/tensor';
import { Device, gpujsModes, type DeviceCounters, type GpujsMode } from './device.js';
import { createGpujsKernels } from './gpuKernels.js';
import { createGpujsRecurrence } from './gpujsRecurrence.js';
import { RecurrentRunner } from './recurrentRunner.js';
import type { RunCost, SequenceGradientInput, SequenceGradients, SequenceInput, SequenceOutput } from './sequenceInput.js';

/** Options of {@link createGpujsBackend}. */
export interface GpujsBackendOptions {
  /**
   * The gpu.js mode. Omitted: gpu.js chooses (WebGL2 or WebGL in a browser, headless-gl in Node
   * when it is installed, else WebAssembly, else plain JavaScript).
   */
  mode?: GpujsMode;
  /** A WebGL context to run on (browser), passed to gpu.js as is. */
  context?: unknown;
  /** The canvas of `context`. */
  canvas?: unknown;
  /** Name shown in messages and benchmarks (default `gpujs-<mode>`). */
  name?: string;
}

/**
 * Fused whole-sequence recurrent kernels (see {@link SequenceInput} for shapes): the state stays
 * on the device for the whole sequence, three launches per step (the recurrent product, the gate
 * arithmetic, the append to the history), one download per sequence.
 */
export interface GpujsRecurrent {
  /**
   * LSTM over a sequence: `[i, f, g, o] = W_ih x + b_ih + W_hh h + b_hh`, `c' = σ(f)·c + σ(i)·tanh(g)`,
   * `h' = σ(o)·tanh(c')`.
   *
   * @example
   * const { output, hN, cN } = backend.recurrent.lstmSequence({
   *   x, sequenceLength: 5, batch: 2, inputSize: 3, hiddenSize: 4, weightIh, weightHh, biasIh, biasHh,
   * });
   */
  lstmSequence(input: SequenceInput): SequenceOutput;
  /** GRU over a sequence: `r, z = σ(W_i· x + b_i· + W_h· h + b_h·)`, `n = tanh(W_in x + b_in + r·(W_hn h + b_hn))`, `h' = (1 − z)·n + z·h`. */
  gruSequence(input: SequenceInput): SequenceOutput;
  /** Elman network over a sequence: `h' = act(W_ih x + b_ih + W_hh h + b_hh)`, `act` tanh or relu. */
  rnnSequence(input: SequenceInput, nonlinearity?: 'tanh' | 'relu'): SequenceOutput;
  /**
   * LSTM forward and backpropagation through time: the forward runs again on the device, then
   * `dgates_t = [dc·g·σ′(i), dc·c_{t−1}·σ′(f), dc·i·(1 − g²), dh·tanh(c_t)·σ′(o)]` with
   * `dh = ∂L/∂output_t + W_hhᵀ dgates_{t+1}` and `dc = dh·o·(1 − tanh²c_t) + dc_{t+1}·f_{t+1}`;
   * the weight gradients are sums of `dgates_tᵀ x_t` and `dgates_tᵀ h_{t−1}` over all steps.
   */
  lstmSequenceBackward(input: SequenceInput, grads: SequenceGradientInput): SequenceGradients;
  /**
   * GRU forward and backpropagation through time: with `dh = ∂L/∂h'`, `dn = dh·(1 − z)`,
   * `dz = dh·(h − n)`, `da_n = dn·(1 − n²)`, `da_r = da_n·(W_hn h + b_hn)·σ′(r)`; the hidden-side
   * gradient of `n` is `da_n·r`, and `∂L/∂h = dh·z + W_hhᵀ [da_r, da_z, da_n·r]`.
   */
  gruSequenceBackward(input: SequenceInput, grads: SequenceGradientInput): SequenceGradients;
  /** Elman forward and backpropagation through time: `da = dh·act′`, `∂L/∂h_{t−1} = W_hhᵀ da`. */
  rnnSequenceBackward(input: SequenceInput, grads: SequenceGradientInput, nonlinearity?: 'tanh' | 'relu'): SequenceGradients;
  /** Launches, uploads and downloads of the last sequence run. */
  readonly lastCost: RunCost;
}

/** A @recurrent/tensor backend running on gpu.js, with its own GPU instance. */
export interface GpujsBackend extends Backend {
  /** The mode gpu.js runs in (`'cpu'`, `'webasm'`, `'webgl2'`, …). */
  readonly mode: string;
  /** How many times each kernel ran on the CPU instead (other dtypes, kernels not on the device). */
  readonly fallbacks: ReadonlyMap<string, number>;
  /** Launches, transfers and live device buffers since the backend was created. */
  readonly device: Readonly<DeviceCounters>;
  /** Class names of the gpu.js kernels that ran so far (`WebGL2Kernel`, `WebAssemblyKernel`, `CPUKernel`). */
  readonly kernelClasses: ReadonlySet<string>;
  /** Fused recurrent sequence kernels. */
  readonly recurrent: GpujsRecurrent;
  /** Destroys the GPU instance, its kernels and textures; the backend cannot be used afterwards. */
  dispose(): void;
}

/**
 * Creates a tensor backend whose matrix product, elementwise, reduction and softmax kernels run
 * on gpu.js (float32), with every other kernel (and every float64 or int32 call) on the CPU
 * kernels, counted in {@link GpujsBackend.fallbacks}. Each backend owns its GPU instance: call
 * {@link GpujsBackend.dispose} when done.
 *
 * Float32 arithmetic on the device differs from the CPU kernels by rounding: expect agreement
 * within `1e-5 + 1e-4·|x|` in the `cpu` and `webasm` modes, and within `1e-4 + 1e-3·|x|` on WebGL,
 * whose `exp`, `log`, `pow` and division are not correctly rounded. On the GL modes, inputs
 * holding NaN or ±∞ (undefined in GLSL ES) run on the CPU, counted as fallbacks.
 *
 * Shapes: every kernel takes the flat storage arrays of the tensor kernel table; the recurrent
 * sequences take `[sequenceLength, batch, features]` arrays (see {@link SequenceInput}).
 *
 * @example
 * import { tensor, matmul } from '@recurrent/tensor';
 * const backend = createGpujsBackend({ mode: 'webasm' });
 * const a = tensor([[1, 2], [3, 4]], { backend });
 * matmul(a, a).toArray(); // [[7, 10], [15, 22]]
 * backend.dispose();
 */
export function createGpujsBackend(options: GpujsBackendOptions = {}): GpujsBackend {
  if (options.mode !== undefined && !gpujsModes.includes(options.mode)) {
    fail('createGpujsBackend', `mode ${gpujsModes.map((m) => `'${m}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')}`, `'${String(options.mode)}'`);
  }
  const device = new Device(options.mode, options.context, options.canvas);
  const fallbacks = new Map<string, number>();
  const kernels: KernelTable = createGpujsKernels(device, fallbacks);
  const runner = new RecurrentRunner(device);
  // host buffers are plain typed arrays, allocated and counted as the CPU backend does
  const host = createCpuBackend();
  // the recurrent layers run on the fused device kernels (every variant of the contract)
  kernels.recurrent = createGpujsRecurrence({ runner, allocate: (size) => host.allocate('float32', size) });
  const recurrent: GpujsRecurrent = {
    lstmSequence: (input) => runner.run('LSTM', input),
    gruSequence: (input) => runner.run('GRU', input),
    rnnSequence: (input, nonlinearity = 'tanh') => runner.run(nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH', input),
    lstmSequenceBackward: (input, grads) => runner.runBackward('LSTM', input, grads),
    gruSequenceBackward: (input, grads) => runner.runBackward('GRU', input, grads),
    rnnSequenceBackward: (input, grads, nonlinearity = 'tanh') =>
      runner.runBackward(nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH', input, grads),
    get lastCost() {
      return runner.lastCost;
    },
  };
  return {
    name: options.name ?? `gpujs-${device.mode}`,
    mode: device.mode,
    kernels,
    allocate: host.allocate,
    track: host.track,
    stats: host.stats,
    fallbacks,
    device: device.counters,
    kernelClasses: device.kernelClasses,
    recurrent,
    dispose: () => device.dispose(),
  };
}
