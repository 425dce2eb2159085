import { type Tensor, Generator, checkOptions, empty, option } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, add, mul, sub } from '@recurrent/autograd';
import type { CellConfig, CellStepResult, RecurrentCell } from '@recurrent/cells';

/** Options of {@link ZoneoutCell}. */
export interface ZoneoutOptions {
  /** Probability that a unit of `h` keeps its previous value at a step, in [0, 1) (default 0.1). */
  zoneoutH?: number;
  /** The same for the LSTM cell state `c` (default `zoneoutH`; ignored by cells with one state). */
  zoneoutC?: number;
  /** Seeded generator of the masks (default `new Generator(seed)`). */
  generator?: Generator;
  /** Seed used when no generator is given (default 0). */
  seed?: number;
}

/**
 * Zoneout (Krueger et al. 2016) around any cell, `LSTMCell` and `GRUCell` included: at each step
 * each unit of each state keeps its previous value with probability `z` instead of taking the
 * cell's new one. Training: `s_t = d_t ⊙ s_{t−1} + (1 − d_t) ⊙ s̃_t`, `d_t ~ Bernoulli(z)` drawn
 * afresh at every step (row-major, state by state, from the seeded generator: `uniform() < z` → 1);
 * evaluation: the expectation, `s_t = z·s_{t−1} + (1 − z)·s̃_t`. The output is the new first
 * state (`h`). Run it over sequences with {@link Recurrent}; parameters keep the cell's names.
 *
 * Shapes: those of the wrapped cell's step (`x [B, I]`, states `[B, size]`).
 *
 * @example
 * const layer = new Recurrent(new ZoneoutCell(new LSTMCell({ inputSize: 8, hiddenSize: 32 }), { zoneoutH: 0.1, zoneoutC: 0.5 }));
 * const { output } = layer.forward(x); // x: [T, B, 8]
 */
export class ZoneoutCell extends Module implements RecurrentCell {
  readonly cell: RecurrentCell;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly stateSizes: readonly number[];
  /** The zoneout probability of each state (`[z_h]` or `[z_h, z_c]`). */
  readonly rates: readonly number[];
  readonly generator: Generator;

  constructor(cell: RecurrentCell, options: ZoneoutOptions = {}) {
    super();
    const rate = option.shaped('a number in [0, 1)', (v) => typeof v === 'number' && v >= 0 && v < 1);
    checkOptions('ZoneoutCell', options, { zoneoutH: rate, zoneoutC: rate, generator: option.instance(Generator, 'a Generator'), seed: option.integer() });
    if (!cell || typeof (cell as { step?: unknown }).step !== 'function') throw new Error(`ZoneoutCell: expected a cell with a step (LSTMCell, GRUCell, …), got ${String(cell)}`);
    this.cell = cell;
    this.inputSize = this.cell.inputSize;
    this.hiddenSize = this.cell.hiddenSize;
    this.outputSize = this.cell.outputSize;
    this.stateSizes = this.cell.stateSizes;
    const zH = options.zoneoutH ?? 0.1;
    this.rates = this.stateSizes.map((_, k) => (k === 0 ? zH : options.zoneoutC ?? zH));
    this.generator = options.generator ?? new Generator(options.seed ?? 0);
    for (const [name, parameter] of this.cell.namedParameters()) this.registerParameter(name, parameter as Parameter);
  }

  override train(mode = true): this {
    super.train(mode);
    this.cell.train(mode);
    return this;
  }

  initialState(batch: number): Tensor[] {
    return this.cell.initialState(batch);
  }

  /** The wrapped cell's options and the zoneout rates, as plain JSON. */
  config(): CellConfig {
    return zoneoutConfig(this);
  }

  /** A keep-previous mask `d` (1 with probability `z`) shaped like `like`. */
  drawMask(z: number, like: Tensor): Tensor {
    const mask = empty(like.shape, { dtype: like.dtype, backend: like.backend });
    for (let i = 0; i < mask.size; i++) mask.data[i] = this.generator.uniform() < z ? 1 : 0;
    return mask;
  }

  /** One step of the cell, each state unit zoned out (kept) with its probability. */
  step(input: Variable | Tensor, state?: readonly (Variable | Tensor)[] | null, time = 0): CellStepResult {
    const previous = state ?? this.cell.initialState((input as { shape: readonly number[] }).shape[0]);
    const fresh = this.cell.step(input, previous, time).state;
    const next = fresh.map((candidate, k) => {
      const z = this.rates[k];
      if (z === 0) return candidate;
      // s_t = s̃_t + d ⊙ (s_{t−1} − s̃_t): d the mask in training, z itself in evaluation
      const d: Tensor | number = this.training ? this.drawMask(z, candidate.value) : z;
      const keep = typeof d === 'number' ? mul(sub(previous[k], candidate), full(d, candidate.value)) : mul(sub(previous[k], candidate), d);
      return add(candidate, keep);
    });
    return { output: next[0], state: next };
  }
}

/** The options as plain JSON: the zoneout rates and the wrapped cell's options. */
export function zoneoutConfig(cell: ZoneoutCell): CellConfig {
  return { ...cell.cell.config(), zoneoutH: cell.rates[0], zoneoutC: cell.rates[1] ?? cell.rates[0] };
}

function full(value: number, like: Tensor): Tensor {
  const out = empty([1], { dtype: like.dtype, backend: like.backend });
  out.data[0] = value;
  return out;
}
