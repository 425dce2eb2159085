import { type Backend, type Tensor, Generator, checkOptions, fail, formatShape, fromData, isTensor, option } from '@recurrent/tensor';
import { tensorArgument } from './internal/commonOptions.js';
import { Module, type Parameter, Variable, add, concat, mul, reshape, sub } from '@recurrent/autograd';
import { type LayerNormParameters, layerNormGRUStep, layerNormLSTMStep, layerNormParameters } from '@recurrent/cells';
import { concatFeatures, stack, unbind } from './sequenceOps.js';

/** Options of {@link LayerNormLSTM} and {@link LayerNormGRU}. */
export interface LayerNormRNNOptions {
  /** Features of each input step. */
  inputSize: number;
  /** Features of the hidden (and cell) state. */
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Inputs and outputs are `[batch, time, features]` (default false: `[time, batch, features]`). */
  batchFirst?: boolean;
  /** Run a reverse direction too and concatenate both (default false). */
  bidirectional?: boolean;
  /** Added to the variance in every normalisation (default 1e-5). */
  eps?: number;
  /** Seeded generator for the initial weights (default `new Generator(0)`). */
  generator?: Generator;
  /** Backend the parameters live on (default: the CPU backend). */
  backend?: Backend;
}

/** What a layer-normalised layer's `forward` takes besides the input. */
export interface LayerNormRNNState {
  /** Initial hidden states `[numLayers·D, B, H]` (zeros when omitted). */
  h0?: Variable | Tensor | null;
  /** Initial cell states `[numLayers·D, B, H]` (LSTM only). */
  c0?: Variable | Tensor | null;
  /** Per-sequence lengths `[B]`, any order: PyTorch's packed semantics. */
  lengths?: readonly number[] | Int32Array | Tensor | null;
}

/** The result of a layer-normalised layer, laid out as PyTorch's `nn.LSTM` / `nn.GRU`. */
export interface LayerNormRNNOutput {
  /** `[T, B, D·H]` (or batch-first), 0 past each sequence's length. */
  output: Variable;
  /** `[numLayers·D, B, H]`, row `layer·D + direction`. */
  h_n: Variable;
  /** `[numLayers·D, B, H]` (LSTM only). */
  c_n?: Variable;
}

const schema = {
  inputSize: option.integer({ min: 1 }), hiddenSize: option.integer({ min: 1 }), numLayers: option.integer({ min: 1 }), batchFirst: option.boolean,
  bidirectional: option.boolean, eps: option.number({ above: 0 }), generator: option.instance(Generator, 'a Generator'),
  backend: option.shaped('a backend', (v) => typeof v === 'object' && v !== null && 'kernels' in v),
};

