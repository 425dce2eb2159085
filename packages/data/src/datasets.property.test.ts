import { Generator } from '@recurrent/tensor';
import { BadInputs, describeCall } from '@recurrent/tensor/testing';
import { describe, expect, it } from 'vitest';
import { BucketBatchSampler, RandomBatchSampler, TextStream, WindowDataset, addingProblem, copyTask } from './index.js';

// Property-style (issue 20): random option objects for the streams, datasets, samplers and
// synthetic tasks. Each call gives a correct result or one clear Error naming its owner (misspelt
// names refused), never a TypeError, a RangeError or a hang.
const bad = new BadInputs(2027);
const rounds = 300;
const small = () => bad.integer(1, 4);
const flag = () => bad.pick([true, false]);

const cases: [string, (options: never) => unknown, Record<string, () => unknown>, (result: never, options: Record<string, unknown>) => void][] = [
  ['TextStream', (o) => {
    const stream = new TextStream(Array.from({ length: 40 }, (_, k) => k % 7), o);
    return [...stream];
  }, { batchSize: small, bptt: small, batchFirst: flag }, (chunks: { input: { shape: number[] } }[]) => expect(chunks.length).toBeGreaterThan(0)],
  ['WindowDataset', (o) => {
    const dataset = new WindowDataset(Float32Array.from({ length: 24 }, (_, k) => k), o);
    return Array.from({ length: dataset.length }, (_, k) => dataset.get(k));
  }, { window: small, horizon: small, stride: small, features: () => bad.pick([1, 2, 3]), targetFeatures: () => [0] }, () => {}],
  ['RandomBatchSampler', (o) => new RandomBatchSampler(o).batches(bad.integer(0, 3)), { size: () => bad.integer(0, 9), batchSize: small, shuffle: flag, seed: () => bad.integer(0, 9), dropLast: flag },
    (batches: number[][], o) => { for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(o.batchSize as number); }],
  ['BucketBatchSampler', (o) => new BucketBatchSampler(o).batches(0), { lengths: () => [3, 1, 4, 1, 5], batchSize: small, boundaries: () => [2, 4], shuffle: flag, seed: () => bad.integer(0, 9), dropLast: flag }, () => {}],
  ['addingProblem', (o) => addingProblem(o), { batchSize: small, sequenceLength: () => bad.integer(2, 6), generator: () => bad.pick([new Generator(1), 3]), batchFirst: flag },
    (result: { inputs: { shape: number[] } }, o) => expect(result.inputs.shape).toContain(o.batchSize)],
  ['copyTask', (o) => copyTask(o), { batchSize: small, sequenceLength: small, delay: small, numSymbols: () => bad.integer(1, 5), generator: () => 2, batchFirst: flag },
    (result: { inputs: { shape: number[] } }, o) => expect(result.inputs.shape).toContain(o.batchSize)],
];

describe('streams, datasets, samplers and synthetic tasks: random options', () => {
  it.each(cases)('%s', (name, make, valid, checkResult) => {
    const problems: string[] = [];
    for (let k = 0; k < rounds; k++) {
      const options = bad.options(valid, ['batchsize', 'batchFrist', 'windw', 'seedd']);
      const built = bad.build(new RegExp(`^${name}(\\.\\w+)?: `), () => {
        const result = make(options as never);
        checkResult(result as never, options);
        return result;
      }, options, describeCall(name, options));
      if (built.problem && problems.length < 5) problems.push(built.problem);
    }
    expect(problems).toEqual([]);
  });
});
