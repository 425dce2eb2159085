import { type Backend, Generator, type OptionsSchema, type RecurrentActivation, type RecurrentMode, type Tensor, checkOptions, fail, formatShape, isTensor, option } from '@recurrent/tensor';
import { Module, type Parameter, Variable, concat, indexSelect, slice, stack, transpose } from '@recurrent/autograd';
import { type RecurrentInit, orthogonalBlocks, recurrentPrimitive, uniformParameter } from '@recurrent/cells';
import { dropoutBetweenLayers } from './plumbing.js';

/** A sequence-layer input: a variable or a plain tensor (a constant). */
export type LayerInput = Variable | Tensor;

/** Options shared by {@link RNN}, {@link LSTM} and {@link GRU} (PyTorch's, in TS casing). */
export interface FusedLayerOptions {
  /** Features of each input step. */
  inputSize: number;
  /** Features of the hidden state. */
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Learn `bias_ih_l*` and `bias_hh_l*` (default true). */
  bias?: boolean;
  /** Inputs and outputs are `[batch, time, features]` (default false: `[time, batch, features]`). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Run a reverse direction too and concatenate both (default false). */
  bidirectional?: boolean;
  /** Seeded generator for the initial weights and the dropout masks (default `new Generator(0)`). */
  generator?: Generator;
  /** `uniform` (PyTorch's `U(−1/√H, 1/√H)`, default) or `orthogonal` recurrent weights. */
  recurrentInit?: RecurrentInit;
  /** Backend the parameters live on (default: the CPU backend). */
  backend?: Backend;
}

/** The rules of {@link FusedLayerOptions}, for `checkOptions` (each layer adds its own). */
export const fusedLayerSchema = {
  inputSize: option.integer({ min: 1 }),
  hiddenSize: option.integer({ min: 1 }),
  numLayers: option.integer({ min: 1 }),
  bias: option.boolean,
  batchFirst: option.boolean,
  dropout: option.number({ min: 0 }),
  bidirectional: option.boolean,
  generator: option.instance(Generator, 'a Generator'),
  recurrentInit: option.oneOf(['uniform', 'orthogonal']),
  backend: option.shaped('a backend', (value) => typeof value === 'object' && value !== null && 'kernels' in value && 'allocate' in value),
} satisfies OptionsSchema;

/** The options of a fused layer as plain JSON (no generator, no backend), from `config()`. */
export interface FusedLayerConfig {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  dropout: number;
  bidirectional: boolean;
  recurrentInit: RecurrentInit;
}

/** What a fused layer's `forward` takes besides the input. */
export interface FusedLayerState {
  /** Initial hidden state `[numLayers·D, batch, H_out]` (zeros when omitted; never batch-first). */
  h0?: LayerInput | null;
  /** Initial cell state `[numLayers·D, batch, hiddenSize]` (LSTM only). */
  c0?: LayerInput | null;
  /** Per-sequence lengths `[batch]` (int32 tensor or numbers), in batch order, unsorted allowed:
   * PyTorch's packed-sequence semantics. Like PyTorch's packing, the layer runs the batch longest
   * first internally, so each step's products cover only the sequences still running; outputs
   * and states come back in the caller's order. */
  lengths?: Tensor | readonly number[] | Int32Array | null;
}

/** A fused layer's result, laid out as PyTorch's. */
export interface FusedLayerOutput {
  /** `[T, B, D·H_out]` (or `[B, T, D·H_out]` batch-first), 0 past each sequence's length. */
  output: Variable;
  /** `[numLayers·D, B, H_out]`, row `layer·D + direction`. */
  h_n: Variable;
  /** `[numLayers·D, B, hiddenSize]` (LSTM only). */
  c_n?: Variable;
}

/** Parameters of one direction of one layer. */
interface DirectionParameters {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;
  weightHr: Parameter | null;
  /** LSTM peepholes `weight_ci`, `weight_cf`, `weight_co` (`[H]` each), or null. */
  peephole: { weightCi: Parameter; weightCf: Parameter; weightCo: Parameter } | null;
}

/** The variants of a recurrence a fused layer runs (set by its subclass). */
export interface FusedVariant {
  /** LSTM projection size (0: none). */
  projSize?: number;
  /** LSTM peephole connections. */
  peephole?: boolean;
  /** GRU reset-after form (PyTorch's, default true). */
  resetAfter?: boolean;
  /** LSTM / GRU gate activation (default `'sigmoid'`). */
  recurrentActivation?: RecurrentActivation;
}

const valueOf = (x: LayerInput): Tensor => (x instanceof Variable ? x.value : x);

/**
 * The common body of the fused {@link RNN}, {@link LSTM} and {@link GRU} layers: PyTorch's
 * parameter names and order, and a forward pass made of one fused sequence primitive per layer
 * and direction.
 */
