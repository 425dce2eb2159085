// The schedules whose rate is a closed form of the epoch, each as PyTorch 1.13 defines it
// (test-vectors/local/schedules.json holds PyTorch's rates, per group, over hundreds of steps).
import { option } from '@recurrent/tensor';
import { type AnyOptimizer, LRScheduler, checkScheduleOptions, count, isSchedule, nonNegative } from './lrScheduler.js';

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Epochs between two decays. */
  stepSize: number;
  /** Decay factor (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the rate by γ every `stepSize` epochs: `γₑ = γ₀·gamma^⌊e / stepSize⌋` (PyTorch's `StepLR`).
 *
 * @example new StepLR(optimizer, { stepSize: 30, gamma: 0.1 })
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: StepLROptions) {
    super('StepLR', optimizer);
    checkScheduleOptions(this.name, options, { stepSize: count, gamma: nonNegative }, ['stepSize']);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.start();
  }

  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }

  /** PyTorch's chainable form: × gamma at each multiple of `stepSize`. */
  override chainedLr(epoch: number, lr: number): number {
    return epoch === 0 || epoch % this.stepSize !== 0 ? lr : lr * this.gamma;
  }
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Epochs at which the rate decays (a milestone listed twice decays twice). */
  milestones: readonly number[];
  /** Decay factor (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the rate by γ at each milestone: `γₑ = γ₀·gamma^|{m ∈ milestones : m ≤ e}|`
 * (PyTorch's `MultiStepLR`).
 *
 * @example new MultiStepLR(optimizer, { milestones: [30, 80], gamma: 0.1 })
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: readonly number[];
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: MultiStepLROptions) {
    super('MultiStepLR', optimizer);
    checkScheduleOptions(this.name, options, { milestones: option.arrayOf(option.integer({ min: 0 })), gamma: nonNegative }, ['milestones']);
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this.start();
  }

  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** this.milestones.filter((m) => m <= epoch).length;
  }

  /** PyTorch's chainable form: × gamma^(times `epoch` is listed) at a milestone. */
  override chainedLr(epoch: number, lr: number): number {
    const times = this.milestones.filter((m) => m === epoch).length;
    return times === 0 ? lr : lr * this.gamma ** times;
  }
}

/** Options of {@link ConstantLR}. */
export interface ConstantLROptions {
  /** Factor applied until `totalIters` (default 1/3). */
  factor?: number;
  /** Epochs the factor applies (default 5). */
  totalIters?: number;
}

/**
 * `γₑ = γ₀·factor` for `e < totalIters`, then `γ₀` (PyTorch's `ConstantLR`).
 *
 * @example new ConstantLR(optimizer, { factor: 0.5, totalIters: 4 })
 */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, options: ConstantLROptions = {}) {
    super('ConstantLR', optimizer);
    checkScheduleOptions(this.name, options, { factor: option.number({ min: 0, max: 1 }), totalIters: option.integer({ min: 0 }) });
    this.factor = options.factor ?? 1 / 3;
    this.totalIters = options.totalIters ?? 5;
    this.start();
  }

  lrAt(epoch: number, baseLr: number): number {
    return epoch < this.totalIters ? baseLr * this.factor : baseLr;
  }

  /** PyTorch's chainable form: × factor at epoch 0, ÷ factor at `totalIters`. */
  override chainedLr(epoch: number, lr: number): number {
    if (this.factor === 0) throw new Error('ConstantLR: expected a factor > 0 in a ChainedScheduler (its chainable form divides by the factor), got 0');
    if (epoch === 0) return lr * this.factor;
    return epoch === this.totalIters ? lr * (1 / this.factor) : lr;
  }
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** Factor at epoch 0 (default 1/3, must be > 0). */
  startFactor?: number;
  /** Factor from `totalIters` on (default 1). */
  endFactor?: number;
  /** Epochs of the ramp (default 5). */
  totalIters?: number;
}

/**
 * Linear ramp of the factor from `startFactor` to `endFactor` over `totalIters` epochs
 * (PyTorch's `LinearLR`): `γₑ = γ₀·(s + (t − s)·min(e, totalIters) / totalIters)`.
 *
 * @example new LinearLR(optimizer, { startFactor: 0.1, totalIters: 100 })
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, options: LinearLROptions = {}) {
    super('LinearLR', optimizer);
    const unit = option.number({ above: 0, max: 1 });
    checkScheduleOptions(this.name, options, { startFactor: unit, endFactor: option.number({ min: 0, max: 1 }), totalIters: count });
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    this.start();
  }

  lrAt(epoch: number, baseLr: number): number {
    return baseLr * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(epoch, this.totalIters)) / this.totalIters);
  }

  /** PyTorch's chainable form: × startFactor at epoch 0, then the ratio of two factors of the ramp. */
  override chainedLr(epoch: number, lr: number): number {
    if (epoch === 0) return lr * this.startFactor;
    if (epoch > this.totalIters) return lr;
    const slope = this.endFactor - this.startFactor;
    return lr * (1 + slope / (this.totalIters * this.startFactor + (epoch - 1) * slope));
  }
}

