import { Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { randn, tensor, zeros } from '../ops/creation.js';

/**
 * Seeded random bad input for property tests: option objects whose values are wrongly typed,
 * out of range, misspelt or unknown, and tensors of random rank, sizes and dtype. A call given
 * them must give a result or one clear error ({@link BadInputs.check}), never a `TypeError`, a
 * `RangeError` or a hang. The same seed gives the same cases.
 *
 * @example
 * const bad = new BadInputs(1);
 * const options = bad.options({ inputSize: () => bad.integer(1, 4), bias: () => bad.pick([true, false]) });
 * const problem = bad.check(/^LSTMCell: /, () => new LSTMCell(options as never));
 * if (problem) throw new Error(problem);
 */
export class BadInputs {
  /** The generator every case is drawn from. */
  readonly random: Generator;
  /** Option objects made by {@link options} that hold a misspelt or unknown name. */
  private readonly misspelt = new WeakSet<object>();

  constructor(seed: number) {
    this.random = new Generator(seed);
  }

  /** One of `values`, uniformly. */
  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random.uniform() * values.length)];
  }

  /** An integer in `[low, high]`. */
  integer(low: number, high: number): number {
    return low + Math.floor(this.random.uniform() * (high - low + 1));
  }

  /** A value of any kind an option can wrongly hold: negative, NaN, ∞, huge, strings for numbers, objects, functions. */
  anyValue(): unknown {
    return this.pick<() => unknown>([
      () => this.integer(-3, 8), () => this.random.uniform() * 4 - 1, () => NaN, () => Infinity, () => -Infinity, () => 2 ** 32 + 1, () => 1e12,
      () => this.pick(['', 'no', 'false', '3', '0.1', '0x10', 'mean', 'orthogonl']), () => this.pick([true, false]), () => null, () => undefined,
      () => [1, 2], () => [], () => ({}), () => () => 0, () => new Generator(1), () => tensor([1, 2]), () => Symbol.for('x'), () => -0,
    ])();
  }

  /**
   * A random options object over `valid` (a maker of a good value per name): each name gets a good
   * value, a bad one ({@link anyValue}), a misspelt name, or nothing; sometimes an unknown name too.
   */
  options(valid: Record<string, () => unknown>, unknownNames: readonly string[] = ['bias_', 'inputsize', 'batchFrist', 'numLayer', 'lR']): Record<string, unknown> {
    const options: Record<string, unknown> = {};
    for (const [name, good] of Object.entries(valid)) {
      const roll = this.random.uniform();
      if (roll < 0.5) options[name] = good();
      else if (roll < 0.78) options[name] = this.anyValue();
      else if (roll < 0.83) options[`${name.slice(0, -1)}${name.at(-1) === 's' ? '' : 's'}`] = good();
    }
    if (this.random.uniform() < 0.12) options[this.pick(unknownNames)] = this.anyValue();
    if (Object.keys(options).some((name) => !(name in valid))) this.misspelt.add(options);
    return options;
  }

  /** True when `options` (made by {@link options}) holds a name its owner does not take: a call given it must throw. */
  hasUnknownName(options: object): boolean {
    return this.misspelt.has(options);
  }

  /** A tensor of random rank (0–`maxRank`), sizes (0–5) and dtype (float32, float64, int32). */
  tensor(maxRank = 4): Tensor {
    const shape = Array.from({ length: this.integer(0, maxRank) }, () => this.integer(0, 5));
    return this.pick([
      () => randn(shape, this.random),
      () => zeros(shape, { dtype: 'int32' }),
      () => randn(shape, this.random, { dtype: 'float64' }),
    ])();
  }

  /**
   * Runs `action` and says what is wrong, or null: a result is fine; an error must be a plain
   * `Error` (or one of `names`), one line, its message matching `owner` — a `TypeError`, a
   * `RangeError` or anything else is a problem, returned with `context()` (the call, in words).
   */
  check(owner: RegExp, action: () => unknown, context: () => string = () => '', names: readonly string[] = ['Error']): string | null {
    try {
      action();
      return null;
    } catch (error) {
      if (!(error instanceof Error)) return `${context()}: threw a non-Error ${String(error)}`;
      if (!names.includes(error.name)) return `${context()}: ${error.name}: ${error.message}`;
      if (!owner.test(error.message)) return `${context()}: an error not naming its owner (${owner}): ${error.message}`;
      if (error.message.includes('\n')) return `${context()}: an error of several lines: ${error.message}`;
      return null;
    }
  }

  /**
   * Builds with `make` from `options` (made by {@link options}) like {@link check}, and also says
   * what is wrong when the options held an unknown or misspelt name and the build still succeeded.
   */
  build<T>(owner: RegExp, make: () => T, options: object, context: () => string = () => ''): Built<T> {
    let value: T | null = null;
    const problem = this.check(owner, () => (value = make()), context);
    if (problem) return { value: null, problem };
    if (value !== null && this.hasUnknownName(options)) return { value, problem: `${context()}: accepted an unknown option name (expected an error naming it)` };
    return { value, problem: null };
  }
}

/** What {@link BadInputs.build} made: the value (null when it threw) and what is wrong, or null. */
export interface Built<T> {
  value: T | null;
  problem: string | null;
}

/** A call's arguments in words for a failure message (tensors by shape and dtype, ∞ and NaN spelt out). */
export function describeCall(name: string, ...values: unknown[]): () => string {
  return () => `${name}(${values.map((value) => {
    try {
      return JSON.stringify(value, (_key, item) => {
        if (typeof item === 'number' && !Number.isFinite(item)) return String(item);
        if (typeof item === 'symbol' || typeof item === 'function') return String(item);
        if (item && typeof item === 'object' && 'shape' in item && 'dtype' in item && ArrayBuffer.isView(item.data)) return `tensor ${item.dtype} [${item.shape}]`;
        return item;
      });
    } catch {
      return String(value);
    }
  }).join(', ')})`;
}
