import type { Optimizer } from './optimizer.js';
import type { SchedulerStateDict } from './lrScheduler.js';

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
  /** Lower bound of the rate (default 0). */
  minLr?: number;
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the rate when a metric stops improving (PyTorch's `ReduceLROnPlateau`): after more
 * than `patience` epochs without an improvement, `γ ← max(γ·factor, minLr)`, then `cooldown`
 * epochs of rest. In `min`/`rel` mode a metric `a` improves on the best `b` when
 * `a < b·(1 − threshold)` (`abs`: `a < b − threshold`; `max` mode mirrors both).
 *
 * @example
 * const schedule = new ReduceLROnPlateau(optimizer, { patience: 2 });
 * schedule.step(validationLoss);
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  readonly options: Required<ReduceLROnPlateauOptions>;
  /** Best metric so far. */
  best: number;
  /** Epochs since the last improvement. */
  badEpochs = 0;
  /** Cooldown epochs left. */
  cooldownLeft = 0;
  /** Calls of `step()` so far. */
  lastEpoch = 0;

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = optimizer;
    this.options = { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8, ...options };
    const { mode, factor, thresholdMode } = this.options;
    if (mode !== 'min' && mode !== 'max') throw new Error(`ReduceLROnPlateau: expected mode 'min' or 'max', got '${String(mode)}'`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new Error(`ReduceLROnPlateau: expected thresholdMode 'rel' or 'abs', got '${String(thresholdMode)}'`);
    if (!(factor >= 0 && factor < 1)) throw new Error(`ReduceLROnPlateau: expected factor in [0, 1), got ${factor}`);
    for (const name of ['patience', 'threshold', 'cooldown', 'minLr', 'eps'] as const) {
      if (!(this.options[name] >= 0)) throw new Error(`ReduceLROnPlateau: expected ${name} ≥ 0, got ${this.options[name]}`);
    }
    this.best = mode === 'min' ? Infinity : -Infinity;
  }

  /** The learning rate now. */
  get lr(): number {
    return this.optimizer.lr;
  }

  private improves(metric: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    if (mode === 'min') return thresholdMode === 'rel' ? metric < this.best * (1 - threshold) : metric < this.best - threshold;
    return thresholdMode === 'rel' ? metric > this.best * (1 + threshold) : metric > this.best + threshold;
  }

  /** Records one epoch's metric and reduces the rate on a plateau. */
  step(metric: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) throw new Error(`ReduceLROnPlateau.step: expected a metric number, got ${metric}`);
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
      const old = this.optimizer.lr;
      const reduced = Math.max(old * this.options.factor, this.options.minLr);
      if (old - reduced > this.options.eps) this.optimizer.lr = reduced;
      this.cooldownLeft = this.options.cooldown;
      this.badEpochs = 0;
    }
  }

  /** Position, best metric, counters and the current rate. */
  stateDict(): SchedulerStateDict {
    return {
      scheduler: 'ReduceLROnPlateau', lastEpoch: this.lastEpoch, best: Number.isFinite(this.best) ? this.best : String(this.best),
      badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft, lr: this.optimizer.lr,
    };
  }

  /** Restores what {@link stateDict} wrote, the optimizer's rate included. */
  loadStateDict(dict: SchedulerStateDict): void {
    if (!dict || dict.scheduler !== 'ReduceLROnPlateau') {
      throw new Error(`ReduceLROnPlateau.loadStateDict: expected a state dict of ReduceLROnPlateau, got one of ${dict?.scheduler ?? 'nothing'}`);
    }
    this.lastEpoch = Number(dict.lastEpoch);
    this.best = Number(dict.best);
    this.badEpochs = Number(dict.badEpochs);
    this.cooldownLeft = Number(dict.cooldownLeft);
    this.optimizer.lr = Number(dict.lr);
  }
}
