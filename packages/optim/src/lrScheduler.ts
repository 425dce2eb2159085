import { type OptionRule, type OptionsSchema, checkOptions, describeValue, option } from '@recurrent/tensor';
import type { Optimizer, OptimizerOptions } from './optimizer.js';

/** The JSON-serialisable state of a schedule. */
export type SchedulerStateDict = { scheduler: string } & Record<string, number | string | boolean | null | number[]>;

/** Any optimizer, whatever its options. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOptimizer = Optimizer<any>;

/**
 * The base of the epoch-indexed schedules, as PyTorch's `_LRScheduler`: each group's rate after
 * `lastEpoch` calls of `step()` is `lrAt(lastEpoch, baseLr, group)`, `baseLr` the group's
 * `initialLr` (set to its `lr` by the first schedule attached, as PyTorch's `initial_lr`).
 * Construction sets the rates of epoch 0, as PyTorch does.
 *
 * @example
 * const schedule = new StepLR(optimizer, { stepSize: 10, gamma: 0.5 });
 * for (let epoch = 0; epoch < 30; epoch++) { train(); schedule.step(); }
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this schedule sets. */
  readonly optimizer: AnyOptimizer;
  /** Calls of `step()` so far. */
  lastEpoch = 0;
  /** Each group's rate at epoch 0 (PyTorch's `base_lrs`). */
  baseLrs: number[];
  /** The schedule's class name, used in errors and state dicts. */
  readonly name: string;

  protected constructor(name: string, optimizer: AnyOptimizer) {
    this.name = name;
    checkOptimizer(name, optimizer);
    this.optimizer = optimizer;
    for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    this.baseLrs = optimizer.paramGroups.map((group) => group.initialLr as number);
  }

  /** The rate of a group whose base rate is `baseLr` at `epoch`. */
  abstract lrAt(epoch: number, baseLr: number, group: number): number;

  /**
   * The rate after this schedule's step to `epoch` from the group's current rate `lr`, in PyTorch's
   * chainable form (its `get_lr`), which `ChainedScheduler` applies schedule after schedule;
   * `null` for the schedules PyTorch sets outright whatever the current rate (LambdaLR and the
   * cycling ones), which then set their closed form.
   */
  chainedLr(epoch: number, lr: number, baseLr: number, group: number): number | null {
    void epoch, lr, baseLr, group;
    return null;
  }

  /**
   * Sets every group's rate for the current `lastEpoch` from the rate it holds now, by
   * {@link chainedLr} (the closed form, and the cycled momentum, for schedules without one): one
   * step of this schedule inside a `ChainedScheduler`.
   */
  applyChained(): void {
    const groups = this.optimizer.paramGroups;
    const rates = groups.map((group, g) => this.chainedLr(this.lastEpoch, group.lr, this.baseLrs[g], g));
    if (rates.some((rate) => rate === null)) {
      this.start();
      return;
    }
    groups.forEach((group, g) => {
      group.lr = rates[g] as number;
    });
  }

  /** The learning rate of the first group now. */
  get lr(): number {
    return this.optimizer.paramGroups[0].lr;
  }

  /** Every group's rate now (PyTorch's `get_last_lr()`). */
  get lastLrs(): number[] {
    return this.optimizer.paramGroups.map((group) => group.lr);
  }

  /** Advances one epoch (or step) and sets every group's `lr`. */
  step(): void {
    this.lastEpoch++;
    this.start();
  }

  /** The schedule's position (its options live in the code that builds it). */
  stateDict(): SchedulerStateDict {
    return { scheduler: this.name, lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /** Restores the position written by {@link stateDict} and sets the groups' rates. */
  loadStateDict(dict: SchedulerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (!dict || dict.scheduler !== this.name) throw new Error(`${op}: expected a state dict of ${this.name}, got one of ${dict?.scheduler ?? 'nothing'}`);
    if (!option.integer({ min: 0 }).test(dict.lastEpoch)) throw new Error(`${op}: expected lastEpoch to be an integer ≥ 0, got ${describeValue(dict.lastEpoch)}`);
    const baseLrs = dict.baseLrs ?? this.baseLrs;
    const rule = option.arrayOf(option.number({ min: 0 }), this.baseLrs.length);
    if (!rule.test(baseLrs)) throw new Error(`${op}: expected baseLrs to be ${rule.expected}, got ${describeValue(baseLrs)}`);
    this.lastEpoch = dict.lastEpoch as number;
    this.baseLrs = [...(baseLrs as number[])];
    this.start();
  }

  /** Sets every group's rate to that of the current epoch (constructors call it once their options are set). */
  protected start(): void {
    this.optimizer.paramGroups.forEach((group, g) => {
      group.lr = this.lrAt(this.lastEpoch, this.baseLrs[g], g);
    });
  }
}

/** A schedule (an {@link LRScheduler}). */
export const isSchedule = option.shaped('a schedule', (value) => value instanceof LRScheduler);
/** A finite number > 0. */
export const positive = option.number({ above: 0 });
/** A finite number ≥ 0. */
export const nonNegative = option.number({ min: 0 });
/** An integer ≥ 1. */
export const count = option.integer({ min: 1 });

/** Checks a schedule's options, including required ones (`required` names them). */
export function checkScheduleOptions(name: string, options: unknown, schema: OptionsSchema, required: string[] = []): void {
  checkOptions(name, options, schema);
  for (const key of required) {
    if ((options as Record<string, unknown> | undefined)?.[key] === undefined) throw new Error(`${name}: expected a ${key} option, got none`);
  }
}

/** Checks that a schedule was given an optimizer (something with `paramGroups`). */
export function checkOptimizer(name: string, optimizer: unknown): asserts optimizer is AnyOptimizer {
  if (!optimizer || !Array.isArray((optimizer as { paramGroups?: unknown }).paramGroups)) {
    throw new Error(`${name}: expected an optimizer, got ${describeValue(optimizer)}`);
  }
}

/** A value per group: one number for all, or an array with one per group (PyTorch's lists). */
export function perGroup(name: string, key: string, value: number | readonly number[], optimizer: AnyOptimizer, rule: OptionRule): number[] {
  const groups = optimizer.paramGroups.length;
  const values = typeof value === 'number' ? new Array<number>(groups).fill(value) : [...value];
  if (values.length !== groups) throw new Error(`${name}: expected ${groups} values for ${key} (one per group), got ${values.length}`);
  values.forEach((v) => {
    if (!rule.test(v)) throw new Error(`${name}: expected ${key} to be ${rule.expected}, got ${describeValue(v)}`);
  });
  return values;
}

/** A number or an array of numbers, each passing `rule` (per-group options). */
export function numberOrList(rule: OptionRule): OptionRule {
  return option.shaped(`${rule.expected}, or an array of them (one per group)`, (value) => rule.test(value) || (Array.isArray(value) && value.every((v) => rule.test(v))));
}

/** Sets a group's momentum (SGD, RMSprop) or β1 (Adam), as the cycling schedules do. */
export function setMomentum(optimizer: AnyOptimizer, group: number, value: number): void {
  const target = optimizer.paramGroups[group] as unknown as Record<string, unknown>;
  if ('betas' in optimizer.defaults) target.betas = [value, (target.betas as number[])[1]];
  else target.momentum = value;
}

/** Throws unless the optimizer has a momentum or β1 to cycle. */
export function checkCyclable(name: string, optimizer: AnyOptimizer, betas: boolean): void {
  const defaults = optimizer.defaults as OptimizerOptions & Record<string, unknown>;
  if (!('momentum' in defaults) && !(betas && 'betas' in defaults)) {
    throw new Error(`${name}: expected an optimizer with momentum${betas ? ' or betas' : ''} for cycleMomentum, got ${optimizer.name} (pass cycleMomentum: false)`);
  }
}
