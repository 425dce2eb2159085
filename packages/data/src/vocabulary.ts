/**
 * The special tokens a vocabulary may hold: padding, unknown, begin and end of sequence.
 * Each is a token string (e.g. `'<pad>'`); they get the first ids, in the order pad, unk, bos, eos.
 *
 * @example
 * const specials: SpecialTokens = { pad: '<pad>', unk: '<unk>' };
 */
export interface SpecialTokens {
  pad?: string;
  unk?: string;
  bos?: string;
  eos?: string;
}

/**
 * How {@link Vocabulary.fromTokens} orders the ordinary tokens after the specials.
 *
 * @example
 * Vocabulary.fromTokens(words, { order: 'frequency' satisfies VocabularyOrder });
 */
export type VocabularyOrder = 'codePoint' | 'frequency' | 'insertion';

/**
 * Options of {@link Vocabulary.fromTokens}.
 *
 * @example
 * const options: VocabularyOptions = { specials: { unk: '<unk>' }, order: 'frequency', minFrequency: 2, maxSize: 10000 };
 */
export interface VocabularyOptions {
  /** Special tokens, placed first (default: none). */
  specials?: SpecialTokens;
  /** `'codePoint'` (default, by Unicode code point), `'frequency'` (most frequent first, ties by code point), `'insertion'` (first seen first). */
  order?: VocabularyOrder;
  /** Keep tokens seen at least this often (default 1). */
  minFrequency?: number;
  /** Keep at most this many tokens, specials included (most frequent first). */
  maxSize?: number;
}

/**
 * The JSON form of a {@link Vocabulary}.
 *
 * @example
 * const json: VocabularyJSON = Vocabulary.fromTokens('abc').toJSON();
 */
export interface VocabularyJSON {
  format: 'recurrent-vocabulary';
  version: 1;
  tokens: string[];
  specials: SpecialTokens;
}

const specialKeys = ['pad', 'unk', 'bos', 'eos'] as const;

/**
 * A bijection between tokens and integer ids, with optional padding (`pad`), unknown (`unk`),
 * begin (`bos`) and end (`eos`) tokens. Unknown tokens map to `unk` when there is one and are an
 * error otherwise. Saved and loaded as JSON.
 *
 * @example
 * const vocabulary = Vocabulary.fromTokens('hello'.split(''), { specials: { pad: '<pad>' } });
 * vocabulary.tokens; // ['<pad>', 'e', 'h', 'l', 'o']
 * vocabulary.decode(vocabulary.encode(['h', 'e'])); // ['h', 'e']
 */
export class Vocabulary {
  /** Tokens by id. */
  readonly tokens: readonly string[];
  /** The special tokens this vocabulary holds. */
  readonly specials: Readonly<SpecialTokens>;
  /** Id of the padding token, if any. */
  readonly padId: number | undefined;
  /** Id of the unknown token, if any. */
  readonly unkId: number | undefined;
  /** Id of the begin-of-sequence token, if any. */
  readonly bosId: number | undefined;
  /** Id of the end-of-sequence token, if any. */
  readonly eosId: number | undefined;
  private readonly ids = new Map<string, number>();

  /** A vocabulary from tokens in id order; each special must be one of them. */
  constructor(tokens: readonly string[], specials: SpecialTokens = {}) {
    tokens.forEach((token, id) => {
      if (typeof token !== 'string') throw new Error(`Vocabulary: expected string tokens, got ${JSON.stringify(token)} at id ${id}`);
      if (this.ids.has(token)) throw new Error(`Vocabulary: expected unique tokens, got ${JSON.stringify(token)} at ids ${this.ids.get(token)} and ${id}`);
      this.ids.set(token, id);
    });
    for (const key of Object.keys(specials)) {
      const token = specials[key as keyof SpecialTokens];
      if (!(specialKeys as readonly string[]).includes(key)) throw new Error(`Vocabulary: expected specials among pad, unk, bos, eos, got "${key}"`);
      if (token !== undefined && !this.ids.has(token)) throw new Error(`Vocabulary: expected special ${key} ${JSON.stringify(token)} among the tokens, got none`);
    }
    this.tokens = Object.freeze([...tokens]);
    this.specials = Object.freeze({ ...specials });
    this.padId = specials.pad === undefined ? undefined : this.ids.get(specials.pad);
    this.unkId = specials.unk === undefined ? undefined : this.ids.get(specials.unk);
    this.bosId = specials.bos === undefined ? undefined : this.ids.get(specials.bos);
    this.eosId = specials.eos === undefined ? undefined : this.ids.get(specials.eos);
  }

