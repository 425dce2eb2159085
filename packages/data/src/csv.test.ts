import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import { DataError } from './dataError.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const rows: T[] = [];
  for await (const row of iterable) rows.push(row);
  return rows;
}

const columns = { price: 'number', label: 'string' } as const;
const text = 'id,price,label\n1,1.5,up\n2,-3e2,"down, ""really""\nnow"\r\n3,7,x\n';

describe('parseCsv', () => {
  it('reads typed columns by header name, with quotes, escaped quotes, CRLF and newlines inside quotes', async () => {
    const rows = await collect(parseCsv(text, { columns }));
    expect(rows).toEqual([
      { price: 1.5, label: 'up' },
      { price: -300, label: 'down, "really"\nnow' },
      { price: 7, label: 'x' },
    ]);
  });

  it('gives the same rows whatever the chunk boundaries (bytes split at every position)', async () => {
    const bytes = new TextEncoder().encode('a,b\n"é,\n""x""",2\nq,1\n"y""",""\r\n\nlast,"z"');
    const whole = await collect(parseCsv(bytes, { columns: { a: 'string', b: 'string' } }));
    expect(whole).toEqual([
      { a: 'é,\n"x"', b: '2' },
      { a: 'q', b: '1' },
      { a: 'y"', b: '' },
      { a: 'last', b: 'z' },
    ]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
      expect(await collect(parseCsv(chunks, { columns: { a: 'string', b: 'string' } }))).toEqual(whole);
    }
    for (let cut = 1; cut < text.length; cut++) {
      const chunks = [text.slice(0, cut), text.slice(cut)];
      expect(await collect(parseCsv(chunks, { columns }))).toEqual(await collect(parseCsv(text, { columns })));
    }
  });

  it('reads Node streams, web streams and Blobs', async () => {
    const expected = await collect(parseCsv(text, { columns }));
    expect(await collect(parseCsv(Readable.from([Buffer.from(text.slice(0, 20)), Buffer.from(text.slice(20))]), { columns }))).toEqual(expected);
    expect(await collect(parseCsv(new Blob([text]).stream(), { columns }))).toEqual(expected);
    expect(await collect(parseCsv(new Blob([text]), { columns }))).toEqual(expected);
  });

  it('takes column names from an array when there is no header line', async () => {
    const rows = await collect(parseCsv('1;true\n2;0\n', { header: ['n', 'flag'], delimiter: ';', columns: { flag: 'boolean', n: 'integer' } }));
    expect(rows).toEqual([
      { flag: true, n: 1 },
      { flag: false, n: 2 },
    ]);
  });

  it('names the file, line and field of a row with the wrong field count', async () => {
    const run = collect(parseCsv('id,price,label\n1,2,a\n2,3\n', { columns, file: 'prices.csv' }));
    await expect(run).rejects.toThrow('parseCsv: prices.csv:3: expected 3 fields, got 2');
    await expect(collect(parseCsv('id,price,label\n1,2,a\n2,3\n', { columns }))).rejects.toBeInstanceOf(DataError);
  });

  it('names the file, line and field of a number that does not parse, and rejects blanks', async () => {
    await expect(collect(parseCsv('id,price,label\n1,abc,a\n', { columns, file: 'p.csv' }))).rejects.toThrow(
      'parseCsv: p.csv:2:2: expected a number in column "price", got "abc"',
    );
    await expect(collect(parseCsv('id,price,label\n1,,a\n', { columns }))).rejects.toThrow('expected a number in column "price", got ""');
    await expect(collect(parseCsv('n\n1.5\n', { columns: { n: 'integer' } }))).rejects.toThrow('expected an integer in column "n", got "1.5"');
  });

  it('skips and counts malformed rows under onError: skip, keeping features and labels aligned', async () => {
    const skipped: number[] = [];
    const reader = parseCsv('id,price,label\n1,1,a\n2,x,b\n3,3\n4,4,d\n', {
      columns,
      onError: 'skip',
      onSkip: (error) => skipped.push(error.location.line),
    });
    expect(await collect(reader)).toEqual([
      { price: 1, label: 'a' },
      { price: 4, label: 'd' },
    ]);
    expect(reader.skipped).toBe(2);
    expect(skipped).toEqual([3, 4]);
  });

  it('rejects empty inputs, missing columns, unterminated quotes and invalid UTF-8 with their place', async () => {
    await expect(collect(parseCsv('', { columns, file: 'e.csv' }))).rejects.toThrow('parseCsv: e.csv:1: expected a header line, got an empty input');
    await expect(collect(parseCsv('id,price,label\n', { columns }))).rejects.toThrow('expected at least one data row');
    expect(await collect(parseCsv('id,price,label\n', { columns, allowEmpty: true }))).toEqual([]);
    await expect(collect(parseCsv('id,cost\n1,2\n', { columns }))).rejects.toThrow('expected a column named "price", got columns ["id","cost"]');
    await expect(collect(parseCsv('a\n"open\n', { columns: { a: 'string' } }))).rejects.toThrow('<input>:2:1: expected a closing quote, got the end of the input');
    const bad = new Uint8Array([...new TextEncoder().encode('a,b\n1,2\nxy,'), 0xff, 0x0a]);
    await expect(collect(parseCsv(bad, { columns: { a: 'string' }, file: 'bad.csv' }))).rejects.toThrow(
      'parseCsv: bad.csv:3:4: expected UTF-8 text, got invalid bytes ff 0a',
    );
  });

  it('columns() gives typed column arrays; a skipped row leaves no trace in any column', async () => {
    const text = 'id,"ok",name\n1,true,a\n2,maybe,b\n3,0,"c,d"\n' + Array.from({ length: 3000 }, (_, i) => `${i + 4},1,n${i}`).join('\n');
    const reader = parseCsv(text, { columns: { name: 'string', id: 'integer', ok: 'boolean' }, onError: 'skip' });
    const ids: number[] = [];
    const names: string[] = [];
    const oks: number[] = [];
    for await (const batch of reader.columns()) {
      expect(batch.values.id).toBeInstanceOf(Float64Array);
      expect(batch.values.ok).toBeInstanceOf(Uint8Array);
      ids.push(...batch.values.id);
      names.push(...batch.values.name);
      oks.push(...batch.values.ok);
    }
    expect(reader.skipped).toBe(1);
    expect(ids.length).toBe(3002);
    expect(ids.slice(0, 3)).toEqual([1, 3, 4]);
    expect(names.slice(0, 3)).toEqual(['a', 'c,d', 'n0']);
    expect(oks.slice(0, 3)).toEqual([1, 0, 1]);
    ids.forEach((id, k) => k >= 2 && expect(names[k]).toBe(`n${id - 4}`));
  });

  it('can be iterated only once', async () => {
    const reader = parseCsv(text, { columns });
    await collect(reader);
    await expect(collect(reader)).rejects.toThrow('already being read');
  });
});
