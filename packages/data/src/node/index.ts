import { createReadStream } from 'node:fs';
import { type Columns } from '../columns.js';
import { type CsvOptions, type CsvReader, parseCsv } from '../csv.js';
import { type JsonlOptions, type JsonlReader, parseJsonl } from '../jsonl.js';

/**
 * Reads a CSV file from disk as typed rows, streaming (1 MiB chunks): the file's path is used in
 * every error. Node only (`@recurrent/data/node`).
 *
 * @example
 * import { readCsvFile } from '@recurrent/data/node';
 * for await (const row of readCsvFile('prices.csv', { columns: { price: 'number' } })) console.log(row.price);
 */
export function readCsvFile<C extends Columns>(path: string, options: Omit<CsvOptions<C>, 'file'> & { chunkSize?: number }): CsvReader<C> {
  return parseCsv(createReadStream(path, { highWaterMark: options.chunkSize ?? 1 << 20 }), { ...options, file: path });
}

/**
 * Reads a JSON Lines file from disk, streaming; the file's path is used in every error.
 * Node only (`@recurrent/data/node`).
 *
 * @example
 * import { readJsonlFile } from '@recurrent/data/node';
 * for await (const row of readJsonlFile('events.jsonl', { columns: { t: 'number' } })) console.log(row.t);
 */
export function readJsonlFile<C extends Columns | undefined = undefined>(
  path: string,
  options: Omit<JsonlOptions<C>, 'file'> & { chunkSize?: number } = {},
): JsonlReader<C> {
  return parseJsonl(createReadStream(path, { highWaterMark: options.chunkSize ?? 1 << 20 }), { ...options, file: path });
}
