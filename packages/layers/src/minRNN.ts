import { type Backend, type Tensor, Generator, checkOptions, fail, formatShape, fromData, isTensor, option } from '@recurrent/tensor';
import { tensorArgument } from './internal/commonOptions.js';
import { Module, type Parameter, Variable, concat, matmul, mul, narrow, permute, reshape } from '@recurrent/autograd';
import { uniformParameter } from '@recurrent/cells';
import { minRecurrence } from './sequence/minRecurrence.js';

/** Options of {@link MinGRU} and {@link MinLSTM}. */
export interface MinRNNOptions {
  /** Features of each input step. */
  inputSize: number;
  /** Features of the state. */
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Learn `bias_ih_l{k}` (default true). */
  bias?: boolean;
  /** Inputs and outputs are `[batch, time, features]` (default false: `[time, batch, features]`). */
  batchFirst?: boolean;
  /** Seeded generator for the initial weights (default `new Generator(0)`). */
  generator?: Generator;
  /** Backend the parameters live on (default: the CPU backend). */
  backend?: Backend;
  /** Compose the scan's pairs as plain products (`linear`, default: fast, no division, stable) or
   * in log space (`log`, Feng et al.'s form; the same result, slower on a CPU). */
  scan?: 'linear' | 'log';
}

/** What {@link MinGRU.forward} and {@link MinLSTM.forward} take besides the input. */
export interface MinRNNState {
  /** Initial states `[numLayers, B, H]`, non-negative (zeros when omitted). */
  h0?: Variable | Tensor | null;
  /** Per-sequence lengths `[B]`, any order: past its length a sequence keeps its state and emits 0. */
  lengths?: readonly number[] | Int32Array | Tensor | null;
}

/** The result of a min-RNN layer. */
export interface MinRNNOutput {
  /** `[T, B, H]` (or `[B, T, H]` batch-first), 0 past each sequence's length. */
  output: Variable;
  /** Each layer's final state `[numLayers, B, H]` (each sequence's own last step). */
  h_n: Variable;
}

const schema = {
  inputSize: option.integer({ min: 1 }), hiddenSize: option.integer({ min: 1 }), numLayers: option.integer({ min: 1 }), bias: option.boolean,
  batchFirst: option.boolean, generator: option.instance(Generator, 'a Generator'), scan: option.oneOf(['linear', 'log']),
  backend: option.shaped('a backend', (v) => typeof v === 'object' && v !== null && 'kernels' in v),
};

/** The common body of {@link MinGRU} and {@link MinLSTM}: projections, log-space gates, the scan. */
class MinRNNLayer extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  /** Where the scan composes its pairs. */
  readonly scan: 'linear' | 'log';
  /** `[weight_ih_l{k}, bias_ih_l{k}]` per layer. */
  readonly layers: { weightIh: Parameter; biasIh: Parameter | null }[] = [];
  private readonly layerName: 'MinGRU' | 'MinLSTM';

  protected constructor(layerName: 'MinGRU' | 'MinLSTM', gates: number, options: MinRNNOptions) {
    super();
    this.layerName = layerName;
    checkOptions(layerName, options, schema, ['inputSize', 'hiddenSize']);
    this.inputSize = options.inputSize;
    const H = (this.hiddenSize = options.hiddenSize);
    this.numLayers = options.numLayers ?? 1;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.scan = options.scan ?? 'linear';
    const generator = options.generator ?? new Generator(0);
    for (let k = 0; k < this.numLayers; k++) {
      const inputs = k === 0 ? this.inputSize : H;
      this.layers.push({
        weightIh: this.registerParameter(`weight_ih_l${k}`, uniformParameter([gates * H, inputs], H, generator, options.backend, 'float32', layerName)),
        biasIh: this.bias ? this.registerParameter(`bias_ih_l${k}`, uniformParameter([gates * H], H, generator, options.backend, 'float32', layerName)) : null,
      });
    }
  }

  /** Runs every layer over the whole sequence as one parallel scan per layer. */
  forward(x: Variable | Tensor, state: MinRNNState = {}): MinRNNOutput {
    const name = this.layerName;
    const value = tensorArgument(name, 'input', x);
    if (value.rank !== 3 || value.shape[2] !== this.inputSize) {
      fail(name, `input ${this.batchFirst ? '[batch, time' : '[time, batch'}, ${this.inputSize}]`, formatShape(value.shape));
    }
    const [T, B] = this.batchFirst ? [value.shape[1], value.shape[0]] : [value.shape[0], value.shape[1]];
    const H = this.hiddenSize;
    const lengths = this.checkLengths(state.lengths ?? null, T, B);
    const h0 = state.h0 ?? null;
    if (h0) {
      const shape = (h0 instanceof Variable ? h0.value : h0).shape;
      if (shape.length !== 3 || shape[0] !== this.numLayers || shape[1] !== B || shape[2] !== H) {
        fail(name, `h0 [numLayers, batch, hiddenSize] = [${this.numLayers}, ${B}, ${H}]`, formatShape(shape));
      }
    }
    // 1 up to each sequence's length, 0 after: the output past a length is 0, as PyTorch's packing
    const mask = lengths ? fromData(Float32Array.from({ length: T * B }, (_, i) => (Math.floor(i / B) < lengths[i % B] ? 1 : 0)), [T, B, 1], { backend: value.backend }) : null;
    let input: Variable | Tensor = this.batchFirst ? permute(x, [1, 0, 2]) : x;
    const finals: Variable[] = [];
    this.layers.forEach(({ weightIh, biasIh }, k) => {
      const features = k === 0 ? this.inputSize : H;
      const projected = matmul(reshape(input, [T * B, features]), weightIh, { transposeB: true });
      const start = h0 ? reshape(narrow(h0, 0, k, 1), [B, H]) : null;
      // gates in log space, the scan and their backward: one fused node per layer
      const [h] = minRecurrence({ projection: reshape(projected, [T, B, weightIh.shape[0]]), bias: biasIh, h0: start }, { kind: name, lengths, space: this.scan });
      finals.push(narrow(h, 0, T - 1, 1));
      input = mask ? mul(h, mask) : h;
    });
    const timeMajor = input as Variable;
    const output = this.batchFirst ? permute(timeMajor, [1, 0, 2]) : timeMajor;
    // [1, B, H] per layer → [numLayers, B, H]
    const hN = finals.length === 1 ? finals[0] : concat(finals, 0);
    return { output, h_n: hN };
  }

  private checkLengths(lengths: MinRNNState['lengths'], T: number, B: number): Int32Array | null {
    if (lengths === null || lengths === undefined) return null;
    const values = Array.from(isTensor(lengths) ? lengths.data : lengths);
    if (values.length !== B) fail(this.layerName, `lengths with one entry per sequence (${B})`, `${values.length} entries`);
    for (const length of values) {
      if (!Number.isInteger(length) || length < 1 || length > T) fail(this.layerName, `lengths in [1, ${T}] (the sequence length)`, `[${values.join(', ')}]`);
    }
    return Int32Array.from(values);
  }
}

