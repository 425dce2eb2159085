// Schedules with restarts and cycles (PyTorch 1.13's CosineAnnealingWarmRestarts, OneCycleLR,
// CyclicLR) and SequentialLR, which hands over from one schedule to the next at milestones.
import { option } from '@recurrent/tensor';
import {
  type AnyOptimizer, LRScheduler, checkCyclable, checkOptimizer, checkScheduleOptions, count, nonNegative, numberOrList, perGroup, positive, setMomentum,
  isSchedule,
} from './lrScheduler.js';

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Epochs of the first period. */
  t0: number;
  /** Growth factor of each next period (an integer ≥ 1, default 1). */
  tMult?: number;
  /** The lowest rate (default 0). */
  etaMin?: number;
}

/**
 * SGDR (Loshchilov & Hutter), as PyTorch's `CosineAnnealingWarmRestarts`: cosine annealing
 * over periods `T_i = t0·tMultⁱ`, the rate jumping back to γ₀ at each restart:
 * `γₑ = η_min + (γ₀ − η_min)·(1 + cos(π·T_cur / T_i)) / 2`, `T_cur` the epochs since the last restart.
 *
 * @example new CosineAnnealingWarmRestarts(optimizer, { t0: 10, tMult: 2 })
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly t0: number;
  readonly tMult: number;
  readonly etaMin: number;

  constructor(optimizer: AnyOptimizer, options: CosineAnnealingWarmRestartsOptions) {
    super('CosineAnnealingWarmRestarts', optimizer);
    checkScheduleOptions(this.name, options, { t0: count, tMult: count, etaMin: nonNegative }, ['t0']);
    this.t0 = options.t0;
    this.tMult = options.tMult ?? 1;
    this.etaMin = options.etaMin ?? 0;
    this.start();
  }

  lrAt(epoch: number, baseLr: number): number {
    // integer walk over the periods: exact where PyTorch's log-based closed form can round
    let tCur = epoch;
    let tI = this.t0;
    while (tCur >= tI) {
      tCur -= tI;
      tI *= this.tMult;
    }
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  }
}

/** Options of {@link OneCycleLR} (PyTorch's, in TS casing). */
export interface OneCycleLROptions {
  /** The peak rate, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps of the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Share of the cycle spent rising (default 0.3). */
  pctStart?: number;
  /** `cos` (default) or `linear`. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD, RMSprop) or β1 (Adam) inversely to the rate (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum (default 0.85). */
  baseMomentum?: number | readonly number[];
  /** Highest momentum (default 0.95). */
  maxMomentum?: number | readonly number[];
  /** Initial rate = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** Final rate = initial rate / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial rate, annihilation) instead of two (default false). */
  threePhase?: boolean;
}

interface Phase { endStep: number; startLr: 'initial' | 'max' | 'min'; endLr: 'initial' | 'max' | 'min'; startMomentum: 'max' | 'base'; endMomentum: 'max' | 'base' }