/** The common body of {@link LayerNormLSTM} and {@link LayerNormGRU}. */
class LayerNormRNN extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly bidirectional: boolean;
  readonly eps: number;
  /** Parameters per layer and direction (`[layer][direction]`). */
  readonly directions: LayerNormParameters[][] = [];
  private readonly lstm: boolean;
  private readonly layerName: string;

  protected constructor(layerName: string, lstm: boolean, options: LayerNormRNNOptions) {
    super();
    this.layerName = layerName;
    this.lstm = lstm;
    checkOptions(layerName, options, schema, ['inputSize', 'hiddenSize']);
    this.inputSize = options.inputSize;
    const H = (this.hiddenSize = options.hiddenSize);
    this.numLayers = options.numLayers ?? 1;
    this.batchFirst = options.batchFirst ?? false;
    this.bidirectional = options.bidirectional ?? false;
    this.eps = options.eps ?? 1e-5;
    const generator = options.generator ?? new Generator(0);
    const D = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const row: LayerNormParameters[] = [];
      for (let direction = 0; direction < D; direction++) {
        const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
        const inputs = layer === 0 ? this.inputSize : D * H;
        row.push(layerNormParameters((n, p) => this.registerParameter(n, p) as Parameter, lstm ? 4 : 3, inputs, H, suffix, generator, options.backend, lstm, layerName));
      }
      this.directions.push(row);
    }
  }

  /** Runs every layer and direction step by step (see the subclass for equations and shapes). */
  forward(x: Variable | Tensor, state: LayerNormRNNState = {}): LayerNormRNNOutput {
    const name = this.layerName;
    const value = tensorArgument(name, 'input', x);
    if (value.rank !== 3 || value.shape[2] !== this.inputSize) {
      fail(name, `input ${this.batchFirst ? '[batch, time' : '[time, batch'}, ${this.inputSize}]`, formatShape(value.shape));
    }
    const timeAxis = this.batchFirst ? 1 : 0;
    const T = value.shape[timeAxis], B = value.shape[1 - timeAxis], H = this.hiddenSize;
    const D = this.bidirectional ? 2 : 1;
    const lengths = this.checkLengths(state.lengths ?? null, T, B);
    if (!this.lstm && state.c0) fail(name, 'no c0 (only the LSTM has a cell state)', 'c0');
    const initial = (label: string, given: Variable | Tensor | null | undefined) => {
      if (!given) return null;
      const shape = (given instanceof Variable ? given.value : given).shape;
      if (shape.length !== 3 || shape[0] !== this.numLayers * D || shape[1] !== B || shape[2] !== H) {
        fail(name, `${label} [numLayers·directions, batch, hiddenSize] = [${this.numLayers * D}, ${B}, ${H}]`, formatShape(shape));
      }
      return unbind(given, 0);
    };
    const h0 = initial('h0', state.h0);
    const c0 = initial('c0', state.c0);
    // 1 while a sequence runs, 0 after its length: the state is held and the output is 0
    const masks = Array.from({ length: T }, (_, t) => fromData(Float32Array.from({ length: B }, (_, b) => (lengths && t >= lengths[b] ? 0 : 1)), [B, 1], { backend: value.backend }));
    const zeros = fromData(new Float32Array(B * H), [B, H], { backend: value.backend });
    let steps = unbind(x, timeAxis);
    const finalH: Variable[] = [];
    const finalC: Variable[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outputs: Variable[][] = [];
      for (let direction = 0; direction < D; direction++) {
        const p = this.directions[layer][direction];
        const row = layer * D + direction;
        let h: Variable | Tensor = h0?.[row] ?? zeros;
        let c: Variable | Tensor = c0?.[row] ?? zeros;
        const out: Variable[] = new Array(T);
        for (let k = 0; k < T; k++) {
          const t = direction === 1 ? T - 1 - k : k;
          const m = masks[t];
          let hNew: Variable, cNew: Variable | null = null;
          if (this.lstm) ({ h: hNew, c: cNew } = layerNormLSTMStep(p, steps[t], h, c, H, this.eps));
          else hNew = layerNormGRUStep(p, steps[t], h, H, this.eps);
          out[t] = mul(hNew, m);
          // s ← s + m ⊙ (s_new − s): held past a sequence's length
          h = lengths ? add(h, mul(sub(hNew, h), m)) : hNew;
          if (cNew) c = lengths ? add(c, mul(sub(cNew, c), m)) : cNew;
        }
        outputs.push(out);
        finalH.push(reshape(h, [1, B, H]));
        if (this.lstm) finalC.push(reshape(c, [1, B, H]));
      }
      steps = D === 2 ? outputs[0].map((forward, t) => concatFeatures(forward, outputs[1][t])) : outputs[0];
    }
    const output = stack(steps, timeAxis);
    const result: LayerNormRNNOutput = { output, h_n: concat(finalH, 0) };
    if (this.lstm) result.c_n = concat(finalC, 0);
    return result;
  }

  private checkLengths(lengths: LayerNormRNNState['lengths'], T: number, B: number): Int32Array | null {
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
 * A multi-layer layer-normalised LSTM (Ba et al. 2016) over whole sequences, the equations of
 * `LayerNormLSTMCell` per layer and direction, with PyTorch's `nn.LSTM` layout: `lengths`
 * (packed semantics: past its length a sequence keeps its state and emits 0; the reverse
 * direction starts at each sequence's own last step), `bidirectional`, `batchFirst`, `h0`/`c0`.
 *
 * Parameters per layer `k` and direction (`s` = `''` or `'_reverse'`, `I_k` = inputSize or D·H):
 * `weight_ih_l{k}s [4H, I_k]`, `weight_hh_l{k}s [4H, H]`, `ln_ih_weight_l{k}s`, `ln_ih_bias_l{k}s`,
 * `ln_hh_weight_l{k}s`, `ln_hh_bias_l{k}s` `[4H]`, `ln_c_weight_l{k}s`, `ln_c_bias_l{k}s` `[H]`.
 *
 * Shapes: `x [T, B, I]` (`[B, T, I]` with `batchFirst`) → `output [T, B, D·H]`,
 * `h_n`, `c_n` `[numLayers·D, B, H]`.
 *
 * @example
 * const layer = new LayerNormLSTM({ inputSize: 8, hiddenSize: 32, numLayers: 2, bidirectional: true });
 * const { output, h_n, c_n } = layer.forward(x, { lengths: [5, 3] }); // x: [5, 2, 8]
 */
export class LayerNormLSTM extends LayerNormRNN {
  constructor(options: LayerNormRNNOptions) {
    super('LayerNormLSTM', true, options);
  }
}

/**
 * A multi-layer layer-normalised GRU (Ba et al. 2016), the equations of `LayerNormGRUCell` per
 * layer and direction, with PyTorch's `nn.GRU` layout (lengths, bidirectional, batchFirst, h0).
 *
 * Parameters per layer and direction: `weight_ih_l{k}s [3H, I_k]`, `weight_hh_l{k}s [3H, H]`,
 * `ln_ih_weight_l{k}s`, `ln_ih_bias_l{k}s`, `ln_hh_weight_l{k}s`, `ln_hh_bias_l{k}s` `[3H]`.
 *
 * Shapes: as {@link LayerNormLSTM}, without `c0`/`c_n`.
 *
 * @example
 * const layer = new LayerNormGRU({ inputSize: 8, hiddenSize: 32, batchFirst: true });
 * const { output, h_n } = layer.forward(x); // x: [B, T, 8]
 */
export class LayerNormGRU extends LayerNormRNN {
  constructor(options: LayerNormRNNOptions) {
    super('LayerNormGRU', false, options);
  }
}

