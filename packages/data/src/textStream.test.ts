import { describe, expect, it } from 'vitest';
import { TextStream } from './textStream.js';

/** PyTorch's batchify + get_batch written as plain loops over the token list. */
function reference(ids: number[], batchSize: number, bptt: number): { input: number[][]; target: number[][] }[] {
  const steps = Math.floor(ids.length / batchSize);
  const column = (b: number) => ids.slice(b * steps, (b + 1) * steps);
  const data = Array.from({ length: steps }, (_, t) => Array.from({ length: batchSize }, (_, b) => column(b)[t]));
  const out = [];
  for (let i = 0; i < steps - 1; i += bptt) {
    const length = Math.min(bptt, steps - 1 - i);
    out.push({ input: data.slice(i, i + length), target: data.slice(i + 1, i + 1 + length) });
  }
  return out;
}

function rows(data: ArrayLike<number>, rowsCount: number, columns: number): number[][] {
  return Array.from({ length: rowsCount }, (_, r) => Array.from({ length: columns }, (_, c) => data[r * columns + c]));
}

describe('TextStream', () => {
  it.each([
    [103, 4, 7],
    [50, 3, 48],
    [20, 1, 5],
  ])('matches PyTorch batchify/get_batch for N=%i, B=%i, bptt=%i', (n, batchSize, bptt) => {
    const ids = Array.from({ length: n }, (_, i) => (i * 7919) % 97);
    const expected = reference(ids, batchSize, bptt);
    const stream = new TextStream(ids, { batchSize, bptt });
    const batches = [...stream];
    expect(batches.length).toBe(expected.length);
    expect(stream.length).toBe(expected.length);
    batches.forEach((batch, k) => {
      expect(batch.input.shape).toEqual([batch.length, batchSize]);
      expect(batch.input.dtype).toBe('int32');
      expect(rows(batch.input.data, batch.length, batchSize)).toEqual(expected[k].input);
      expect(rows(batch.target.data, batch.length, batchSize)).toEqual(expected[k].target);
    });
    const first = new TextStream(ids, { batchSize, bptt, batchFirst: true }).next()!;
    expect(first.input.shape).toEqual([batchSize, first.length]);
    const byStream = expected[0].input[0].map((_, b) => expected[0].input.map((step) => step[b]));
    expect(rows(first.input.data, batchSize, first.length)).toEqual(byStream);
  });

  it('saves and restores its position; iteration starts a new epoch at the end', () => {
    const ids = Array.from({ length: 64 }, (_, i) => i % 11);
    const stream = new TextStream(ids, { batchSize: 2, bptt: 5 });
    stream.next();
    stream.next();
    const saved = stream.state();
    const third = stream.next()!;
    const resumed = new TextStream(ids, { batchSize: 2, bptt: 5 });
    resumed.restore(JSON.parse(JSON.stringify(saved)));
    expect(Array.from(resumed.next()!.input.data)).toEqual(Array.from(third.input.data));
    [...stream];
    expect(stream.state()).toEqual({ position: 0, epoch: 1 });
    expect(() => stream.restore({ position: 99, epoch: 0 })).toThrow('TextStream.restore: expected { position in [0, 32), epoch ≥ 0 }');
  });

  it('rejects bad settings and non-integer ids', () => {
    expect(() => new TextStream([1, 2, 3], { batchSize: 2, bptt: 4 })).toThrow('TextStream: expected at least 4 tokens for 2 streams, got 3');
    expect(() => new TextStream([1, 2, 3, 4], { batchSize: 0, bptt: 4 })).toThrow('TextStream: expected batchSize to be an integer ≥ 1, got number 0');
    expect(() => new TextStream([1, 2.5, 3, 4], { batchSize: 1, bptt: 4 })).toThrow('expected integer token ids, got 2.5 at index 1');
  });
});