/**
 * The 1cycle policy (Smith & Topin), as PyTorch's `OneCycleLR`, stepped once per batch: the rate
 * rises from `maxLr/divFactor` to `maxLr` over `pctStart` of the steps, then anneals to
 * `maxLr/(divFactor·finalDivFactor)`; momentum moves the opposite way. Annealing from `a` to `b`
 * at fraction `p` of a phase: `b + (a − b)·(1 + cos πp)/2` (cos) or `a + (b − a)·p` (linear).
 * It sets each group's `initialLr` to the starting rate.
 *
 * @example new OneCycleLR(optimizer, { maxLr: 0.01, totalSteps: 1000 })
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly maxLrs: number[];
  readonly minLrs: number[];
  readonly baseMomentums: number[];
  readonly maxMomentums: number[];
  readonly cycleMomentum: boolean;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    super('OneCycleLR', optimizer);
    const unitList = numberOrList(option.number({ min: 0, max: 1 }));
    checkScheduleOptions(this.name, options, {
      maxLr: numberOrList(nonNegative), totalSteps: count, epochs: count, stepsPerEpoch: count, pctStart: option.number({ min: 0, max: 1 }),
      annealStrategy: option.oneOf(['cos', 'linear']), cycleMomentum: option.boolean, baseMomentum: unitList, maxMomentum: unitList,
      divFactor: positive, finalDivFactor: positive, threePhase: option.boolean,
    }, ['maxLr']);
    if (options.totalSteps !== undefined) this.totalSteps = options.totalSteps;
    else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) this.totalSteps = options.epochs * options.stepsPerEpoch;
    else throw new Error('OneCycleLR: expected totalSteps, or epochs and stepsPerEpoch, got neither');
    const pct = options.pctStart ?? 0.3;
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    this.maxLrs = perGroup(this.name, 'maxLr', options.maxLr, optimizer, nonNegative);
    this.baseLrs = this.maxLrs.map((maxLr) => maxLr / divFactor);
    this.minLrs = this.baseLrs.map((lr) => lr / finalDivFactor);
    optimizer.paramGroups.forEach((group, g) => {
      group.initialLr = this.baseLrs[g];
    });
    const T = this.totalSteps;
    this.phases = options.threePhase
      ? [
        { endStep: pct * T - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
        { endStep: 2 * pct * T - 2, startLr: 'max', endLr: 'initial', startMomentum: 'base', endMomentum: 'max' },
        { endStep: T - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
      ]
      : [
        { endStep: pct * T - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
        { endStep: T - 1, startLr: 'max', endLr: 'min', startMomentum: 'base', endMomentum: 'max' },
      ];
    this.anneal = (options.annealStrategy ?? 'cos') === 'cos'
      ? (start, end, p) => end + ((start - end) / 2) * (Math.cos(Math.PI * p) + 1)
      : (start, end, p) => (end - start) * p + start;
    this.cycleMomentum = options.cycleMomentum ?? true;
    if (this.cycleMomentum) checkCyclable(this.name, optimizer, true);
    this.maxMomentums = perGroup(this.name, 'maxMomentum', options.maxMomentum ?? 0.95, optimizer, option.number({ min: 0, max: 1 }));
    this.baseMomentums = perGroup(this.name, 'baseMomentum', options.baseMomentum ?? 0.85, optimizer, option.number({ min: 0, max: 1 }));
    this.start();
  }

  override step(): void {
    if (this.lastEpoch + 1 > this.totalSteps) throw new Error(`OneCycleLR.step: expected at most ${this.totalSteps} steps (totalSteps), got step ${this.lastEpoch + 2}`);
    super.step();
  }

  private at(epoch: number, group: number): { lr: number; momentum: number } {
    const lrs = { initial: this.baseLrs[group], max: this.maxLrs[group], min: this.minLrs[group] };
    const momenta = { max: this.maxMomentums[group], base: this.baseMomentums[group] };
    let startStep = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const phase = this.phases[i];
      if (epoch <= phase.endStep || i === this.phases.length - 1) {
        // clamped: the rate after the last step (PyTorch lets one more step() compute it) stays at the
        // phase's end instead of running past it (below zero for the linear anneal)
        const p = Math.min(1, (epoch - startStep) / (phase.endStep - startStep));
        return { lr: this.anneal(lrs[phase.startLr], lrs[phase.endLr], p), momentum: this.anneal(momenta[phase.startMomentum], momenta[phase.endMomentum], p) };
      }
      startStep = phase.endStep;
    }
    throw new Error('OneCycleLR: no phase (unreachable)');
  }

  lrAt(epoch: number, _baseLr: number, group: number): number {
    return this.at(epoch, group).lr;
  }

  protected override start(): void {
    super.start();
    if (this.cycleMomentum) this.optimizer.paramGroups.forEach((_, g) => setMomentum(this.optimizer, g, this.at(this.lastEpoch, g).momentum));
  }
}

/** Options of {@link CyclicLR} (PyTorch's, in TS casing). */
export interface CyclicLROptions {
  /** The lower rate, one for all groups or one per group (it replaces each group's lr). */
  baseLr: number | readonly number[];
  /** The upper rate. */
  maxLr: number | readonly number[];
  /** Steps of the rising half (default 2000). */
  stepSizeUp?: number;
  /** Steps of the falling half (default stepSizeUp). */
  stepSizeDown?: number;
  /** `triangular` (default), `triangular2` (amplitude halves each cycle) or `exp_range` (× gammaᵉ). */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** Factor of `exp_range` (default 1). */
  gamma?: number;
  /** Cycle momentum inversely to the rate (default true; needs an optimizer with momentum). */
  cycleMomentum?: boolean;
  /** Lowest momentum (default 0.8). */
  baseMomentum?: number | readonly number[];
  /** Highest momentum (default 0.9). */
  maxMomentum?: number | readonly number[];
}

/**
 * Cyclical learning rates (Smith), as PyTorch's `CyclicLR`, stepped once per batch. With
 * `c = ⌊1 + e/(up + down)⌋`, `x = 1 + e/(up + down) − c` and `s = x/r` for `x ≤ r`, else
 * `(x − 1)/(r − 1)` (`r = up/(up + down)`): `γₑ = base + (max − base)·s·scale`, the scale 1
 * (triangular), `1/2^(c−1)` (triangular2) or `gammaᵉ` (exp_range); momentum `max − (max − base)·s·scale`.
 *
 * @example new CyclicLR(optimizer, { baseLr: 1e-4, maxLr: 1e-2, stepSizeUp: 500 })
 */
export class CyclicLR extends LRScheduler {
  readonly maxLrs: number[];
  readonly baseMomentums: number[];
  readonly maxMomentums: number[];
  readonly cycleMomentum: boolean;
  readonly mode: 'triangular' | 'triangular2' | 'exp_range';
  readonly gamma: number;
  private readonly totalSize: number;
  private readonly stepRatio: number;

