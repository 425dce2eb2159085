import { type Columns, type RowOf, checkColumns, describeType, matchesType } from './columns.js';
import { DataError, type ErrorPolicy } from './dataError.js';
import { type TextSource, checkTextSource, decodeText } from './textSource.js';
import { checkOptions, option } from '@recurrent/tensor';

/** What {@link JsonlOptions} take (readJsonlFile adds `chunkSize`). */
export const jsonlOptionRules = {
  columns: option.any, file: option.string, onError: option.oneOf(['throw', 'skip']), onSkip: option.function, allowEmpty: option.boolean,
};

/**
 * Options of {@link parseJsonl}.
 *
 * @example
 * const options: JsonlOptions<{ t: 'number' }> = { columns: { t: 'number' }, file: 'events.jsonl' };
 */
export interface JsonlOptions<C extends Columns | undefined> {
  /** Keys to read with their types; omitted: each line's parsed value is yielded as it is. */
  columns?: C;
  /** Name used in errors (a file path). Default `<input>`. */
  file?: string;
  /** Malformed lines: `'throw'` (default) or `'skip'` (counted in `skipped`, reported to `onSkip`). */
  onError?: ErrorPolicy;
  /** Called with each skipped line's error when `onError` is `'skip'`. */
  onSkip?: (error: DataError) => void;
  /** Accept an input with no records (default `false`). */
  allowEmpty?: boolean;
}

type JsonlRow<C extends Columns | undefined> = C extends Columns ? RowOf<C> : unknown;

/**
 * A streaming JSON Lines reader: one JSON value per line, blank lines ignored. With `columns`,
 * each line must be an object holding those keys with those types; a line that does not parse
 * (the error names the file, line and character column) or does not match raises a
 * {@link DataError}, or is skipped and counted under `onError: 'skip'`.
 *
 * @example
 * const reader = parseJsonl('{"x":1,"y":"a"}\n{"x":2,"y":"b"}\n', { columns: { x: 'number' } });
 * for await (const row of reader) console.log(row.x); // 1, 2
 */
export class JsonlReader<C extends Columns | undefined> implements AsyncIterable<JsonlRow<C>> {
  /** Lines dropped under `onError: 'skip'` so far. */
  skipped = 0;
  /** Records produced so far. */
  rows = 0;
  private readonly file: string;
  private readonly entries: [string, Columns[string]][] | undefined;
  private started = false;

  constructor(
    private readonly source: TextSource,
    private readonly options: JsonlOptions<C> = {},
  ) {
    checkTextSource('parseJsonl', source);
    checkOptions('parseJsonl', options, jsonlOptionRules);
    this.file = options.file ?? '<input>';
    this.entries = options.columns === undefined ? undefined : checkColumns('parseJsonl', options.columns);
  }

  /** Records one at a time. A reader can be iterated once. */
  async *[Symbol.asyncIterator](): AsyncGenerator<JsonlRow<C>> {
    for await (const batch of this.batches()) for (const row of batch) yield row;
  }

  /** Records in arrays, one per decoded chunk. */
  async *batches(): AsyncGenerator<JsonlRow<C>[]> {
    if (this.started) throw new Error(`parseJsonl: expected a reader not iterated yet (each reads its file once), got ${this.file} already being read`);
    this.started = true;
    let carry = '';
    let line = 1;
    const out: JsonlRow<C>[] = [];
    const consume = (text: string, final: boolean): string => {
      let start = 0;
      for (;;) {
        let end = text.indexOf('\n', start);
        if (end < 0) {
          if (!final || start >= text.length) return text.slice(start);
          end = text.length;
        }
        const body = text.slice(start, end);
        if (body.trim().length > 0) this.record(body, line, out);
        line++;
        start = end + 1;
      }
    };
    for await (const chunk of decodeText(this.source, { file: this.file, reader: 'parseJsonl' })) {
      carry = consume(carry.length > 0 ? carry + chunk : chunk, false);
      if (out.length > 0) yield out.splice(0, out.length);
    }
    if (carry.length > 0) consume(carry, true);
    if (out.length > 0) yield out.splice(0, out.length);
    if (this.rows === 0 && this.skipped === 0 && !this.options.allowEmpty) {
      throw new DataError('parseJsonl', { file: this.file, line: 1 }, 'at least one record (pass allowEmpty: true to accept none)', 'an empty input');
    }
  }

  private record(body: string, line: number, out: JsonlRow<C>[]): void {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      const message = (error as Error).message;
      const position = /position (\d+)/.exec(message);
      const column = position ? Number(position[1]) + 1 : undefined;
      this.reject(new DataError('parseJsonl', { file: this.file, line, column }, 'a JSON value', `invalid JSON (${message})`));
      return;
    }
    if (this.entries === undefined) {
      this.rows++;
      out.push(value as JsonlRow<C>);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.reject(new DataError('parseJsonl', { file: this.file, line }, 'a JSON object', Array.isArray(value) ? 'an array' : String(value)));
      return;
    }
    const row: Record<string, unknown> = {};
    for (const [name, type] of this.entries) {
      const field = (value as Record<string, unknown>)[name];
      if (!matchesType(field, type)) {
        const got = field === undefined ? 'no such key' : typeof field === 'number' && !Number.isFinite(field) ? `${field} (a number beyond float64)` : JSON.stringify(field);
        this.reject(new DataError('parseJsonl', { file: this.file, line }, `${describeType(type)} under "${name}"`, got));
        return;
      }
      row[name] = field;
    }
    this.rows++;
    out.push(row as JsonlRow<C>);
  }

  private reject(error: DataError): void {
    if (this.options.onError !== 'skip') throw error;
    this.skipped++;
    this.options.onSkip?.(error);
  }
}

/**
 * Reads JSON Lines from any {@link TextSource}; see {@link JsonlReader}.
 *
 * @example
 * const rows = [];
 * for await (const row of parseJsonl('{"a":1}\n', { columns: { a: 'integer' } })) rows.push(row);
 * rows; // [{ a: 1 }]
 */
export function parseJsonl<C extends Columns | undefined = undefined>(source: TextSource, options: JsonlOptions<C> = {}): JsonlReader<C> {
  return new JsonlReader(source, options);
}
