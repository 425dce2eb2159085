import { type OptionRule, type Tensor, describeValue, option } from '@recurrent/tensor';
import { CliError } from '../cliError.js';

const record = option.shaped('an object', (value) => typeof value === 'object' && value !== null && !Array.isArray(value));

/** The fields of checkpoint.json, each with what it must hold. */
const fields: Record<string, OptionRule> = {
  task: option.string,
  model: record,
  training: record,
  vocabulary: option.nullable(option.arrayOf(option.string)),
  optimizer: record,
  schedule: option.nullable(record),
  rng: record,
  data: record,
  step: option.integer({ min: 0 }),
  trainSeconds: option.number({ min: 0 }),
};

/** Saved training settings the program reads back, each checked when present. */
const trainingFields: Record<string, OptionRule> = {
  task: option.string,
  cell: option.oneOf(['lstm', 'gru', 'rnn', 'layernorm-lstm', 'mingru', 'minlstm']),
  hiddenSize: option.integer({ min: 1 }),
  layers: option.integer({ min: 1 }),
  embeddingSize: option.integer({ min: 1 }),
  bidirectional: option.boolean,
  dropout: option.number({ min: 0, max: 0.99 }),
  weightDrop: option.number({ min: 0, max: 0.99 }),
  lockedDropout: option.number({ min: 0, max: 0.99 }),
  embeddingLr: option.number({ min: 0 }),
  optimizer: option.oneOf(['adam', 'adamw', 'sgd', 'rmsprop', 'adagrad']),
  lr: option.number({ above: 0 }),
  batch: option.integer({ min: 1 }),
  bptt: option.integer({ min: 1 }),
  clip: option.number({ min: 0 }),
  epochs: option.number({ above: 0 }),
  budget: option.number({ min: 0 }),
  seed: option.integer({ min: 0 }),
  evalEvery: option.number({ min: 0 }),
  evalEverySteps: option.integer({ min: 1 }),
  evalLimit: option.integer({ min: 1 }),
  checkpointEvery: option.integer({ min: 1 }),
  keep: option.integer({ min: 1 }),
  csv: option.string,
  target: option.string,
  progress: option.boolean,
  backend: option.string,
  threads: option.integer({ min: 1 }),
  sampleLength: option.integer({ min: 0 }),
  maxMemory: option.number({ above: 0 }),
};

/**
 * Checks every field of a checkpoint.json before anything uses it: a hand-edited or damaged file
 * is one line naming the file, the field, what it must hold and what it holds.
 */
export function validateState(state: unknown, file: string): void {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new CliError(`checkpoint: ${file}: expected ${field} to be ${expected}, got ${describeValue(value)}`);
  };
  if (typeof state !== 'object' || state === null || Array.isArray(state)) fail('the file', 'a JSON object', state);
  const values = state as Record<string, unknown>;
  for (const [name, rule] of Object.entries(fields)) {
    if (values[name] === undefined && name !== 'schedule') fail(name, rule.expected, undefined);
    if (values[name] !== undefined && !rule.test(values[name])) fail(name, rule.expected, values[name]);
  }
  const checksums = option.shaped('an object of "sha256:…" strings', (value) => record.test(value) && Object.values(value as object).every((v) => typeof v === 'string'));
  if (values.checksums !== undefined && !checksums.test(values.checksums)) fail('checksums', checksums.expected, values.checksums);
  const training = values.training as Record<string, unknown>;
  for (const [name, rule] of Object.entries(trainingFields)) {
    if (training[name] !== undefined && !rule.test(training[name])) fail(`training.${name}`, rule.expected, training[name]);
  }
  for (const [name, generator] of Object.entries(values.rng as Record<string, unknown>)) {
    if (typeof generator !== 'object' || generator === null) fail(`rng.${name}`, 'a generator state object', generator);
  }
}

/** Weights must be finite: a NaN or ±∞ would only show as a NaN metric much later. */
export function checkFiniteWeights(weights: Record<string, Tensor>, file: string): void {
  for (const [name, tensor] of Object.entries(weights)) {
    const data = tensor.data;
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k])) {
        throw new CliError(`checkpoint: ${file}: expected finite weights, got ${data[k]} in '${name}' at element ${k}`);
      }
    }
  }
}