/**
 * A multi-layer minGRU (Feng et al. 2024, "Were RNNs all we needed?") over whole sequences. Each
 * layer projects all steps at once, `[z̃, h̃] = x W_ihᵀ + b_ih`, then runs
 * `h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ g(h̃_t)` (`z_t = σ(z̃_t)`, `g` as in `MinGRUCell`) as a
 * parallel scan: the pairs `(a_t, b_t) = (1 − z_t, z_t g(h̃_t))` composed by a Brent–Kung scan,
 * O(log T) sequential depth and no matrix product inside the recurrence, in linear space or (with
 * `scan: 'log'`) in log space, `log a_t = −softplus(z̃_t)`, `log b_t = log σ(z̃_t) + log g(h̃_t)`,
 * as the paper writes it. `MinGRUCell` is the same recurrence one step at a time.
 *
 * Parameters: `weight_ih_l{k} [2H, I_k]`, `bias_ih_l{k} [2H]` (gate order `z, h̃`).
 *
 * Shapes: `x [T, B, inputSize]` (`[B, T, inputSize]` with `batchFirst`), `h0 [numLayers, B, H]`
 * (non-negative) → `output [T, B, H]`, `h_n [numLayers, B, H]`.
 *
 * @example
 * const layer = new MinGRU({ inputSize: 16, hiddenSize: 64, numLayers: 2, batchFirst: true });
 * const { output, h_n } = layer.forward(x, { lengths: [12, 7, 9] }); // x: [3, 12, 16]
 */
export class MinGRU extends MinRNNLayer {
  constructor(options: MinRNNOptions) {
    super('MinGRU', 2, options);
  }
}

/**
 * A multi-layer minLSTM (Feng et al. 2024) over whole sequences: `[f̃, ĩ, h̃] = x W_ihᵀ + b_ih`
 * for all steps at once, then `h_t = f'_t ⊙ h_{t−1} + i'_t ⊙ g(h̃_t)` with the normalised gates
 * `f' = σ(f̃)/(σ(f̃) + σ(ĩ))`, `i' = 1 − f'`, as the parallel scan of {@link MinGRU} (in log
 * space with `scan: 'log'`: `d = softplus(−f̃) − softplus(−ĩ)`, `log a_t = −softplus(d)`,
 * `log b_t = −softplus(−d) + log g(h̃_t)`).
 * `MinLSTMCell` is the same recurrence one step at a time.
 *
 * Parameters: `weight_ih_l{k} [3H, I_k]`, `bias_ih_l{k} [3H]` (gate order `f, i, h̃`).
 *
 * Shapes: as {@link MinGRU}.
 *
 * @example
 * const layer = new MinLSTM({ inputSize: 16, hiddenSize: 64 });
 * const { output } = layer.forward(x); // x: [T, B, 16]
 */
export class MinLSTM extends MinRNNLayer {
  constructor(options: MinRNNOptions) {
    super('MinLSTM', 3, options);
  }
}
