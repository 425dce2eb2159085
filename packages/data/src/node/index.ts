import { open } from 'node:fs/promises';
import { checkOptions, describeValue, option } from '@recurrent/tensor';
import { type Columns } from '../columns.js';
import { type CsvOptions, type CsvReader, csvOptionRules, parseCsv } from '../csv.js';
import { DataError } from '../dataError.js';
import { type JsonlOptions, type JsonlReader, jsonlOptionRules, parseJsonl } from '../jsonl.js';

const explanations: Record<string, string> = {
  ENOENT: 'no such file', EISDIR: 'a directory', EACCES: 'permission denied', EPERM: 'permission denied', ENOTDIR: 'a path through a file', ELOOP: 'a symbolic link loop',
};

/** A file system error as a {@link DataError} naming the path: `readCsvFile: data/x.csv: expected a readable file, got ENOENT (no such file)`. */
function fileError(reader: string, path: string, error: unknown): DataError {
  const code = (error as NodeJS.ErrnoException).code ?? 'an error';
  const why = explanations[code] ?? (error as Error).message;
  return new DataError(reader, { file: path, line: 0 }, 'a readable file', `${code} (${why})`, { cause: error });
}

/** The file's bytes in chunks; opening it (and finding a directory) fails before any parsing. */
async function* fileChunks(reader: string, path: string, chunkSize: number): AsyncGenerator<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(reader, path, error);
  }
  try {
    if ((await handle.stat()).isDirectory()) throw fileError(reader, path, Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    for (;;) {
      const buffer = new Uint8Array(chunkSize);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, chunkSize, null));
      } catch (error) {
        throw fileError(reader, path, error);
      }
      if (bytesRead === 0) return;
      yield bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function checkFileArguments(reader: string, path: unknown, options: unknown, rules: Record<string, ReturnType<typeof option.integer>>): number {
  if (typeof path !== 'string' || path === '') throw new Error(`${reader}: expected a file path (a non-empty string), got ${describeValue(path)}`);
  const { file: _file, ...allowed } = rules;
  checkOptions(reader, options, { ...allowed, chunkSize: option.integer({ min: 1 }) });
  return (options as { chunkSize?: number } | undefined)?.chunkSize ?? 1 << 20;
}

/**
 * Reads a CSV file from disk as typed rows, streaming (1 MiB chunks): the file's path is used in
 * every error, and a missing file or a directory is a {@link DataError} naming it. Node only
 * (`@recurrent/data/node`).
 *
 * @example
 * import { readCsvFile } from '@recurrent/data/node';
 * for await (const row of readCsvFile('prices.csv', { columns: { price: 'number' } })) console.log(row.price);
 */
export function readCsvFile<C extends Columns>(path: string, options: Omit<CsvOptions<C>, 'file'> & { chunkSize?: number }): CsvReader<C> {
  const chunkSize = checkFileArguments('readCsvFile', path, options, csvOptionRules);
  const { chunkSize: _chunkSize, ...rest } = options;
  return parseCsv(fileChunks('readCsvFile', path, chunkSize), { ...rest, file: path });
}

/**
 * Reads a JSON Lines file from disk, streaming; the file's path is used in every error, and a
 * missing file or a directory is a {@link DataError} naming it. Node only (`@recurrent/data/node`).
 *
 * @example
 * import { readJsonlFile } from '@recurrent/data/node';
 * for await (const row of readJsonlFile('events.jsonl', { columns: { t: 'number' } })) console.log(row.t);
 */
export function readJsonlFile<C extends Columns | undefined = undefined>(
  path: string,
  options: Omit<JsonlOptions<C>, 'file'> & { chunkSize?: number } = {},
): JsonlReader<C> {
  const chunkSize = checkFileArguments('readJsonlFile', path, options, jsonlOptionRules);
  const { chunkSize: _chunkSize, ...rest } = options;
  return parseJsonl(fileChunks('readJsonlFile', path, chunkSize), { ...rest, file: path } as JsonlOptions<C>);
}
