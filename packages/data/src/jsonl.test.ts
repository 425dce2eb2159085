import { describe, expect, it } from 'vitest';
import { parseJsonl } from './jsonl.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const rows: T[] = [];
  for await (const row of iterable) rows.push(row);
  return rows;
}

describe('parseJsonl', () => {
  it('reads typed keys, across chunk boundaries, ignoring blank lines', async () => {
    const text = '{"x":1,"y":"a","z":[1]}\n\n{"x":2.5,"y":"b"}\r\n';
    const whole = await collect(parseJsonl(text, { columns: { x: 'number', y: 'string' } }));
    expect(whole).toEqual([
      { x: 1, y: 'a' },
      { x: 2.5, y: 'b' },
    ]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(await collect(parseJsonl([text.slice(0, cut), text.slice(cut)], { columns: { x: 'number', y: 'string' } }))).toEqual(whole);
    }
    expect(await collect(parseJsonl('[1,2]\n"s"\n'))).toEqual([[1, 2], 's']);
  });

  it('names the file, line and column of invalid JSON and of a wrong type', async () => {
    await expect(collect(parseJsonl('{"x":1}\n{"x":1 2}\n', { file: 'e.jsonl' }))).rejects.toThrow(/parseJsonl: e\.jsonl:2:8: expected a JSON value, got invalid JSON/);
    await expect(collect(parseJsonl('{"x":"1"}\n', { columns: { x: 'number' }, file: 'e.jsonl' }))).rejects.toThrow(
      'parseJsonl: e.jsonl:1: expected a number under "x", got "1"',
    );
    await expect(collect(parseJsonl('{"y":1}\n', { columns: { x: 'number' } }))).rejects.toThrow('expected a number under "x", got no such key');
    await expect(collect(parseJsonl('[1]\n', { columns: { x: 'number' } }))).rejects.toThrow('expected a JSON object, got an array');
  });

  it('skips and counts bad lines under onError: skip; rejects empty inputs unless allowed', async () => {
    const reader = parseJsonl('{"x":1}\nnot json\n{"x":"no"}\n{"x":4}\n', { columns: { x: 'integer' }, onError: 'skip' });
    expect(await collect(reader)).toEqual([{ x: 1 }, { x: 4 }]);
    expect(reader.skipped).toBe(2);
    await expect(collect(parseJsonl('\n\n', { file: 'empty.jsonl' }))).rejects.toThrow('parseJsonl: empty.jsonl:1: expected at least one record');
    expect(await collect(parseJsonl('', { allowEmpty: true }))).toEqual([]);
  });

  it('names the line and column of invalid UTF-8', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"x":1}\n{"x":"é'), 0xc3, 0x28, ...new TextEncoder().encode('"}\n')]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
      await expect(collect(parseJsonl(chunks, { file: 'u.jsonl' }))).rejects.toThrow('parseJsonl: u.jsonl:2:8: expected UTF-8 text, got invalid bytes c3 28');
    }
  });
});
