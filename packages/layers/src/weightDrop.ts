import { type Tensor, Generator, checkOptions, empty, option } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, mul } from '@recurrent/autograd';
import type { FusedLayerState, LayerInput } from './sequence/fusedLayer.js';
import type { GRU } from './gru.js';
import type { LSTM } from './lstm.js';
import type { RNN } from './rnn.js';

/** Options of {@link WeightDrop}. */
export interface WeightDropOptions {
  /** Probability of dropping a hidden-to-hidden weight, in [0, 1) (default 0.5). */
  p?: number;
  /** Seeded generator of the masks (default `new Generator(seed)`). */
  generator?: Generator;
  /** Seed used when no generator is given (default 0). */
  seed?: number;
}

/** The fused layers weight-drop wraps. */
export type WeightDroppable = LSTM | GRU | RNN;

interface Slot {
  holder: { weightHh: Parameter | Variable };
  raw: Parameter;
}

/**
 * Weight-drop, DropConnect on the hidden-to-hidden weights (Wan et al. 2013; Merity et al. 2017,
 * AWD-LSTM): in training mode each forward draws a mask `M` per `weight_hh_l{k}` and runs the
 * wrapped fused layer with `W_hh ⊙ M / (1 − p)`, `M ~ Bernoulli(1 − p)` elementwise, the same
 * dropped weights at every time step; gradients reach the raw weights through the mask. Evaluation
 * mode runs the raw weights. The layer keeps its fused path: the masked weight goes into the same
 * sequence primitive. Parameters keep the wrapped layer's names (`weight_hh_l0`, …), so state
 * dicts load into a plain layer and back. Masks are drawn in state-dict order, row-major, from the
 * seeded generator (`uniform() < p` → 0).
 *
 * Shapes: those of the wrapped layer.
 *
 * @example
 * const lstm = new WeightDrop(new LSTM({ inputSize: 32, hiddenSize: 64 }), { p: 0.5, seed: 1 });
 * const { output, h_n, c_n } = lstm.forward(x);
 */
export class WeightDrop<L extends WeightDroppable = WeightDroppable> extends Module {
  readonly layer: L;
  readonly p: number;
  readonly generator: Generator;
  /** The masks of the last training forward, in state-dict order (for inspection and tests). */
  lastMasks: Tensor[] = [];
  private readonly slots: Slot[] = [];

  constructor(layer: L, options: WeightDropOptions = {}) {
    super();
    checkOptions('WeightDrop', options, {
      p: option.shaped('a number in [0, 1)', (v) => typeof v === 'number' && v >= 0 && v < 1),
      generator: option.instance(Generator, 'a Generator'), seed: option.integer(),
    });
    if (!layer || !Array.isArray((layer as { directions?: unknown }).directions)) {
      throw new Error(`WeightDrop: expected a fused LSTM, GRU or RNN layer, got ${String(layer?.constructor?.name ?? layer)}`);
    }
    this.layer = layer;
    this.p = options.p ?? 0.5;
    this.generator = options.generator ?? new Generator(options.seed ?? 0);
    for (const [name, parameter] of layer.namedParameters()) this.registerParameter(name, parameter);
    for (const row of layer.directions) for (const holder of row) this.slots.push({ holder, raw: holder.weightHh });
  }

  get batchFirst(): boolean {
    return this.layer.batchFirst;
  }

  override train(mode = true): this {
    super.train(mode);
    this.layer.train(mode);
    return this;
  }

  /** Runs the wrapped layer, its recurrent weights dropped in training mode. */
  forward(x: LayerInput, state: FusedLayerState = {}): ReturnType<L['forward']> {
    const run = () => (this.layer.forward as (x: LayerInput, state: FusedLayerState) => ReturnType<L['forward']>).call(this.layer, x, state);
    if (!this.training || this.p === 0) return run();
    const keep = 1 / (1 - this.p);
    this.lastMasks = this.slots.map(({ raw }) => {
      const mask = empty(raw.shape, { dtype: raw.value.dtype, backend: raw.value.backend });
      for (let i = 0; i < mask.size; i++) mask.data[i] = this.generator.uniform() < this.p ? 0 : keep;
      return mask;
    });
    // AWD-LSTM's swap: the layer reads its weight_hh slots, which hold the dropped weights for
    // this call only (graph nodes whose backward multiplies by the mask into the raw parameter)
    this.slots.forEach(({ holder, raw }, k) => (holder.weightHh = mul(raw, this.lastMasks[k])));
    try {
      return run();
    } finally {
      for (const { holder, raw } of this.slots) holder.weightHh = raw;
    }
  }
}
