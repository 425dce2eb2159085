import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, parseCsv, parseJsonl } from './index.js';
import { readCsvFile, readJsonlFile } from './node/index.js';

// Regression tests for issue 20: each input below was read silently wrong or failed unclearly.
const directory = mkdtempSync(join(tmpdir(), 'recurrent-data-bad-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const rows: T[] = [];
  for await (const row of iterable) rows.push(row);
  return rows;
}

describe('CSV and JSONL: bad input is a clear error', () => {
  it('parseCsv(42) and parseJsonl(null) name the reader and what came', () => {
    expect(() => parseCsv(42 as never, { columns: { a: 'number' } })).toThrow('parseCsv: expected a string, bytes, a Blob, a ReadableStream or an iterable of chunks, got number 42');
    expect(() => parseJsonl(null as never)).toThrow('parseJsonl: expected a string, bytes, a Blob, a ReadableStream or an iterable of chunks, got null');
    expect(() => parseCsv('a\n1\n', undefined as never)).toThrow('parseCsv: expected options { columns: { name: type } }, got none');
  });

  it('misspelled or wrongly typed options are errors with the nearest name', () => {
    expect(() => parseCsv('a\n1\n', { columns: { a: 'number' }, onErorr: 'skip' } as never)).toThrow("parseCsv: unknown option 'onErorr' (did you mean 'onError'?)");
    expect(() => parseCsv('a\n1\n', { columns: { a: 'number' }, onError: 'ignore' } as never)).toThrow('parseCsv: expected onError to be one of "throw", "skip", got "ignore" (a string)');
    expect(() => parseJsonl('{}\n', { allowEmtpy: true } as never)).toThrow("parseJsonl: unknown option 'allowEmtpy' (did you mean 'allowEmpty'?)");
    expect(() => readCsvFile(join(directory, 'x.csv'), { columns: { a: 'number' }, chunksize: 4 } as never)).toThrow("readCsvFile: unknown option 'chunksize' (did you mean 'chunkSize'?)");
  });

  it('hex and numbers beyond float64 are not numbers; Infinity and NaN written out are', async () => {
    for (const field of ['0x1A', '0b11', '0o7', '1e400', '-1e400', '1_000']) {
      await expect(collect(parseCsv(`a\n${field}\n`, { columns: { a: 'number' } }))).rejects.toThrow(`parseCsv: <input>:2:1: expected a number in column "a", got "${field}"`);
    }
    await expect(collect(parseCsv('a\n0x10\n', { columns: { a: 'integer' } }))).rejects.toThrow('expected an integer in column "a", got "0x10"');
    await expect(collect(parseCsv('a\n9007199254740993\n', { columns: { a: 'integer' } }))).rejects.toThrow('expected an integer in column "a", got "9007199254740993"');
    const rows = await collect(parseCsv('a\n1.5e3\nInfinity\n-Infinity\nNaN\n .5 \n', { columns: { a: 'number' } }));
    expect(rows.map((row) => row.a)).toEqual([1500, Infinity, -Infinity, NaN, 0.5]);
    await expect(collect(parseJsonl('{"a":1e400}\n', { columns: { a: 'number' } }))).rejects.toThrow('parseJsonl: <input>:1: expected a number under "a", got Infinity (a number beyond float64)');
  });

  it('a duplicated header of a selected column is an error, not the first column', async () => {
    await expect(collect(parseCsv('a,b,a\n1,2,3\n', { columns: { a: 'number' } }))).rejects.toThrow('parseCsv: <input>:1: expected one column named "a", got columns 1 and 3 both named so');
    // a duplicate that is not selected is harmless
    expect(await collect(parseCsv('a,b,b\n1,2,3\n', { columns: { a: 'number' } }))).toEqual([{ a: 1 }]);
  });

  it('a missing file and a directory are DataErrors naming the path', async () => {
    const missing = join(directory, 'nowhere.csv');
    const error = await collect(readCsvFile(missing, { columns: { a: 'number' } })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toBe(`readCsvFile: ${missing}: expected a readable file, got ENOENT (no such file)`);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    await expect(collect(readJsonlFile(directory))).rejects.toThrow(`readJsonlFile: ${directory}: expected a readable file, got EISDIR (a directory)`);
    await expect(collect(readJsonlFile(join(directory, 'none.jsonl')))).rejects.toBeInstanceOf(DataError);
    expect(() => readCsvFile(42 as never, { columns: { a: 'number' } })).toThrow('readCsvFile: expected a file path (a non-empty string), got number 42');
  });

  it('a file that exists still reads in small chunks', async () => {
    const path = join(directory, 'small.csv');
    writeFileSync(path, 'a\n1\n2\n3\n');
    expect(await collect(readCsvFile(path, { columns: { a: 'integer' }, chunkSize: 2 }))).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });
});
