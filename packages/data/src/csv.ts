import { type ColumnType, type Columns, type RowOf, checkColumns, convertField, describeType } from './columns.js';
import { DataError, type ErrorPolicy } from './dataError.js';
import { ColumnBuffer } from './internal/columnBuffer.js';
import { parseQuoted } from './internal/csvQuoted.js';
import { type TextSource, checkTextSource, decodeText } from './textSource.js';
import { checkOptions, option } from '@recurrent/tensor';

/** What {@link CsvOptions} take (readCsvFile adds `chunkSize`). */
export const csvOptionRules = {
  columns: option.any, file: option.string, delimiter: option.string,
  header: option.shaped('a boolean or an array of column names', (v) => typeof v === 'boolean' || (Array.isArray(v) && v.every((name) => typeof name === 'string'))),
  onError: option.oneOf(['throw', 'skip']), onSkip: option.function, allowEmpty: option.boolean,
};

/**
 * Options of {@link parseCsv}.
 *
 * @example
 * const options: CsvOptions<{ price: 'number' }> = { columns: { price: 'number' }, file: 'prices.csv', onError: 'skip' };
 */
export interface CsvOptions<C extends Columns> {
  /** The columns to read, by header name, with their types: `{ price: 'number', label: 'string' }`. */
  columns: C;
  /** Name used in errors (a file path). Default `<input>`. */
  file?: string;
  /** Field separator, one character. Default `,`. */
  delimiter?: string;
  /** `true` (default): the first record names the columns; an array: the names, and no header line. */
  header?: boolean | readonly string[];
  /** Malformed rows: `'throw'` (default) or `'skip'` (counted in `skipped`, reported to `onSkip`). */
  onError?: ErrorPolicy;
  /** Called with each skipped row's error when `onError` is `'skip'`. */
  onSkip?: (error: DataError) => void;
  /** Accept an input with no data rows (default `false`: an empty input is an error). */
  allowEmpty?: boolean;
}

/**
 * The rows of one chunk, column by column: `values[name]` is a Float64Array for `'number'` and
 * `'integer'` columns, a Uint8Array (1 = true) for `'boolean'`, a string array for `'string'`.
 * The arrays belong to the caller (a new set per batch).
 *
 * @example
 * for await (const batch of parseCsv('x\n1\n2\n', { columns: { x: 'number' } }).columns()) {
 *   batch.values.x; // Float64Array [1, 2]
 * }
 */
export interface ColumnBatch<C extends Columns> {
  length: number;
  values: { [K in keyof C]: C[K] extends 'string' ? string[] : C[K] extends 'boolean' ? Uint8Array : Float64Array };
}

interface Plan {
  indices: number[];
  names: string[];
  types: ColumnType[];
  fieldCount: number;
}

/**
 * A streaming CSV reader (RFC 4180: quoted fields, `""` escapes, newlines inside quotes, CRLF)
 * with typed column selection. It works on decoded chunks, so memory stays bounded by the
 * largest chunk whatever the input's size. Blank lines are ignored. Rows with the wrong number
 * of fields or fields that do not parse as their column's type raise a {@link DataError} naming
 * the file, line and field, or are skipped and counted with `onError: 'skip'`.
 *
 * @example
 * const reader = parseCsv('price,label\n1.5,up\n2,down\n', { columns: { price: 'number', label: 'string' } });
 * for await (const row of reader) console.log(row.price, row.label);
 */
export class CsvReader<C extends Columns> implements AsyncIterable<RowOf<C>> {
  /** Rows dropped under `onError: 'skip'` so far. */
  skipped = 0;
  /** Rows produced so far. */
  rows = 0;
  private readonly file: string;
  private readonly delimiter: string;
  private readonly entries: [string, ColumnType][];
  private started = false;

