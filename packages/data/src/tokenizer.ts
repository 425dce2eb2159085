import { Vocabulary, type VocabularyJSON, type VocabularyOptions } from './vocabulary.js';

/**
 * Options of a tokenizer's `encode`.
 *
 * @example
 * tokenizer.encode('hello', { begin: true, end: true } satisfies EncodeOptions);
 */
export interface EncodeOptions {
  /** Prepend the vocabulary's `bos` token (an error when it has none). */
  begin?: boolean;
  /** Append the vocabulary's `eos` token (an error when it has none). */
  end?: boolean;
}

/**
 * The JSON form of a tokenizer.
 *
 * @example
 * const json: TokenizerJSON = CharacterTokenizer.fit('abc').toJSON();
 */
export interface TokenizerJSON {
  type: 'character' | 'word';
  lowercase?: boolean;
  vocabulary: VocabularyJSON;
}

/**
 * What both tokenizers offer: text → tokens → ids and back.
 *
 * @example
 * const tokenizer: Tokenizer = CharacterTokenizer.fit('abc');
 * tokenizer.decode(tokenizer.encode('cab')); // 'cab'
 */
export interface Tokenizer {
  /** The token ↔ id mapping. */
  readonly vocabulary: Vocabulary;
  /** Text → tokens. */
  tokenize(text: string): string[];
  /** Text → ids, optionally wrapped in bos/eos. */
  encode(text: string, options?: EncodeOptions): Int32Array;
  /** Ids → text, specials dropped. */
  decode(ids: ArrayLike<number>): string;
  /** The JSON form, for {@link tokenizerFromJSON}. */
  toJSON(): TokenizerJSON;
}

function wrap(vocabulary: Vocabulary, ids: Int32Array, options: EncodeOptions, name: string): Int32Array {
  if (!options.begin && !options.end) return ids;
  const begin = options.begin ? vocabulary.bosId : undefined;
  const end = options.end ? vocabulary.eosId : undefined;
  if (options.begin && begin === undefined) throw new Error(`${name}.encode: expected a vocabulary with a bos token for begin: true, got none`);
  if (options.end && end === undefined) throw new Error(`${name}.encode: expected a vocabulary with an eos token for end: true, got none`);
  const out = new Int32Array(ids.length + (begin === undefined ? 0 : 1) + (end === undefined ? 0 : 1));
  let k = 0;
  if (begin !== undefined) out[k++] = begin;
  out.set(ids, k);
  if (end !== undefined) out[out.length - 1] = end;
  return out;
}

function* tokensOf(texts: string | Iterable<string>, tokenize: (text: string) => string[]): Generator<string> {
  if (typeof texts === 'string') yield* tokenize(texts);
  else for (const text of texts) yield* tokenize(text);
}

/**
 * A character-level tokenizer: one token per Unicode code point, so `decode(encode(text))`
 * returns `text` whenever every character is in the vocabulary (an unknown one becomes `unk`,
 * or an error naming its position when there is no `unk`).
 *
 * @example
 * const tokenizer = CharacterTokenizer.fit(['hello', 'world'], { specials: { pad: '<pad>', unk: '<unk>' } });
 * tokenizer.encode('low'); // Int32Array of three ids
 * tokenizer.decode(tokenizer.encode('low')); // 'low'
 */
export class CharacterTokenizer implements Tokenizer {
  constructor(readonly vocabulary: Vocabulary) {}

  /** Builds the vocabulary from a text or an iterable of texts. */
  static fit(texts: string | Iterable<string>, options: VocabularyOptions = {}): CharacterTokenizer {
    return new CharacterTokenizer(Vocabulary.fromTokens(tokensOf(texts, (text) => Array.from(text)), options));
  }

  /** The code points of `text`. */
  tokenize(text: string): string[] {
    return Array.from(text);
  }

  /** Ids of the characters of `text`, optionally wrapped in bos/eos. */
  encode(text: string, options: EncodeOptions = {}): Int32Array {
    const vocabulary = this.vocabulary;
    const ids = new Int32Array(text.length);
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const wide = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
      const character = wide ? text.slice(i, i + 2) : text[i];
      const id = vocabulary.has(character) ? vocabulary.idOf(character) : vocabulary.unkId;
      if (id === undefined) {
        throw new Error(`CharacterTokenizer.encode: expected characters of the vocabulary (it has no unk token), got ${JSON.stringify(character)} at index ${i}`);
      }
      ids[n++] = id;
      if (wide) i++;
    }
    return wrap(vocabulary, n === ids.length ? ids : ids.slice(0, n), options, 'CharacterTokenizer');
  }

  /** The text of ids; pad, bos and eos are dropped. */
  decode(ids: ArrayLike<number>): string {
    return this.vocabulary.decode(ids, { skipSpecials: true }).join('');
  }

  /** The JSON form; load it with {@link tokenizerFromJSON}. */
  toJSON(): TokenizerJSON {
    return { type: 'character', vocabulary: this.vocabulary.toJSON() };
  }
}