  constructor(optimizer: AnyOptimizer, options: CyclicLROptions) {
    const unitList = numberOrList(option.number({ min: 0, max: 1 }));
    checkScheduleOptions('CyclicLR', options, {
      baseLr: numberOrList(nonNegative), maxLr: numberOrList(nonNegative), stepSizeUp: positive, stepSizeDown: positive,
      mode: option.oneOf(['triangular', 'triangular2', 'exp_range']), gamma: positive, cycleMomentum: option.boolean, baseMomentum: unitList, maxMomentum: unitList,
    }, ['baseLr', 'maxLr']);
    checkOptimizer('CyclicLR', optimizer);
    // PyTorch sets each group's lr to baseLr before the base records initialLr
    const baseLrs = perGroup('CyclicLR', 'baseLr', options.baseLr, optimizer, nonNegative);
    optimizer.paramGroups.forEach((group, g) => {
      group.lr = baseLrs[g];
    });
    super('CyclicLR', optimizer);
    this.baseLrs = baseLrs;
    this.maxLrs = perGroup(this.name, 'maxLr', options.maxLr, optimizer, nonNegative);
    const up = options.stepSizeUp ?? 2000;
    const down = options.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = options.mode ?? 'triangular';
    this.gamma = options.gamma ?? 1;
    this.cycleMomentum = options.cycleMomentum ?? true;
    if (this.cycleMomentum) {
      checkCyclable(this.name, optimizer, false);
      this.baseMomentums = perGroup(this.name, 'baseMomentum', options.baseMomentum ?? 0.8, optimizer, option.number({ min: 0, max: 1 }));
      this.baseMomentums.forEach((m, g) => setMomentum(optimizer, g, m));
    } else this.baseMomentums = [];
    this.maxMomentums = perGroup(this.name, 'maxMomentum', options.maxMomentum ?? 0.9, optimizer, option.number({ min: 0, max: 1 }));
    this.start();
  }

  /** The position in the cycle and the amplitude's scale at `epoch`. */
  private shape(epoch: number): { s: number; scale: number } {
    const cycle = Math.floor(1 + epoch / this.totalSize);
    const x = 1 + epoch / this.totalSize - cycle;
    const s = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.mode === 'triangular' ? 1 : this.mode === 'triangular2' ? 1 / 2 ** (cycle - 1) : this.gamma ** epoch;
    return { s, scale };
  }

  lrAt(epoch: number, baseLr: number, group: number): number {
    const { s, scale } = this.shape(epoch);
    return baseLr + (this.maxLrs[group] - baseLr) * s * scale;
  }

  protected override start(): void {
    super.start();
    if (!this.cycleMomentum) return;
    const { s, scale } = this.shape(this.lastEpoch);
    this.optimizer.paramGroups.forEach((_, g) => setMomentum(this.optimizer, g, this.maxMomentums[g] - (this.maxMomentums[g] - this.baseMomentums[g]) * s * scale));
  }
}

/**
 * Runs schedules one after another (PyTorch's `SequentialLR`): schedule k is in charge from
 * milestone k − 1 on, counting its epochs from there: `γₑ = schedule_k.lrAt(e − milestone_{k−1})`.
 *
 * @example
 * const warmup = new LinearLR(optimizer, { startFactor: 0.1, totalIters: 5 });
 * const decay = new ExponentialLR(optimizer, { gamma: 0.9 });
 * const schedule = new SequentialLR(optimizer, { schedulers: [warmup, decay], milestones: [5] });
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];

  constructor(optimizer: AnyOptimizer, options: { schedulers: readonly LRScheduler[]; milestones: readonly number[] }) {
    super('SequentialLR', optimizer);
    checkScheduleOptions(this.name, options, {
      schedulers: option.arrayOf(isSchedule), milestones: option.arrayOf(option.integer({ min: 1 })),
    }, ['schedulers', 'milestones']);
    if (options.schedulers.length === 0 || options.milestones.length !== options.schedulers.length - 1) {
      throw new Error(`SequentialLR: expected one milestone fewer than schedulers, got ${options.schedulers.length} schedulers and ${options.milestones.length} milestones`);
    }
    options.schedulers.forEach((s, k) => {
      if (s.optimizer !== optimizer) throw new Error(`SequentialLR: expected schedules of the same optimizer, got schedulers[${k}] of another`);
    });
    if (options.milestones.some((m, k) => k > 0 && m <= options.milestones[k - 1])) throw new Error(`SequentialLR: expected increasing milestones, got ${options.milestones.join(', ')}`);
    this.schedulers = [...options.schedulers];
    this.milestones = [...options.milestones];
    this.start();
  }

  lrAt(epoch: number, _baseLr: number, group: number): number {
    const k = this.milestones.filter((m) => m <= epoch).length;
    const schedule = this.schedulers[k];
    schedule.lastEpoch = epoch - (k > 0 ? this.milestones[k - 1] : 0);
    return schedule.lrAt(schedule.lastEpoch, schedule.baseLrs[group], group);
  }
}