  constructor(
    private readonly source: TextSource,
    private readonly options: CsvOptions<C>,
  ) {
    checkTextSource('parseCsv', source);
    checkOptions('parseCsv', options, csvOptionRules);
    if (options === undefined) throw new Error('parseCsv: expected options { columns: { name: type } }, got none');
    this.file = options.file ?? '<input>';
    this.delimiter = options.delimiter ?? ',';
    if (this.delimiter.length !== 1 || this.delimiter === '"' || this.delimiter === '\n') {
      throw new Error(`parseCsv: expected a one-character delimiter other than a quote or newline, got ${JSON.stringify(this.delimiter)}`);
    }
    this.entries = checkColumns('parseCsv', options.columns);
  }

  /** Rows one at a time. A reader can be iterated once. */
  async *[Symbol.asyncIterator](): AsyncGenerator<RowOf<C>> {
    for await (const batch of this.batches()) for (const row of batch) yield row;
  }

  /** Rows in arrays, one per decoded chunk: cheaper than row-by-row iteration. */
  async *batches(): AsyncGenerator<RowOf<C>[]> {
    const names = this.entries.map(([name]) => name);
    for await (const { length, values } of this.columns()) {
      const stores = names.map((name) => (values as Record<string, ArrayLike<unknown>>)[name]);
      const types = this.entries.map(([, type]) => type);
      const rows = new Array<RowOf<C>>(length);
      for (let i = 0; i < length; i++) {
        const row: Record<string, unknown> = {};
        for (let k = 0; k < names.length; k++) row[names[k]] = types[k] === 'boolean' ? stores[k][i] === 1 : stores[k][i];
        rows[i] = row as RowOf<C>;
      }
      yield rows;
    }
  }

  /** Rows column by column, one {@link ColumnBatch} per decoded chunk: the fastest way through a big file. */
  async *columns(): AsyncGenerator<ColumnBatch<C>> {
    if (this.started) throw new Error(`parseCsv: expected a reader not iterated yet (each reads its file once), got ${this.file} already being read`);
    this.started = true;
    const { header = true } = this.options;
    let plan: Plan | undefined = Array.isArray(header) ? this.plan(header as string[], 0) : undefined;
    const buffer = new ColumnBuffer(this.entries.map(([, type]) => type));
    let bounds: Int32Array = new Int32Array(64);
    let carry = '';
    let line = 1;
    const delimiter = this.delimiter;
    const consume = (text: string, final: boolean): string => {
      let start = 0;
      let quoteAt = -1;
      for (;;) {
        let end = text.indexOf('\n', start);
        if (end < 0) {
          if (!final || start >= text.length) return text.slice(start);
          end = text.length;
        }
        const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
        // the next quote is searched once per chunk, not once per line (that would be quadratic)
        if (quoteAt < start) {
          quoteAt = text.indexOf('"', start);
          if (quoteAt < 0) quoteAt = text.length;
        }
        if (quoteAt >= stop) {
          if (stop > start) {
            // field boundaries by indexOf: no per-line split() and no substring for unselected fields
            let count = 0;
            let from = start;
            for (;;) {
              if (count + 1 >= bounds.length) bounds = grow(bounds);
              bounds[count++] = from;
              const at = text.indexOf(delimiter, from);
              if (at < 0 || at >= stop) break;
              from = at + 1;
            }
            bounds[count] = stop + 1;
            if (plan === undefined) plan = this.plan(fieldsOf(text, bounds, count), line);
            else this.store(text, bounds, count, line, plan, buffer);
          }
          line++;
          start = end + 1;
          continue;
        }
        const parsed = parseQuoted(text, start, delimiter, final);
        if (parsed === undefined) return text.slice(start);
        if (parsed.error !== undefined) {
          throw new DataError('parseCsv', { file: this.file, line: line + (parsed.errorLine ?? 0), column: parsed.errorColumn }, parsed.error, parsed.got ?? 'something else');
        }
        if (plan === undefined) plan = this.plan(parsed.fields, line);
        else this.storeFields(parsed.fields, line, plan, buffer);
        line += parsed.lines;
        start = parsed.next;
      }
    };
    const batch = (): ColumnBatch<C> => {
      const length = buffer.length;
      const stores = buffer.take();
      const values: Record<string, unknown> = {};
      this.entries.forEach(([name], k) => (values[name] = stores[k]));
      return { length, values: values as ColumnBatch<C>['values'] };
    };
    for await (const chunk of decodeText(this.source, { file: this.file, reader: 'parseCsv' })) {
      carry = consume(carry.length > 0 ? carry + chunk : chunk, false);
      if (buffer.length > 0) yield batch();
    }
    if (carry.length > 0) consume(carry, true);
    if (buffer.length > 0) yield batch();
    if (plan === undefined) {
      throw new DataError('parseCsv', { file: this.file, line: 1 }, 'a header line', 'an empty input');
    }
    if (this.rows === 0 && this.skipped === 0 && !this.options.allowEmpty) {
      throw new DataError('parseCsv', { file: this.file, line }, 'at least one data row (pass allowEmpty: true to accept none)', 'none');
    }
  }