const wordPattern = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]/gu;

/**
 * A word-level tokenizer: runs of letters and digits (with inner apostrophes) are words, every
 * other non-space character is a token of its own, whitespace separates. `decode` joins tokens
 * with single spaces, so `decode(encode(text))` equals `tokenize(text).join(' ')`.
 *
 * @example
 * const tokenizer = WordTokenizer.fit('The cat sat. The end.', { specials: { unk: '<unk>' }, lowercase: true });
 * tokenizer.tokenize("The cat's hat."); // ['the', "cat's", 'hat', '.']
 */
export class WordTokenizer implements Tokenizer {
  constructor(
    readonly vocabulary: Vocabulary,
    /** Whether text is lower-cased before splitting. */
    readonly lowercase = false,
  ) {}

  /** Builds the vocabulary from a text or an iterable of texts (order `'frequency'` by default). */
  static fit(texts: string | Iterable<string>, options: VocabularyOptions & { lowercase?: boolean } = {}): WordTokenizer {
    const { lowercase = false, ...vocabularyOptions } = options;
    const splitter = new WordTokenizer(new Vocabulary([]), lowercase);
    const vocabulary = Vocabulary.fromTokens(tokensOf(texts, (text) => splitter.tokenize(text)), { order: 'frequency', ...vocabularyOptions });
    return new WordTokenizer(vocabulary, lowercase);
  }

  /** The words and punctuation of `text`. */
  tokenize(text: string): string[] {
    return (this.lowercase ? text.toLowerCase() : text).match(wordPattern) ?? [];
  }

  /** Ids of the words of `text`; unknown words become `unk`, or an error naming their position. */
  encode(text: string, options: EncodeOptions = {}): Int32Array {
    const tokens = this.tokenize(text);
    const ids = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const id = this.vocabulary.has(tokens[i]) ? this.vocabulary.idOf(tokens[i]) : this.vocabulary.unkId;
      if (id === undefined) {
        throw new Error(`WordTokenizer.encode: expected words of the vocabulary (it has no unk token), got ${JSON.stringify(tokens[i])} at token ${i}`);
      }
      ids[i] = id;
    }
    return wrap(this.vocabulary, ids, options, 'WordTokenizer');
  }

  /** The words of ids joined by spaces; pad, bos and eos are dropped. */
  decode(ids: ArrayLike<number>): string {
    return this.vocabulary.decode(ids, { skipSpecials: true }).join(' ');
  }

  /** The JSON form; load it with {@link tokenizerFromJSON}. */
  toJSON(): TokenizerJSON {
    return { type: 'word', lowercase: this.lowercase, vocabulary: this.vocabulary.toJSON() };
  }
}

/**
 * Loads a tokenizer saved with `toJSON()` (an object or JSON text), checking its shape.
 *
 * @example
 * const copy = tokenizerFromJSON(JSON.stringify(CharacterTokenizer.fit('abc')));
 * copy.decode(copy.encode('cab')); // 'cab'
 */
export function tokenizerFromJSON(json: unknown): CharacterTokenizer | WordTokenizer {
  const value = (typeof json === 'string' ? parse(json) : json) as Partial<TokenizerJSON> | null;
  if (value === null || typeof value !== 'object') throw new Error(`tokenizerFromJSON: expected an object { type, vocabulary }, got ${String(value)}`);
  if (value.type === 'character') return new CharacterTokenizer(Vocabulary.fromJSON(value.vocabulary));
  if (value.type === 'word') {
    if (value.lowercase !== undefined && typeof value.lowercase !== 'boolean') {
      throw new Error(`tokenizerFromJSON: expected lowercase to be a boolean, got ${JSON.stringify(value.lowercase)}`);
    }
    return new WordTokenizer(Vocabulary.fromJSON(value.vocabulary), value.lowercase ?? false);
  }
  throw new Error(`tokenizerFromJSON: expected type 'character' or 'word', got ${JSON.stringify(value.type)}`);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`tokenizerFromJSON: expected JSON text, got a parse error (${(error as Error).message})`);
  }
}