export abstract class FusedLayer extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** LSTM peephole connections (`weight_ci_l{k}`, `weight_cf_l{k}`, `weight_co_l{k}`). */
  readonly peephole: boolean;
  /** GRU form: reset-after (PyTorch's) or reset-before (Keras's `reset_after=False`). */
  readonly resetAfter: boolean;
  /** LSTM / GRU gate activation. */
  readonly recurrentActivation: RecurrentActivation;
  /** How the recurrent weights were drawn. */
  readonly recurrentInit: RecurrentInit;
  /** Parameters per layer and direction (`[layer][direction]`). */
  readonly directions: DirectionParameters[][] = [];
  private readonly mode: RecurrentMode;
  private readonly generator: Generator;
  private readonly layerName: string;

  protected constructor(layerName: string, mode: RecurrentMode, options: FusedLayerOptions, schema: OptionsSchema, variant: FusedVariant = {}) {
    super();
    checkOptions(layerName, options, schema);
    this.layerName = layerName;
    this.mode = mode;
    const positive = (name: string, value: unknown, minimum = 1) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) fail(layerName, `${name} an integer ≥ ${minimum}`, String(value));
      return value;
    };
    this.inputSize = positive('inputSize', options.inputSize);
    const H = (this.hiddenSize = positive('hiddenSize', options.hiddenSize));
    this.numLayers = positive('numLayers', options.numLayers ?? 1);
    this.projSize = positive('projSize', variant.projSize ?? 0, 0);
    this.peephole = variant.peephole ?? false;
    this.resetAfter = variant.resetAfter ?? true;
    this.recurrentActivation = variant.recurrentActivation ?? 'sigmoid';
    if (typeof this.peephole !== 'boolean') fail(layerName, 'peephole true or false', String(this.peephole));
    if (typeof this.resetAfter !== 'boolean') fail(layerName, 'resetAfter true or false', String(this.resetAfter));
    if (this.recurrentActivation !== 'sigmoid' && this.recurrentActivation !== 'hardSigmoid') {
      fail(layerName, "recurrentActivation 'sigmoid' or 'hardSigmoid'", String(this.recurrentActivation));
    }
    if (this.projSize >= H) fail(layerName, `projSize smaller than hiddenSize ${H}`, String(this.projSize));
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.bidirectional = options.bidirectional ?? false;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) fail(layerName, 'dropout in [0, 1)', String(this.dropout));
    this.generator = options.generator ?? new Generator(0);
    this.recurrentInit = options.recurrentInit ?? 'uniform';
    const gates = mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
    const width = this.projSize || H;
    const D = this.bidirectional ? 2 : 1;
    const make = (shape: number[]) => uniformParameter(shape, H, this.generator, options.backend, 'float32', layerName);
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inputs = layer === 0 ? this.inputSize : D * width;
      const row: DirectionParameters[] = [];
      for (let direction = 0; direction < D; direction++) {
        const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
        const parameters: DirectionParameters = {
          weightIh: this.registerParameter(`weight_ih${suffix}`, make([gates * H, inputs])),
          weightHh: this.registerParameter(`weight_hh${suffix}`, make([gates * H, width])),
          biasIh: this.bias ? this.registerParameter(`bias_ih${suffix}`, make([gates * H])) : null,
          biasHh: this.bias ? this.registerParameter(`bias_hh${suffix}`, make([gates * H])) : null,
          weightHr: this.projSize > 0 ? this.registerParameter(`weight_hr${suffix}`, make([this.projSize, H])) : null,
          peephole: this.peephole
            ? {
                weightCi: this.registerParameter(`weight_ci${suffix}`, make([H])),
                weightCf: this.registerParameter(`weight_cf${suffix}`, make([H])),
                weightCo: this.registerParameter(`weight_co${suffix}`, make([H])),
              }
            : null,
        };
        if (options.recurrentInit === 'orthogonal') orthogonalBlocks(parameters.weightHh.value, gates, this.generator);
        row.push(parameters);
      }
      this.directions.push(row);
    }
  }

  /** The options shared by every fused layer as plain JSON (each layer adds its own in `config()`). */
  protected baseConfig(): FusedLayerConfig {
    return {
      inputSize: this.inputSize, hiddenSize: this.hiddenSize, numLayers: this.numLayers, bias: this.bias, batchFirst: this.batchFirst,
      dropout: this.dropout, bidirectional: this.bidirectional, recurrentInit: this.recurrentInit,
    };
  }

  /** Runs the whole stack over `x`; see the subclass for equations and shapes. */
  protected run(x: LayerInput, state: FusedLayerState): FusedLayerOutput {
    const name = this.layerName;
    const input = valueOf(x);
    if (input.rank !== 3 || input.shape[2] !== this.inputSize) {
      fail(name, `input ${this.batchFirst ? '[batch, time' : '[time, batch'}, ${this.inputSize}]`, formatShape(input.shape));
    }
    if (input.dtype !== 'float32') fail(name, 'input of dtype float32', input.dtype);
    const [T, B] = this.batchFirst ? [input.shape[1], input.shape[0]] : [input.shape[0], input.shape[1]];
    const D = this.bidirectional ? 2 : 1;
    const rows = this.numLayers * D;
    const width = this.projSize || this.hiddenSize;
    const givenLengths = this.checkLengths(state.lengths ?? null, T, B);
    const isLSTM = this.mode === 'LSTM';
    if (!isLSTM && state.c0) fail(name, 'no c0 (only LSTM has a cell state)', 'c0');
    // As PyTorch packs unsorted sequences: the batch runs sorted by decreasing length, so that at
    // each step the sequences still running are the first rows and each step's product covers
    // only them; outputs and final states go back to the caller's order.
    const order = givenLengths ? longestFirst(givenLengths) : null;
    const sorting = order ? { order, inverse: inversePermutation(order) } : null;
    const lengths = order ? Int32Array.from(order, (b) => givenLengths![b]) : givenLengths;
    const h0 = state.h0 ? this.checkState('h0', state.h0, [rows, B, width], sorting) : null;
    const c0 = isLSTM && state.c0 ? this.checkState('c0', state.c0, [rows, B, this.hiddenSize], sorting) : null;
    // a backend whose recurrence takes batch-first sequences runs them as they come; otherwise
    // the layer works time-major and transposes in and out
    const batchFirstKernels = this.batchFirst && input.backend.kernels.recurrent?.batchFirst === true;
    const batchAxis = batchFirstKernels ? 0 : 1;
    const sequenceInput: LayerInput = this.batchFirst && !batchFirstKernels ? transpose(x, 0, 1) : x;
    let layerInput: LayerInput = sorting ? indexSelect(sequenceInput, batchAxis, sorting.order) : sequenceInput;
    const finalH: Variable[] = [];
    const finalC: Variable[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outputs: Variable[] = [];
      for (let direction = 0; direction < D; direction++) {
        const p = this.directions[layer][direction];
        const row = layer * D + direction;
        const [output, hN, cN] = recurrentPrimitive(
          {
            x: layerInput, h0: h0?.[row], c0: c0?.[row], weightIh: p.weightIh, weightHh: p.weightHh, biasIh: p.biasIh, biasHh: p.biasHh,
            weightHr: p.weightHr, weightCi: p.peephole?.weightCi, weightCf: p.peephole?.weightCf, weightCo: p.peephole?.weightCo,
          },
          {
            mode: this.mode, step: false, reverse: direction === 1, lengths, projSize: this.projSize,
            resetAfter: this.resetAfter, recurrentActivation: this.recurrentActivation, batchFirst: batchFirstKernels,
          },
        );
        outputs.push(output);
        finalH.push(hN);
        if (cN) finalC.push(cN);
      }
      let joined: Variable = D === 2 ? concat(outputs, 2) : outputs[0];
      if (this.dropout > 0 && this.training && layer < this.numLayers - 1) {
        joined = dropoutBetweenLayers({ x: joined }, { p: this.dropout, generator: this.generator })[0];
      }
      layerInput = joined;
    }
    // states [rows, B, ·] have the batch on axis 1; the sequence on batchAxis
    const unsorted = (v: Variable, axis = 1): Variable => (sorting ? indexSelect(v, axis, sorting.inverse) : v);
    const sequence = unsorted(layerInput as Variable, batchAxis);
    const output = this.batchFirst && !batchFirstKernels ? transpose(sequence, 0, 1) : sequence;
    const result: FusedLayerOutput = { output, h_n: unsorted(stack(finalH, 0)) };
    if (isLSTM) result.c_n = unsorted(stack(finalC, 0));
    return result;
  }

  /** Checks a state's shape, then gives its rows (batch rows sorted when `sorting` is given). */
  private checkState(label: string, state: LayerInput, shape: number[], sorting: { order: number[]; inverse: number[] } | null): Variable[] {
    const value = valueOf(state);
    if (value.rank !== 3 || value.shape.some((d, i) => d !== shape[i])) {
      fail(this.layerName, `${label} [numLayers·directions, batch, features] = ${formatShape(shape)}`, formatShape(value.shape));
    }
    const rows = sorting ? indexSelect(state, 1, sorting.order) : state;
    return Array.from({ length: shape[0] }, (_, row) => slice(rows, [row]));
  }

  private checkLengths(lengths: FusedLayerState['lengths'], T: number, B: number): Int32Array | null {
    if (lengths === null || lengths === undefined) return null;
    const values = Array.from(isTensor(lengths) ? lengths.data : lengths);
    if (values.length !== B) fail(this.layerName, `lengths with one entry per sequence (${B})`, `${values.length} entries`);
    for (const length of values) {
      if (!Number.isInteger(length) || length < 1 || length > T) fail(this.layerName, `lengths in [1, ${T}] (the sequence length)`, `[${values.join(', ')}]`);
    }
    return Int32Array.from(values);
  }
}

/** Batch rows ordered by decreasing length (ties in batch order), or null when they already are. */
export function longestFirst(lengths: Int32Array): number[] | null {
  let sorted = true;
  for (let b = 1; b < lengths.length && sorted; b++) sorted = lengths[b] <= lengths[b - 1];
  if (sorted) return null;
  return Array.from(lengths.keys()).sort((a, b) => lengths[b] - lengths[a] || a - b);
}

/** The permutation that undoes `order`. */
function inversePermutation(order: readonly number[]): number[] {
  const inverse = new Array<number>(order.length);
  order.forEach((b, position) => (inverse[b] = position));
  return inverse;
}