  private plan(names: string[], at: number): Plan {
    const indices: number[] = [];
    for (const [name] of this.entries) {
      const index = names.indexOf(name);
      if (index < 0) {
        throw new DataError('parseCsv', { file: this.file, line: Math.max(at, 1) }, `a column named "${name}"`, `columns ${JSON.stringify(names)}`);
      }
      // two columns of one name: which one is meant cannot be known
      if (names.indexOf(name, index + 1) >= 0) {
        throw new DataError('parseCsv', { file: this.file, line: Math.max(at, 1) }, `one column named "${name}"`, `columns ${index + 1} and ${names.indexOf(name, index + 1) + 1} both named so`);
      }
      indices.push(index);
    }
    return { indices, names: this.entries.map(([name]) => name), types: this.entries.map(([, type]) => type), fieldCount: names.length };
  }

  /** Converts the selected fields of an unquoted line (field k spans bounds[k] .. bounds[k + 1] − 1). */
  private store(text: string, bounds: Int32Array, count: number, at: number, plan: Plan, buffer: ColumnBuffer): void {
    if (count !== plan.fieldCount) {
      this.reject(new DataError('parseCsv', { file: this.file, line: at }, `${plan.fieldCount} fields`, `${count}`));
      return;
    }
    const row = buffer.next();
    const { indices, names, types } = plan;
    for (let k = 0; k < indices.length; k++) {
      const index = indices[k];
      const field = text.slice(bounds[index], bounds[index + 1] - 1);
      const value = convertField(field, types[k]);
      if (value === undefined) {
        this.reject(new DataError('parseCsv', { file: this.file, line: at, column: index + 1 }, `${describeType(types[k])} in column "${names[k]}"`, JSON.stringify(field)));
        return;
      }
      buffer.set(k, row, value);
    }
    buffer.commit();
    this.rows++;
  }

  /** Converts the selected fields of a record parsed on the quoted path. */
  private storeFields(fields: string[], at: number, plan: Plan, buffer: ColumnBuffer): void {
    const bounds = new Int32Array(fields.length + 1);
    let text = '';
    fields.forEach((field, k) => {
      bounds[k] = text.length;
      text += `${field}\u0000`;
    });
    bounds[fields.length] = text.length;
    this.store(text, bounds, fields.length, at, plan, buffer);
  }

  private reject(error: DataError): void {
    if (this.options.onError !== 'skip') throw error;
    this.skipped++;
    this.options.onSkip?.(error);
  }
}

/**
 * Reads CSV from any {@link TextSource} (string, bytes, Blob, web stream, Node stream) as typed rows.
 * See {@link CsvReader} for the format and the error policy.
 *
 * @example
 * const rows = [];
 * for await (const row of parseCsv('x,y\n1,2\n', { columns: { y: 'integer' } })) rows.push(row);
 * rows; // [{ y: 2 }]
 */
export function parseCsv<C extends Columns>(source: TextSource, options: CsvOptions<C>): CsvReader<C> {
  return new CsvReader(source, options);
}

function fieldsOf(text: string, bounds: Int32Array, count: number): string[] {
  return Array.from({ length: count }, (_, k) => text.slice(bounds[k], bounds[k + 1] - 1));
}

function grow(bounds: Int32Array): Int32Array {
  const grown = new Int32Array(bounds.length * 2);
  grown.set(bounds);
  return grown;
}
