import { Generator, type Tensor, tensor, checkOptions, option } from '@recurrent/tensor';

/**
 * Options of {@link copyTask}.
 *
 * @example
 * const options: CopyTaskOptions = { batchSize: 32, delay: 100, sequenceLength: 10, numSymbols: 8 };
 */
export interface CopyTaskOptions {
  batchSize: number;
  /** Symbols to remember (default 10). */
  sequenceLength?: number;
  /** Blank steps between the symbols and the recall signal (the memory span, T). */
  delay: number;
  /** Data symbols, ids 1..numSymbols (default 8). */
  numSymbols?: number;
  /** Source of randomness (a seed or a Generator; default seed 0). */
  generator?: Generator | number;
  /** `[B, L]` when true, `[L, B]` (default) when false. */
  batchFirst?: boolean;
}

/**
 * The copy task (Arjovsky et al. 2016): `sequenceLength` random symbols from 1..numSymbols, then
 * `delay − 1` blanks (id 0), the delimiter (id numSymbols + 1) and `sequenceLength` blanks; the
 * target is blank for `delay + sequenceLength` steps, then the symbols. Total length
 * L = delay + 2·sequenceLength; vocabulary size numSymbols + 2.
 *
 * Shapes: `inputs`, `targets`: `[L, B]` int32.
 *
 * @example
 * const { inputs, targets } = copyTask({ batchSize: 16, delay: 50, generator: 0 });
 * inputs.shape; // [70, 16]
 */
export function copyTask(options: CopyTaskOptions): { inputs: Tensor; targets: Tensor; numClasses: number } {
  checkOptions('copyTask', options, {
    batchSize: option.integer({ min: 1 }), sequenceLength: option.integer({ min: 1 }), delay: option.integer({ min: 1 }), numSymbols: option.integer({ min: 1 }),
    generator: option.shaped('a Generator or a seed', (v) => v instanceof Generator || (typeof v === 'number' && Number.isSafeInteger(v))), batchFirst: option.boolean,
  }, ['batchSize', 'delay']);
  const { batchSize, sequenceLength = 10, delay, numSymbols = 8, batchFirst = false } = options;
  for (const [name, value] of [['batchSize', batchSize], ['sequenceLength', sequenceLength], ['delay', delay], ['numSymbols', numSymbols]] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`copyTask: expected a positive integer ${name}, got ${value}`);
  }
  const rng = options.generator instanceof Generator ? options.generator : new Generator(options.generator ?? 0);
  const total = delay + 2 * sequenceLength;
  if (total * batchSize > 2 ** 31 - 1) throw new Error(`copyTask: expected at most ${2 ** 31 - 1} input values, got batchSize ${batchSize} × (delay + 2 · sequenceLength) ${total}`);
  const inputs = new Int32Array(total * batchSize);
  const targets = new Int32Array(total * batchSize);
  const at = (t: number, b: number) => (batchFirst ? b * total + t : t * batchSize + b);
  for (let b = 0; b < batchSize; b++) {
    for (let t = 0; t < sequenceLength; t++) {
      const symbol = 1 + rng.integer(numSymbols);
      inputs[at(t, b)] = symbol;
      targets[at(delay + sequenceLength + t, b)] = symbol;
    }
    inputs[at(sequenceLength + delay - 1, b)] = numSymbols + 1;
  }
  const shape = batchFirst ? [batchSize, total] : [total, batchSize];
  return { inputs: tensor(inputs, { shape, dtype: 'int32' }), targets: tensor(targets, { shape, dtype: 'int32' }), numClasses: numSymbols + 2 };
}
