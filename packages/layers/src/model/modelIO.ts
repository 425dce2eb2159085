import { describeValue } from '@recurrent/tensor';
import { ModelFileError } from './modelFileError.js';
import type { Json } from './moduleKind.js';

/**
 * What turns raw input into the model's input and its output back into something readable, kept in
 * the model file beside the architecture so a loaded model needs no other file.
 *
 * @example
 * // a character language model
 * { task: 'char-lm', tokenizer: 'characters', vocabulary: ['\n', ' ', 'a', 'b'] }
 * // CTC grapheme-to-phoneme: every letter fed twice, phonemes out, blank 0
 * { task: 'g2p', tokenizer: 'characters', vocabulary: [...letters], outputVocabulary: ['<blank>', 'AA', …], blank: 0, repeat: 2 }
 * // a word-level classifier: ids 0 and 1 for padding and unknown words
 * { task: 'spam', tokenizer: 'words', vocabulary: ['<pad>', '<unk>', 'the', …], outputVocabulary: ['ham', 'spam'] }
 * // a forecaster reading standardised values
 * { task: 'forecast', normalization: { mean: 3.2, std: 1.5 }, window: 24 }
 */
export interface ModelIO {
  /** What the model does (`char-lm`, `names`, `g2p`, `forecast`, `seq-mnist`, or the user's word). */
  task?: string;
  /**
   * How text becomes ids: `characters`, one id per character (default when a vocabulary is
   * given); `words`, one id per lower-cased run of `[a-z0-9]` (the cli's spam task).
   */
  tokenizer?: 'characters' | 'words';
  /** Input symbols in id order. */
  vocabulary?: string[];
  /** Output symbols in id order, where they differ from the input's (phonemes). */
  outputVocabulary?: string[];
  /** The CTC blank's output id. */
  blank?: number;
  /** Input framing: each input id is fed this many consecutive steps (g2p: 2). */
  repeat?: number;
  /** A symbol that marks the start and end of a sequence (a name generator's boundary). */
  boundary?: string;
  /** Inputs are standardised `(x − mean) / std`, outputs mapped back `y·std + mean`. */
  normalization?: { mean: number; std: number };
  /** Steps of input a prediction reads (a forecaster's window). */
  window?: number;
  /** Anything else the application keeps with the model, as JSON. */
  extra?: Json;
}

const keys = ['task', 'tokenizer', 'vocabulary', 'outputVocabulary', 'blank', 'repeat', 'boundary', 'normalization', 'window', 'extra'];

function strings(owner: string, name: string, value: unknown): void {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new ModelFileError('bad-io', `${owner}: io: expected ${name} to be an array of strings, got ${describeValue(value)}`);
  if (new Set(value).size !== value.length) throw new ModelFileError('bad-io', `${owner}: io: expected ${name} to hold distinct symbols, got a repeated one`);
}

function integer(owner: string, name: string, value: unknown, min: number): void {
  if (!Number.isSafeInteger(value) || (value as number) < min) throw new ModelFileError('bad-io', `${owner}: io: expected ${name} to be an integer ≥ ${min}, got ${describeValue(value)}`);
}

/** Checks an `io` entry (read from a file, or given to `encodeModel` when `owner` says so); unknown names are errors. */
export function checkModelIO(value: unknown, owner = 'loadModel'): ModelIO | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new ModelFileError('bad-io', `${owner}: io: expected an object, got ${describeValue(value)}`);
  const io = value as Record<string, unknown>;
  for (const key of Object.keys(io)) if (!keys.includes(key)) throw new ModelFileError('bad-io', `${owner}: io: unknown entry '${key.slice(0, 60)}' (entries: ${keys.join(', ')})`);
  if (io.task !== undefined && typeof io.task !== 'string') throw new ModelFileError('bad-io', `${owner}: io: expected task to be a string, got ${describeValue(io.task)}`);
  if (io.tokenizer !== undefined && io.tokenizer !== 'characters' && io.tokenizer !== 'words') throw new ModelFileError('bad-io', `${owner}: io: expected tokenizer 'characters' or 'words', got ${describeValue(io.tokenizer)}`);
  if (io.vocabulary !== undefined) strings(owner, 'vocabulary', io.vocabulary);
  if (io.outputVocabulary !== undefined) strings(owner, 'outputVocabulary', io.outputVocabulary);
  if (io.boundary !== undefined && typeof io.boundary !== 'string') throw new ModelFileError('bad-io', `${owner}: io: expected boundary to be a string, got ${describeValue(io.boundary)}`);
  if (io.blank !== undefined) integer(owner, 'blank', io.blank, 0);
  if (io.repeat !== undefined) integer(owner, 'repeat', io.repeat, 1);
  if (io.window !== undefined) integer(owner, 'window', io.window, 1);
  if (io.normalization !== undefined) {
    const n = io.normalization as Record<string, unknown>;
    const ok = typeof n === 'object' && n !== null && Object.keys(n).length === 2 && Number.isFinite(n.mean) && Number.isFinite(n.std) && (n.std as number) > 0;
    if (!ok) throw new ModelFileError('bad-io', `${owner}: io: expected normalization {mean, std} of finite numbers with std > 0, got ${JSON.stringify(n)?.slice(0, 80)}`);
  }
  return io as ModelIO;
}