  /**
   * Builds a vocabulary from a stream of tokens (any iterable: an array, a string's characters, a generator).
   *
   * @example
   * Vocabulary.fromTokens('banana', { order: 'frequency' }).tokens; // ['a', 'n', 'b']
   */
  static fromTokens(tokens: Iterable<string>, options: VocabularyOptions = {}): Vocabulary {
    const { specials = {}, order = 'codePoint', minFrequency = 1, maxSize = Infinity } = options;
    const counts = new Map<string, number>();
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    const specialTokens = specialKeys.map((key) => specials[key]).filter((token): token is string => token !== undefined);
    for (const token of specialTokens) counts.delete(token);
    let ordinary = [...counts.keys()].filter((token) => counts.get(token)! >= minFrequency);
    const byCodePoint = (a: string, b: string) => compareCodePoints(a, b);
    const byFrequency = (a: string, b: string) => counts.get(b)! - counts.get(a)! || compareCodePoints(a, b);
    const room = maxSize - specialTokens.length;
    if (room < 0) throw new Error(`Vocabulary.fromTokens: expected maxSize ≥ ${specialTokens.length} (the specials), got ${maxSize}`);
    if (ordinary.length > room) ordinary = [...ordinary].sort(byFrequency).slice(0, room);
    if (order === 'codePoint') ordinary.sort(byCodePoint);
    else if (order === 'frequency') ordinary.sort(byFrequency);
    else if (order === 'insertion') {
      const kept = new Set(ordinary);
      ordinary = [...counts.keys()].filter((token) => kept.has(token));
    }
    else throw new Error(`Vocabulary.fromTokens: expected order 'codePoint', 'frequency' or 'insertion', got ${JSON.stringify(order)}`);
    return new Vocabulary([...specialTokens, ...ordinary], specials);
  }

  /** Number of tokens, specials included. */
  get size(): number {
    return this.tokens.length;
  }

  /** Whether the token is in the vocabulary. */
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /**
   * The id of a token: the `unk` id when the token is unknown and there is an `unk`, else an error.
   *
   * @example
   * Vocabulary.fromTokens(['a', 'b']).idOf('b'); // 1
   */
  idOf(token: string): number {
    const id = this.ids.get(token);
    if (id !== undefined) return id;
    if (this.unkId !== undefined) return this.unkId;
    throw new Error(`Vocabulary.idOf: expected a known token (this vocabulary has no unk token), got ${JSON.stringify(token)}`);
  }

  /** The token of an id (an error outside `[0, size)`). */
  tokenOf(id: number): string {
    const token = this.tokens[id];
    if (token === undefined || !Number.isInteger(id)) throw new Error(`Vocabulary.tokenOf: expected an id in [0, ${this.size}), got ${id}`);
    return token;
  }

  /**
   * Ids of tokens; unknown tokens become `unk`, or raise an error naming their position.
   *
   * @example
   * Vocabulary.fromTokens('ab', { specials: { unk: '?' } }).encode(['a', 'z']); // Int32Array [1, 0]
   */
  encode(tokens: Iterable<string>): Int32Array {
    const ids: number[] = [];
    let position = 0;
    for (const token of tokens) {
      const id = this.ids.get(token) ?? this.unkId;
      if (id === undefined) {
        throw new Error(`Vocabulary.encode: expected known tokens (this vocabulary has no unk token), got ${JSON.stringify(token)} at position ${position}`);
      }
      ids.push(id);
      position++;
    }
    return Int32Array.from(ids);
  }

  /**
   * Tokens of ids; with `skipSpecials`, pad/bos/eos are dropped (unk is kept: it stands for content).
   *
   * @example
   * const v = Vocabulary.fromTokens('ab', { specials: { pad: '_' } });
   * v.decode([1, 2, 0], { skipSpecials: true }); // ['a', 'b']
   */
  decode(ids: ArrayLike<number>, options: { skipSpecials?: boolean } = {}): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (options.skipSpecials && (id === this.padId || id === this.bosId || id === this.eosId)) continue;
      out.push(this.tokenOf(id));
    }
    return out;
  }

  /** The JSON form (`JSON.stringify(vocabulary)` uses it). */
  toJSON(): VocabularyJSON {
    return { format: 'recurrent-vocabulary', version: 1, tokens: [...this.tokens], specials: { ...this.specials } };
  }

  /**
   * Loads a vocabulary saved by {@link Vocabulary.toJSON} (an object or a JSON string), checking it.
   *
   * @example
   * const copy = Vocabulary.fromJSON(JSON.stringify(Vocabulary.fromTokens('abc')));
   */
  static fromJSON(json: unknown): Vocabulary {
    let value = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json);
      } catch (error) {
        throw new Error(`Vocabulary.fromJSON: expected JSON text, got a parse error (${(error as Error).message})`);
      }
    }
    const record = value as Partial<VocabularyJSON> | null;
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new Error(`Vocabulary.fromJSON: expected an object { format: 'recurrent-vocabulary', version: 1, tokens, specials }, got ${describe(value)}`);
    }
    if (record.format !== 'recurrent-vocabulary') throw new Error(`Vocabulary.fromJSON: expected format 'recurrent-vocabulary', got ${describe(record.format)}`);
    if (record.version !== 1) throw new Error(`Vocabulary.fromJSON: expected version 1, got ${describe(record.version)}`);
    if (!Array.isArray(record.tokens)) throw new Error(`Vocabulary.fromJSON: expected tokens to be an array of strings, got ${describe(record.tokens)}`);
    const specials = record.specials ?? {};
    if (typeof specials !== 'object' || Array.isArray(specials)) throw new Error(`Vocabulary.fromJSON: expected specials to be an object, got ${describe(specials)}`);
    try {
      return new Vocabulary(record.tokens, specials);
    } catch (error) {
      throw new Error(`Vocabulary.fromJSON: ${(error as Error).message.replace(/^Vocabulary: /, '')}`);
    }
  }
}

/**
 * Orders strings by Unicode code point (JavaScript's default sort compares UTF-16 units,
 * which puts astral characters before U+E000–U+FFFF).
 *
 * @example
 * ['b', 'a', '😀', '\uffff'].sort(compareCodePoints); // ['a', 'b', '\uffff', '😀']
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
