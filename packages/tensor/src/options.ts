/**
 * Options objects checked the same way everywhere: unknown names are errors with the nearest valid
 * name, and wrongly typed values are errors naming the option, what it takes and what came.
 *
 * @example
 * const schema = { inputSize: option.integer({ min: 1 }), batchFirst: option.boolean } satisfies OptionsSchema;
 * checkOptions('LSTM', { inputSize: 3, batchFrist: true }, schema);
 * // Error: LSTM: unknown option 'batchFrist' (did you mean 'batchFirst'?)
 */

/** One option's rule: what it takes, in words, and the test a value must pass. */
export interface OptionRule {
  /** What the option takes, completing "expected NAME to be …" (`a boolean`, `an integer ≥ 1`). */
  readonly expected: string;
  /** True when the value is acceptable. `undefined` never reaches it (an absent option). */
  test(value: unknown): boolean;
}

/** The options a function or constructor takes, by name. */
export type OptionsSchema = Readonly<Record<string, OptionRule>>;

interface Range {
  /** Smallest value allowed (inclusive). */
  min?: number;
  /** Largest value allowed (inclusive). */
  max?: number;
  /** Smallest value allowed, exclusive (`> 0`). */
  above?: number;
}

function rangeWords(range: Range): string {
  const words: string[] = [];
  if (range.above !== undefined) words.push(`> ${range.above}`);
  if (range.min !== undefined) words.push(`≥ ${range.min}`);
  if (range.max !== undefined) words.push(`≤ ${range.max}`);
  return words.length > 0 ? ` ${words.join(' and ')}` : '';
}

function inRange(value: number, range: Range): boolean {
  return (range.min === undefined || value >= range.min)
    && (range.max === undefined || value <= range.max)
    && (range.above === undefined || value > range.above);
}

/** The rules options are built from. */
export const option = {
  /** `true` or `false` (not `'false'`, not `0`). */
  boolean: { expected: 'a boolean', test: (value) => typeof value === 'boolean' } as OptionRule,
  /** A finite number (not a numeric string, not NaN), optionally within a range. */
  number(range: Range = {}): OptionRule {
    return {
      expected: `a finite number${rangeWords(range)}`,
      test: (value) => typeof value === 'number' && Number.isFinite(value) && inRange(value, range),
    };
  },
  /** A safe integer, optionally within a range. */
  integer(range: Range = {}): OptionRule {
    return {
      expected: `an integer${rangeWords(range)}`,
      test: (value) => typeof value === 'number' && Number.isSafeInteger(value) && inRange(value, range),
    };
  },
  /** Any string. */
  string: { expected: 'a string', test: (value) => typeof value === 'string' } as OptionRule,
  /** A function. */
  function: { expected: 'a function', test: (value) => typeof value === 'function' } as OptionRule,
  /** Any value (for options checked further by their owner). */
  any: { expected: 'any value', test: () => true } as OptionRule,
  /** One of a closed list of values (`'tanh'` or `'relu'`). */
  oneOf(values: readonly (string | number | boolean | null)[]): OptionRule {
    return {
      expected: `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`,
      test: (value) => values.includes(value as string | number | boolean | null),
    };
  },
  /** An instance of a class (`option.instance(Generator, 'a Generator')`). */
  instance(type: abstract new (...args: never[]) => unknown, expected: string): OptionRule {
    return { expected, test: (value) => value instanceof type };
  },
  /** An object satisfying a structural test (a backend, a typed array). */
  shaped(expected: string, test: (value: unknown) => boolean): OptionRule {
    return { expected, test };
  },
  /** The rule, or `null`. */
  nullable(rule: OptionRule): OptionRule {
    return { expected: `${rule.expected} or null`, test: (value) => value === null || rule.test(value) };
  },
  /** An array whose every element passes the rule. */
  arrayOf(rule: OptionRule, length?: number): OptionRule {
    return {
      expected: `an array${length === undefined ? '' : ` of ${length}`} of values each ${rule.expected}`,
      test: (value) => Array.isArray(value) && (length === undefined || value.length === length) && value.every((item) => rule.test(item)),
    };
  },
} as const;

/** A value as an error message shows it: `'no'` (a string), `number 1e400`, `an array of length 2`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (a string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** Edit distance between two names, for "did you mean". Case differences cost nothing extra. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length];
}

/**
 * The valid name closest to `name`, when it is close enough to be a misspelling (within a third
 * of its length, at least two edits), else null.
 */
export function nearestName(name: string, valid: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of valid) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

/**
 * Checks an options object against its schema and throws the first problem as one line:
 * not an object (`LSTM: expected options to be an object, got number 3`), an unknown name
 * (`LSTM: unknown option 'numLayer' (did you mean 'numLayers'?)`), or a value of the wrong kind
 * (`LSTM: expected batchFirst to be a boolean, got "no" (a string)`). Absent and `undefined`
 * options pass (their owner applies its defaults) unless named in `required`
 * (`LSTMCell: expected option hiddenSize (an integer ≥ 1), got none`). `undefined` options mean `{}`.
 */
export function checkOptions(owner: string, options: unknown, schema: OptionsSchema, required: readonly string[] = []): void {
  if (options === undefined && required.length === 0) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${owner}: expected options to be an object, got ${describeValue(options)}`);
  }
  const names = Object.keys(schema);
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(schema, key)) {
      const near = nearestName(key, names);
      const hint = near !== null ? ` (did you mean '${near}'?)` : names.length > 0 ? ` (options: ${names.join(', ')})` : ' (it takes no options)';
      throw new Error(`${owner}: unknown option '${key}'${hint}`);
    }
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const rule = schema[key];
    if (!rule.test(value)) throw new Error(`${owner}: expected ${key} to be ${rule.expected}, got ${describeValue(value)}`);
  }
  for (const name of required) {
    if ((options as Record<string, unknown>)[name] === undefined) throw new Error(`${owner}: expected option ${name} (${schema[name]?.expected ?? 'a value'}), got none`);
  }
}
