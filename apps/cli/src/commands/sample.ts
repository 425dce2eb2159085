import { Generator } from '@recurrent/tensor';
import { CliError } from '../cliError.js';
import { numberOption, parse } from '../options.js';
import { restoreTask } from './restoreModel.js';

/** `recurrent sample DIR --length N --temperature T --top-k K --top-p P --prime TEXT --seed N`: the prime, kept, then the sample. */
export async function sampleCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('sample', argv, {
    length: { type: 'string' }, temperature: { type: 'string' }, 'top-k': { type: 'string' }, 'top-p': { type: 'string' }, prime: { type: 'string' }, seed: { type: 'string' },
  } as const);
  if (positionals.length !== 1) throw new CliError(`recurrent sample: expected one checkpoint directory or model file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`, 2);
  const length = numberOption('sample', 'length', values.length, { integer: true, min: 1 }) ?? 500;
  const temperature = numberOption('sample', 'temperature', values.temperature, { min: 0 }) ?? 0.8;
  const topK = numberOption('sample', 'top-k', values['top-k'], { integer: true, min: 1 });
  const topP = numberOption('sample', 'top-p', values['top-p'], { min: 0, max: 1 });
  if (topP === 0) throw new CliError("recurrent sample: --top-p expected a number in (0, 1], got '0'", 2);
  const seed = numberOption('sample', 'seed', values.seed, { integer: true, min: 0 }) ?? 0;
  const { task } = await restoreTask(positionals[0]);
  if (!task.sample) throw new CliError(`recurrent sample: expected a checkpoint of a generative task (char-lm, names), got one of '${task.name}'`);
  const prime = values.prime ?? '';
  // a character the model never saw would be read as another one
  const known = new Set(task.vocabulary ?? []);
  const unknown = [...new Set(Array.from(prime).filter((symbol) => !known.has(symbol)))];
  if (unknown.length > 0) {
    throw new CliError(`recurrent sample: --prime expected characters of the model's vocabulary, got ${unknown.map((symbol) => JSON.stringify(symbol)).join(', ')} (not in it)`, 2);
  }
  process.stdout.write(`${task.sample(length, { temperature, topK, topP }, prime, new Generator(seed))}\n`);
  return 0;
}