/**
 * Multiplies the rate by γ every epoch: `γₑ = γ₀·gammaᵉ` (PyTorch's `ExponentialLR`).
 *
 * @example new ExponentialLR(optimizer, { gamma: 0.95 })
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: { gamma: number }) {
    super('ExponentialLR', optimizer);
    checkScheduleOptions(this.name, options, { gamma: nonNegative }, ['gamma']);
    this.gamma = options.gamma;
    this.start();
  }

  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** epoch;
  }

  /** PyTorch's chainable form: × gamma at every epoch after 0. */
  override chainedLr(epoch: number, lr: number): number {
    return epoch === 0 ? lr : lr * this.gamma;
  }
}

/** Options of {@link PolynomialLR}. */
export interface PolynomialLROptions {
  /** Epochs until the rate reaches 0 (default 5). */
  totalIters?: number;
  /** Power of the decay (default 1). */
  power?: number;
}

/**
 * Polynomial decay to 0 (PyTorch's `PolynomialLR`): `γₑ = γ₀·(1 − min(e, totalIters) / totalIters)^power`.
 *
 * @example new PolynomialLR(optimizer, { totalIters: 1000, power: 2 })
 */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;

  constructor(optimizer: AnyOptimizer, options: PolynomialLROptions = {}) {
    super('PolynomialLR', optimizer);
    checkScheduleOptions(this.name, options, { totalIters: count, power: nonNegative });
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1;
    this.start();
  }

  lrAt(epoch: number, baseLr: number): number {
    return baseLr * (1 - Math.min(epoch, this.totalIters) / this.totalIters) ** this.power;
  }

  /** PyTorch's chainable form: × ((1 − e/T) / (1 − (e − 1)/T))^power up to `totalIters`. */
  override chainedLr(epoch: number, lr: number): number {
    if (epoch === 0 || epoch > this.totalIters) return lr;
    return lr * ((1 - epoch / this.totalIters) / (1 - (epoch - 1) / this.totalIters)) ** this.power;
  }
}

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Epochs of a half period. */
  tMax: number;
  /** The lowest rate (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing from γ₀ to `etaMin` over `tMax` epochs (PyTorch's `CosineAnnealingLR`;
 * periodic beyond `tMax`): `γₑ = η_min + (γ₀ − η_min)·(1 + cos(π·e / tMax)) / 2`.
 *
 * @example new CosineAnnealingLR(optimizer, { tMax: 100, etaMin: 1e-5 })
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: AnyOptimizer, options: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', optimizer);
    checkScheduleOptions(this.name, options, { tMax: count, etaMin: nonNegative }, ['tMax']);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.start();
  }

  lrAt(epoch: number, baseLr: number): number {
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }

  /**
   * PyTorch's chainable form: the distance to `etaMin` scaled by the ratio of two cosine factors,
   * and at each restart of the period (where that ratio's denominator is 0) a step up.
   */
  override chainedLr(epoch: number, lr: number, baseLr: number): number {
    if (epoch === 0) return lr;
    const period = 2 * this.tMax;
    if ((((epoch - 1 - this.tMax) % period) + period) % period === 0) {
      return lr + ((baseLr - this.etaMin) * (1 - Math.cos(Math.PI / this.tMax))) / 2;
    }
    return ((1 + Math.cos((Math.PI * epoch) / this.tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / this.tMax))) * (lr - this.etaMin) + this.etaMin;
  }
}

/**
 * `γₑ = γ₀·λ(e)` for a function λ of the epoch, one for all groups or one per group (PyTorch's `LambdaLR`).
 *
 * @example new LambdaLR(optimizer, { lrLambda: (epoch) => 0.95 ** epoch })
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: ((epoch: number) => number)[];

  constructor(optimizer: AnyOptimizer, options: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[] }) {
    super('LambdaLR', optimizer);
    this.lrLambdas = lambdas(this.name, options, optimizer);
    this.start();
  }

  lrAt(epoch: number, baseLr: number, group: number): number {
    return baseLr * this.lrLambdas[group](epoch);
  }
}

/**
 * Multiplies the rate by λ(e) at each epoch e ≥ 1: `γₑ = γ₀·∏_{k=1..e} λ(k)` (PyTorch's `MultiplicativeLR`).
 *
 * @example new MultiplicativeLR(optimizer, { lrLambda: () => 0.95 })
 */
