import { type Tensor, Generator, checkOptions, describeValue, fail, option } from '@recurrent/tensor';
import { common } from './internal/commonOptions.js';
import type { Variable } from '@recurrent/autograd';
import { Module } from '@recurrent/autograd';
import type { RecurrentCell } from '@recurrent/cells';
import { Dropout } from './dropout.js';
import { Recurrent, sequenceOptionsSchema, type SequenceLayer, type SequenceOptions, type SequenceResult } from './recurrent.js';
import type { FusedLayer } from './sequence/fusedLayer.js';
import { asSequenceLayer } from './sequence/asSequenceLayer.js';

/** A cell or a sequence layer: what {@link Stacked} and {@link Bidirectional} accept. */
export type CellOrLayer = RecurrentCell | SequenceLayer | FusedLayer;

/** Wraps a cell in {@link Recurrent}; adapts a fused layer; checks the batch layout. */
export function toSequenceLayer(owner: string, item: CellOrLayer, batchFirst: boolean): SequenceLayer {
  if (typeof item !== 'object' || item === null) fail(owner, 'a cell or a sequence layer', describeValue(item));
  const isLayer = typeof (item as SequenceLayer).forward === 'function' && typeof (item as { step?: unknown }).step !== 'function' && 'batchFirst' in item;
  const layer = isLayer ? asSequenceLayer(item as SequenceLayer | FusedLayer) : new Recurrent(item as RecurrentCell, { batchFirst });
  if (layer.batchFirst !== batchFirst) fail(owner, `layers with batchFirst ${batchFirst}`, `a ${item.constructor.name} with batchFirst ${layer.batchFirst}`);
  return layer;
}

/** Options of {@link Stacked}. */
export interface StackedOptions {
  /** `[batch, time, features]` inputs and outputs (default false). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Generator of the dropout masks (default: seeded with `seed`). */
  generator?: Generator;
  seed?: number;
}

/** What {@link Stacked.forward} returns. */
export interface StackedResult extends SequenceResult {
  /** Final states per layer. */
  states: Variable[][];
}

/**
 * Layers run one after the other, each reading the previous one's outputs (a deep RNN):
 * `output_0 = layer_0(x)`, `output_k = layer_k(dropout(output_{k−1}))`. Cells are wrapped in
 * {@link Recurrent}; fused `RNN`/`LSTM`/`GRU` layers and other sequence layers (including
 * {@link Bidirectional} and `Stacked` itself) are used as they are. Lengths and `timeOffset` pass to every layer.
 * State-dict names are prefixed by the layer index (`0.weight_ih`), as PyTorch's `nn.Sequential`.
 *
 * Shapes: input `[T, B, I]` (`[B, T, I]` batch-first) → output `[T, B, outputSize of the last]`;
 * `initialState`/`state`: the layers' state tensors concatenated in layer order.
 *
 * @example
 * const deep = new Stacked([
 *   new JordanCell({ inputSize: 4, hiddenSize: 8, outputSize: 6 }),
 *   new ClockworkCell({ inputSize: 6, hiddenSize: 8, periods: [1, 2] }),
 * ], { dropout: 0.1 });
 * const { output, states } = deep.forward(x);
 */
export class Stacked extends Module implements SequenceLayer {
  readonly layers: SequenceLayer[];
  readonly batchFirst: boolean;
  readonly outputSize: number;
  readonly stateCount: number;
  readonly dropout: Dropout | null;

  constructor(layers: readonly CellOrLayer[], options: StackedOptions = {}) {
    super();
    checkOptions('Stacked', options, { batchFirst: option.boolean, dropout: option.number({ min: 0, max: 1 }), generator: common.generator, seed: option.integer() });
    if (!Array.isArray(layers) || layers.length === 0) fail('Stacked', 'a list of at least one cell or layer', Array.isArray(layers) ? 'none' : describeValue(layers));
    this.batchFirst = options.batchFirst ?? false;
    this.layers = layers.map((item, index) => this.registerModule(String(index), toSequenceLayer('Stacked', item, this.batchFirst)));
    this.outputSize = this.layers[this.layers.length - 1].outputSize;
    this.stateCount = this.layers.reduce((total, layer) => total + layer.stateCount, 0);
    const p = options.dropout ?? 0;
    this.dropout = p > 0 ? new Dropout({ p, generator: options.generator ?? new Generator(options.seed ?? 0) }) : null;
  }

  /**
   * The options besides the layers themselves, as JSON: `layers` is their count (the model file's
   * description keeps each layer as a submodule named by its index).
   */
  config(): { batchFirst: boolean; dropout: number; layers: number } {
    return { batchFirst: this.batchFirst, dropout: this.dropout?.p ?? 0, layers: this.layers.length };
  }

  override train(mode = true): this {
    super.train(mode);
    this.dropout?.train(mode);
    return this;
  }

  /** Runs the layers in order; `initialState` lists every layer's state tensors in order. */
  forward(input: Variable | Tensor, options: SequenceOptions = {}): StackedResult {
    checkOptions('Stacked', options, sequenceOptionsSchema);
    const initial = options.initialState;
    if (initial && initial.length !== this.stateCount) fail('Stacked', `${this.stateCount} initial state tensors (all layers, in order)`, `${initial.length}`);
    let x: Variable | Tensor = input;
    let offset = 0;
    const states: Variable[][] = [];
    this.layers.forEach((layer, index) => {
      if (index > 0 && this.dropout) x = this.dropout.forward(x);
      const initialState = initial?.slice(offset, offset + layer.stateCount);
      offset += layer.stateCount;
      const result = layer.forward(x, { initialState, lengths: options.lengths, timeOffset: options.timeOffset });
      x = result.output;
      states.push(result.state);
    });
    return { output: x as Variable, state: states.flat(), states };
  }
}
