import { describe, expect, it } from 'vitest';
import { BucketBatchSampler, RandomBatchSampler } from './batchSampler.js';
import { padFeatures, padSequences, paddedLength } from './collate.js';
import { DataLoader } from './dataLoader.js';

describe('padSequences / padFeatures', () => {
  it('pads ids to the longest, time-major by default, with lengths and mask', () => {
    const batch = padSequences([[5, 6, 7], [8]]);
    expect(batch.data.shape).toEqual([3, 2]);
    expect(batch.data.dtype).toBe('int32');
    expect(Array.from(batch.data.data)).toEqual([5, 8, 6, 0, 7, 0]);
    expect(Array.from(batch.lengths.data)).toEqual([3, 1]);
    expect(batch.lengths.dtype).toBe('int32');
    expect(Array.from(batch.mask.data)).toEqual([1, 1, 1, 0, 1, 0]);
    const first = padSequences([[5, 6, 7], [8]], { batchFirst: true, padValue: -1, padTo: { buckets: [2, 4, 8] } });
    expect(first.data.shape).toEqual([2, 4]);
    expect(Array.from(first.data.data)).toEqual([5, 6, 7, -1, 8, -1, -1, -1]);
    expect(Array.from(first.mask.data)).toEqual([1, 1, 1, 0, 1, 0, 0, 0]);
  });

  it('pads feature sequences into float32 [T, B, F] / [B, T, F]', () => {
    const sequences = [new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6])];
    const timeMajor = padFeatures(sequences, 2);
    expect(timeMajor.data.shape).toEqual([2, 2, 2]);
    expect(timeMajor.data.dtype).toBe('float32');
    expect(Array.from(timeMajor.data.data)).toEqual([1, 2, 5, 6, 3, 4, 0, 0]);
    const batchMajor = padFeatures(sequences, 2, { batchFirst: true, padTo: 3 });
    expect(Array.from(batchMajor.data.data)).toEqual([1, 2, 3, 4, 0, 0, 5, 6, 0, 0, 0, 0]);
  });

  it('rejects ragged steps, empty sequences, non-integer ids and too-long sequences', () => {
    expect(() => padFeatures([[1, 2, 3]], 2)).toThrow('padFeatures: expected sequence 0 to hold whole steps of 2 features, got 3 values (a ragged step)');
    expect(() => padSequences([[1], []])).toThrow('padSequences: expected non-empty sequences, got an empty sequence at index 1');
    expect(() => padSequences([[1, 0.5]])).toThrow('padSequences: expected integer ids, got 0.5 in sequence 0 at step 1');
    expect(() => padSequences([[1, 2, 3]], { padTo: 2 })).toThrow('padSequences: expected padTo ≥ the longest sequence (3), got 2');
    expect(() => paddedLength(9, { buckets: [4, 8] })).toThrow('expected a bucket boundary ≥ the longest sequence (9), got buckets [4, 8]');
  });
});

describe('samplers and DataLoader', () => {
  it('same seed, same order; another epoch or seed, another order; every index once', () => {
    const sampler = new RandomBatchSampler({ size: 50, batchSize: 8, shuffle: true, seed: 42 });
    const a = sampler.batches(0);
    expect(new RandomBatchSampler({ size: 50, batchSize: 8, shuffle: true, seed: 42 }).batches(0)).toEqual(a);
    expect(sampler.batches(1)).not.toEqual(a);
    expect(new RandomBatchSampler({ size: 50, batchSize: 8, shuffle: true, seed: 43 }).batches(0)).not.toEqual(a);
    expect(a.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a.map((batch) => batch.length)).toEqual([8, 8, 8, 8, 8, 8, 2]);
    expect(new RandomBatchSampler({ size: 50, batchSize: 8, dropLast: true }).batches(0).length).toBe(6);
  });

  it('buckets keep similar lengths together and cover every example once', () => {
    const lengths = Array.from({ length: 40 }, (_, i) => 1 + ((i * 37) % 30));
    const boundaries = [5, 10, 20];
    const sampler = new BucketBatchSampler({ lengths, batchSize: 4, boundaries, shuffle: true, seed: 1 });
    const batches = sampler.batches(0);
    const bucketOf = (length: number) => boundaries.findIndex((boundary) => length <= boundary) + 1 || boundaries.length + 1;
    for (const batch of batches) expect(new Set(batch.map((i) => bucketOf(lengths[i]))).size).toBe(1);
    expect(batches.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(sampler.batches(0)).toEqual(batches);
    expect(() => new BucketBatchSampler({ lengths, batchSize: 4, boundaries: [5, 5] })).toThrow('expected ascending boundaries, got [5, 5]');
  });

  it('iterates epochs synchronously and asynchronously, and replays an epoch from a batch', async () => {
    const data = Array.from({ length: 10 }, (_, i) => Array.from({ length: 1 + (i % 4) }, () => i));
    const loader = new DataLoader(data, { batchSize: 3, shuffle: true, seed: 7, collate: (items, indices) => ({ batch: padSequences(items), indices }) });
    expect(loader.length).toBe(4);
    const epoch0 = [...loader].map((b) => b.indices);
    expect(loader.epoch).toBe(1);
    const epoch1: number[][] = [];
    for await (const b of loader) epoch1.push(b.indices);
    expect(loader.epoch).toBe(2);
    expect(epoch1).toEqual(loader.indices(1));
    expect(epoch0).toEqual(loader.indices(0));
    const resumed = [...loader.batches(0, { start: 2 })].map((b) => b.indices);
    expect(resumed).toEqual(epoch0.slice(2));
    for (const b of loader.batches(0)) {
      b.indices.forEach((index, k) => expect(b.batch.data.data[k]).toBe(index));
    }
    const seen = [...loader.epochs(2)].map(({ epoch }) => epoch);
    expect(seen).toEqual([2, 3]);
    expect(() => new DataLoader(data, {} as never)).toThrow('DataLoader: expected a collate function, got undefined');
  });
});