export class MultiplicativeLR extends LRScheduler {
  readonly lrLambdas: ((epoch: number) => number)[];

  constructor(optimizer: AnyOptimizer, options: { lrLambda: ((epoch: number) => number) | ((epoch: number) => number)[] }) {
    super('MultiplicativeLR', optimizer);
    this.lrLambdas = lambdas(this.name, options, optimizer);
    this.start();
  }

  // PyTorch multiplies the current rate, so the product is taken in the same order
  lrAt(epoch: number, baseLr: number, group: number): number {
    let lr = baseLr;
    for (let k = 1; k <= epoch; k++) lr *= this.lrLambdas[group](k);
    return lr;
  }

  /** PyTorch's chainable form: × λ(e) at every epoch after 0. */
  override chainedLr(epoch: number, lr: number, _baseLr: number, group: number): number {
    return epoch === 0 ? lr : lr * this.lrLambdas[group](epoch);
  }
}

function lambdas(name: string, options: { lrLambda: unknown }, optimizer: AnyOptimizer): ((epoch: number) => number)[] {
  checkScheduleOptions(name, options, { lrLambda: option.shaped('a function, or an array of them (one per group)', (v) => typeof v === 'function' || (Array.isArray(v) && v.every((f) => typeof f === 'function'))) }, ['lrLambda']);
  const given = options.lrLambda as ((epoch: number) => number) | ((epoch: number) => number)[];
  const list = Array.isArray(given) ? given : optimizer.paramGroups.map(() => given);
  if (list.length !== optimizer.paramGroups.length) throw new Error(`${name}: expected ${optimizer.paramGroups.length} lrLambda functions (one per group), got ${list.length}`);
  return list;
}

/** Options of {@link LinearWarmup}. */
export interface LinearWarmupOptions {
  /** Number of warm-up steps. */
  warmupSteps: number;
  /** Fraction of γ₀ at step 0 (default 0). */
  startFactor?: number;
  /** The schedule that takes over after warm-up (its epoch 0 is the first step after warm-up);
   * without it the rate stays at γ₀. */
  after?: LRScheduler;
}

/**
 * Linear warm-up: `γₑ = γ₀·(s + (1 − s)·e / warmupSteps)` for `e < warmupSteps` (`s` the start
 * factor), then `after.lrAt(e − warmupSteps)`, or `γ₀` when no schedule follows. Build the
 * follow-up schedule first and pass it in. (PyTorch writes this as `SequentialLR` of `LinearLR`
 * and the follow-up; this form lets warm-up start at 0.)
 *
 * @example
 * const cosine = new CosineAnnealingLR(optimizer, { tMax: 1000 });
 * const schedule = new LinearWarmup(optimizer, { warmupSteps: 100, after: cosine });
 */
export class LinearWarmup extends LRScheduler {
  readonly warmupSteps: number;
  readonly startFactor: number;
  readonly after: LRScheduler | null;

  constructor(optimizer: AnyOptimizer, options: LinearWarmupOptions) {
    super('LinearWarmup', optimizer);
    checkScheduleOptions(this.name, options, { warmupSteps: count, startFactor: option.any, after: isSchedule }, ['warmupSteps']);
    this.warmupSteps = options.warmupSteps;
    this.startFactor = options.startFactor ?? 0;
    if (!(typeof this.startFactor === 'number' && this.startFactor >= 0 && this.startFactor <= 1)) throw new Error(`LinearWarmup: expected startFactor in [0, 1], got ${String(this.startFactor)}`);
    this.after = options.after ?? null;
    if (this.after && this.after.optimizer !== optimizer) throw new Error('LinearWarmup: expected a follow-up schedule of the same optimizer, got one of another');
    this.start();
  }

  lrAt(epoch: number, baseLr: number, group: number): number {
    if (epoch < this.warmupSteps) return baseLr * (this.startFactor + ((1 - this.startFactor) * epoch) / this.warmupSteps);
    if (!this.after) return baseLr;
    this.after.lastEpoch = epoch - this.warmupSteps;
    return this.after.lrAt(epoch - this.warmupSteps, this.after.baseLrs[group], group);
  }
}
