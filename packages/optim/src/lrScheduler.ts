import type { Optimizer } from './optimizer.js';

/** The JSON-serialisable state of a schedule. */
export type SchedulerStateDict = { scheduler: string } & Record<string, number | string | boolean | null>;

/**
 * The base of the epoch-indexed schedules: the learning rate after `lastEpoch` calls of
 * `step()` is a closed form `lrAt(lastEpoch)` of the optimizer's `initialLr`. Construction sets
 * the rate of epoch 0, as PyTorch does.
 *
 * @example
 * const schedule = new StepLR(optimizer, { stepSize: 10, gamma: 0.5 });
 * for (let epoch = 0; epoch < 30; epoch++) { train(); schedule.step(); }
 */
export abstract class LRScheduler {
  /** The optimizer whose `lr` this schedule sets. */
  readonly optimizer: Optimizer;
  /** Calls of `step()` so far. */
  lastEpoch = 0;
  private readonly name: string;

  protected constructor(name: string, optimizer: Optimizer) {
    this.name = name;
    this.optimizer = optimizer;
  }

  /** The learning rate γ at `epoch`. */
  abstract lrAt(epoch: number): number;

  /** The learning rate now. */
  get lr(): number {
    return this.optimizer.lr;
  }

  /** Advances one epoch (or step) and sets the optimizer's `lr`. */
  step(): void {
    this.lastEpoch++;
    this.start();
  }

  /** The schedule's position (its options live in the code that builds it). */
  stateDict(): SchedulerStateDict {
    return { scheduler: this.name, lastEpoch: this.lastEpoch };
  }

  /** Restores the position written by {@link stateDict} and sets the optimizer's `lr`. */
  loadStateDict(dict: SchedulerStateDict): void {
    if (!dict || dict.scheduler !== this.name) throw new Error(`${this.name}.loadStateDict: expected a state dict of ${this.name}, got one of ${dict?.scheduler ?? 'nothing'}`);
    if (typeof dict.lastEpoch !== 'number' || !(dict.lastEpoch >= 0)) throw new Error(`${this.name}.loadStateDict: expected lastEpoch ≥ 0, got ${dict.lastEpoch}`);
    this.lastEpoch = dict.lastEpoch;
    this.start();
  }

  /** Sets the optimizer's rate to that of the current epoch (constructors call it once their options are set). */
  protected start(): void {
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }

  /** Checks a finite option `> 0` (or `≥ 0` with `allowZero`), naming this schedule in the error. */
  protected positive(option: string, value: number, allowZero = false): number {
    if (typeof value !== 'number' || !(allowZero ? value >= 0 : value > 0) || !Number.isFinite(value)) {
      throw new Error(`${this.name}: expected ${option} ${allowZero ? '≥' : '>'} 0, got ${value}`);
    }
    return value;
  }
}


/**
 * Multiplies the rate by γ every `stepSize` epochs: `γₑ = γ₀·gamma^⌊e / stepSize⌋` (PyTorch's `StepLR`).
 *
 * @example new StepLR(optimizer, { stepSize: 30, gamma: 0.1 })
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    super('StepLR', optimizer);
    this.stepSize = this.positive('stepSize', options.stepSize);
    this.gamma = this.positive('gamma', options.gamma ?? 0.1, true);
    this.start();
  }

  lrAt(epoch: number): number {
    return this.optimizer.initialLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/**
 * Multiplies the rate by γ every epoch: `γₑ = γ₀·gammaᵉ` (PyTorch's `ExponentialLR`).
 *
 * @example new ExponentialLR(optimizer, { gamma: 0.95 })
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { gamma: number }) {
    super('ExponentialLR', optimizer);
    this.gamma = this.positive('gamma', options.gamma, true);
    this.start();
  }

  lrAt(epoch: number): number {
    return this.optimizer.initialLr * this.gamma ** epoch;
  }
}

/**
 * Cosine annealing from γ₀ to `etaMin` over `tMax` epochs (PyTorch's `CosineAnnealingLR`,
 * closed form; periodic beyond `tMax`):
 * `γₑ = η_min + (γ₀ − η_min)·(1 + cos(π·e / tMax)) / 2`.
 *
 * @example new CosineAnnealingLR(optimizer, { tMax: 100, etaMin: 1e-5 })
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number }) {
    super('CosineAnnealingLR', optimizer);
    this.tMax = this.positive('tMax', options.tMax);
    this.etaMin = this.positive('etaMin', options.etaMin ?? 0, true);
    this.start();
  }

  lrAt(epoch: number): number {
    const base = this.optimizer.initialLr;
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
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
 * follow-up schedule first and pass it in.
 *
 * @example
 * const cosine = new CosineAnnealingLR(optimizer, { tMax: 1000 });
 * const schedule = new LinearWarmup(optimizer, { warmupSteps: 100, after: cosine });
 */
export class LinearWarmup extends LRScheduler {
  readonly warmupSteps: number;
  readonly startFactor: number;
  readonly after: LRScheduler | null;

  constructor(optimizer: Optimizer, options: LinearWarmupOptions) {
    super('LinearWarmup', optimizer);
    this.warmupSteps = this.positive('warmupSteps', options.warmupSteps);
    this.startFactor = options.startFactor ?? 0;
    if (!(this.startFactor >= 0 && this.startFactor <= 1)) throw new Error(`LinearWarmup: expected startFactor in [0, 1], got ${this.startFactor}`);
    this.after = options.after ?? null;
    if (this.after && this.after.optimizer !== optimizer) throw new Error('LinearWarmup: expected a follow-up schedule of the same optimizer, got one of another');
    this.start();
  }

  lrAt(epoch: number): number {
    const base = this.optimizer.initialLr;
    if (epoch < this.warmupSteps) return base * (this.startFactor + ((1 - this.startFactor) * epoch) / this.warmupSteps);
    if (!this.after) return base;
    this.after.lastEpoch = epoch - this.warmupSteps;
    return this.after.lrAt(epoch - this.warmupSteps);
  }
}
