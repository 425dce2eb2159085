import { checkOptions, describeValue, option } from '@recurrent/tensor';
import { type AnyOptimizer, type SchedulerStateDict, checkOptimizer, nonNegative, numberOrList, perGroup } from './lrScheduler.js';

/** Options of {@link ReduceLROnPlateau} (PyTorch's, in TS casing). */
export interface ReduceLROnPlateauOptions {
  /** `min` (default): lower metrics are better; `max`: higher are better. */
  mode?: 'min' | 'max';
  /** Factor the rate is multiplied by on a plateau (default 0.1, must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Least change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** `rel` (default): relative to the best value; `abs`: absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound of the rate, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the rate when a metric stops improving (PyTorch's `ReduceLROnPlateau`): after more
 * than `patience` epochs without an improvement, each group's `γ ← max(γ·factor, minLr)` (a
 * change smaller than `eps` skipped), then `cooldown`
 * epochs of rest. In `min`/`rel` mode a metric `a` improves on the best `b` when
 * `a < b·(1 − threshold)` (`abs`: `a < b − threshold`; `max` mode mirrors both).
 *
 * @example
 * const schedule = new ReduceLROnPlateau(optimizer, { patience: 2 });
 * schedule.step(validationLoss);
 */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  readonly options: Required<Omit<ReduceLROnPlateauOptions, 'minLr'>>;
  /** Each group's lower bound. */
  readonly minLrs: number[];
  /** Best metric so far. */
  best: number;
  /** Epochs since the last improvement. */
  badEpochs = 0;
  /** Cooldown epochs left. */
  cooldownLeft = 0;
  /** Calls of `step()` so far. */
  lastEpoch = 0;

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptions('ReduceLROnPlateau', options, {
      mode: option.oneOf(['min', 'max']), factor: option.shaped('a number in [0, 1)', (v) => typeof v === 'number' && v >= 0 && v < 1),
      patience: option.integer({ min: 0 }), threshold: nonNegative, thresholdMode: option.oneOf(['rel', 'abs']), cooldown: option.integer({ min: 0 }),
      minLr: numberOrList(nonNegative), eps: nonNegative,
    });
    checkOptimizer('ReduceLROnPlateau', optimizer);
    this.optimizer = optimizer;
    const { minLr, ...rest } = options;
    this.options = { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, eps: 1e-8, ...rest };
    this.minLrs = perGroup('ReduceLROnPlateau', 'minLr', minLr ?? 0, optimizer, nonNegative);
    this.best = this.options.mode === 'min' ? Infinity : -Infinity;
  }

  /** The learning rate of the first group now. */
  get lr(): number {
    return this.optimizer.paramGroups[0].lr;
  }

  /** Every group's rate now. */
  get lastLrs(): number[] {
    return this.optimizer.paramGroups.map((group) => group.lr);
  }

  private improves(metric: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    if (mode === 'min') return thresholdMode === 'rel' ? metric < this.best * (1 - threshold) : metric < this.best - threshold;
    return thresholdMode === 'rel' ? metric > this.best * (1 + threshold) : metric > this.best + threshold;
  }

  /** Records one epoch's metric and reduces the rate on a plateau. */
  step(metric: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) throw new Error(`ReduceLROnPlateau.step: expected a metric number, got ${describeValue(metric)}`);
    this.lastEpoch++;
    if (this.improves(metric)) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.options.patience) {
      this.optimizer.paramGroups.forEach((group, g) => {
        const reduced = Math.max(group.lr * this.options.factor, this.minLrs[g]);
        if (group.lr - reduced > this.options.eps) group.lr = reduced;
      });
      this.cooldownLeft = this.options.cooldown;
      this.badEpochs = 0;
    }
  }

  /** Position, best metric, counters and the current rate. */
  stateDict(): SchedulerStateDict {
    return {
      scheduler: 'ReduceLROnPlateau', lastEpoch: this.lastEpoch, best: Number.isFinite(this.best) ? this.best : String(this.best),
      badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft, lrs: this.lastLrs,
    };
  }

  /** Restores what {@link stateDict} wrote, the groups' rates included (every field checked first). */
  loadStateDict(dict: SchedulerStateDict): void {
    const op = 'ReduceLROnPlateau.loadStateDict';
    if (!dict || dict.scheduler !== 'ReduceLROnPlateau') throw new Error(`${op}: expected a state dict of ReduceLROnPlateau, got one of ${dict?.scheduler ?? 'nothing'}`);
    const counter = option.integer({ min: 0 });
    for (const key of ['lastEpoch', 'badEpochs', 'cooldownLeft'] as const) {
      if (!counter.test(dict[key])) throw new Error(`${op}: expected ${key} to be ${counter.expected}, got ${describeValue(dict[key])}`);
    }
    const best = typeof dict.best === 'string' ? Number(dict.best) : dict.best;
    if (typeof best !== 'number' || Number.isNaN(best)) throw new Error(`${op}: expected best to be a number, got ${describeValue(dict.best)}`);
    // checkpoints of one group wrote `lr`
    const lrs = dict.lrs ?? (typeof dict.lr === 'number' ? [dict.lr] : undefined);
    const rule = option.arrayOf(nonNegative, this.optimizer.paramGroups.length);
    if (!rule.test(lrs)) throw new Error(`${op}: expected lrs to be ${rule.expected}, got ${describeValue(lrs)}`);
    this.lastEpoch = dict.lastEpoch as number;
    this.best = best;
    this.badEpochs = dict.badEpochs as number;
    this.cooldownLeft = dict.cooldownLeft as number;
    (lrs as number[]).forEach((lr, g) => {
      this.optimizer.paramGroups[g].lr = lr;
    });
  }
}
