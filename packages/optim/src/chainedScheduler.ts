// PyTorch 1.13's ChainedScheduler: several schedules stepped together, each moving the rate the
// previous one left (test-vectors/local/schedules.json holds PyTorch's rates).
import { describeValue, option } from '@recurrent/tensor';
import { type AnyOptimizer, LRScheduler, type SchedulerStateDict } from './lrScheduler.js';
import { SequentialLR } from './cyclicSchedules.js';
import { LinearWarmup } from './schedules.js';

/**
 * Steps several schedules of one optimizer together (PyTorch's `ChainedScheduler`): each `step()`
 * advances every schedule by one epoch in the order given, each moving the group's rate from the
 * one the previous schedule left, by its chainable form ({@link LRScheduler.chainedLr}). So
 * multiplicative schedules multiply (`ConstantLR` × `ExponentialLR`: `γₑ = γ₀·factor·gammaᵉ` while
 * the factor holds), while `LambdaLR`, `CosineAnnealingWarmRestarts`, `OneCycleLR` and `CyclicLR`,
 * which PyTorch sets outright, replace what came before them. `SequentialLR` and `LinearWarmup`,
 * which drive schedules of their own, are refused.
 *
 * Build the schedules first, then the chain: construction recomputes epoch 0 as PyTorch's
 * successive constructors leave it, from each group's rate before any schedule (`initialLr`).
 *
 * @example
 * const schedule = new ChainedScheduler([
 *   new ConstantLR(optimizer, { factor: 0.1, totalIters: 2 }),
 *   new ExponentialLR(optimizer, { gamma: 0.9 }),
 * ]);
 * for (let epoch = 0; epoch < 100; epoch++) { train(); schedule.step(); }
 */
export class ChainedScheduler {
  /** The optimizer every schedule drives. */
  readonly optimizer: AnyOptimizer;
  /** The schedules, in the order each step applies them. */
  readonly schedulers: readonly LRScheduler[];
  /** The class name, used in errors and state dicts. */
  readonly name = 'ChainedScheduler';

  constructor(schedulers: readonly LRScheduler[]) {
    const list = option.arrayOf(option.shaped('a schedule', (value) => value instanceof LRScheduler));
    if (!list.test(schedulers) || schedulers.length === 0) {
      throw new Error(`ChainedScheduler: expected a non-empty array of schedules (LRScheduler), got ${describeValue(schedulers)}`);
    }
    const optimizer = schedulers[0].optimizer;
    schedulers.forEach((schedule, k) => {
      if (schedule.optimizer !== optimizer) throw new Error(`ChainedScheduler: expected schedules of the same optimizer, got schedulers[${k}] of another`);
      if (schedule instanceof SequentialLR || schedule instanceof LinearWarmup) {
        throw new Error(`ChainedScheduler: expected schedules that move the rate themselves, got ${schedule.name} at schedulers[${k}] (it drives schedules of its own)`);
      }
      if (schedule.lastEpoch !== 0) throw new Error(`ChainedScheduler: expected freshly built schedules (lastEpoch 0), got ${schedule.name} at lastEpoch ${schedule.lastEpoch} (schedulers[${k}])`);
    });
    this.optimizer = optimizer;
    this.schedulers = [...schedulers];
    // each construction set its own epoch-0 rate outright; PyTorch's constructors chain them
    optimizer.paramGroups.forEach((group) => {
      group.lr = group.initialLr ?? group.lr;
    });
    for (const schedule of this.schedulers) schedule.applyChained();
  }

  /** Steps taken (every schedule's `lastEpoch`). */
  get lastEpoch(): number {
    return this.schedulers[0].lastEpoch;
  }

  /** The learning rate of the first group now. */
  get lr(): number {
    return this.optimizer.paramGroups[0].lr;
  }

  /** Every group's rate now (PyTorch's `get_last_lr()`). */
  get lastLrs(): number[] {
    return this.optimizer.paramGroups.map((group) => group.lr);
  }

  /** Advances every schedule one epoch, in order, each from the rate the previous one set. */
  step(): void {
    for (const schedule of this.schedulers) {
      schedule.lastEpoch++;
      schedule.applyChained();
    }
  }

  /** The position and the rates it has reached (a chain's rate is no closed form of the epoch). */
  stateDict(): SchedulerStateDict {
    return { scheduler: this.name, lastEpoch: this.lastEpoch, lrs: this.lastLrs };
  }

  /** Restores what {@link stateDict} wrote: every schedule's epoch and every group's rate. */
  loadStateDict(dict: SchedulerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (!dict || dict.scheduler !== this.name) throw new Error(`${op}: expected a state dict of ${this.name}, got one of ${dict?.scheduler ?? 'nothing'}`);
    if (!option.integer({ min: 0 }).test(dict.lastEpoch)) throw new Error(`${op}: expected lastEpoch to be an integer ≥ 0, got ${describeValue(dict.lastEpoch)}`);
    const rule = option.arrayOf(option.number({ min: 0 }), this.optimizer.paramGroups.length);
    if (!rule.test(dict.lrs)) throw new Error(`${op}: expected lrs to be ${rule.expected}, got ${describeValue(dict.lrs)}`);
    for (const schedule of this.schedulers) schedule.lastEpoch = dict.lastEpoch as number;
    this.optimizer.paramGroups.forEach((group, g) => {
      group.lr = (dict.lrs as number[])[g];
    });
  }
}
