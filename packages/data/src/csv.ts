import { type ColumnType, type Columns, type RowOf, checkColumns, convertField, describeType } from './columns.js';
import { DataError, type ErrorPolicy } from './dataError.js';
import { type TextSource, decodeText } from './textSource.js';

/** Options of {@link parseCsv}. */
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

  /** Rows in arrays, one per decoded chunk: cheaper than row-by-row iteration for big files. */
  async *batches(): AsyncGenerator<RowOf<C>[]> {
    if (this.started) throw new Error(`parseCsv: ${this.file} is already being read (a reader can be iterated once)`);
    this.started = true;
    const { header = true } = this.options;
    let plan: Plan | undefined = Array.isArray(header) ? this.plan(header as string[], 0) : undefined;
    let carry = '';
    let line = 1;
    const out: RowOf<C>[] = [];
    const handle = (fields: string[], at: number) => {
      if (plan === undefined) plan = this.plan(fields, at);
      else this.convert(fields, at, plan, out);
    };
    const consume = (text: string, final: boolean): string => {
      let start = 0;
      let quoteAt = -1;
      const delimiter = this.delimiter;
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
          if (stop > start) handle(text.slice(start, stop).split(delimiter), line);
          line++;
          start = end + 1;
          continue;
        }
        const parsed = parseQuoted(text, start, delimiter, final);
        if (parsed === undefined) return text.slice(start);
        if (parsed.error !== undefined) {
          throw new DataError('parseCsv', { file: this.file, line: line + (parsed.errorLine ?? 0), column: parsed.errorColumn }, parsed.error, parsed.got ?? 'something else');
        }
        handle(parsed.fields, line);
        line += parsed.lines;
        start = parsed.next;
      }
    };
    for await (const chunk of decodeText(this.source, { file: this.file, reader: 'parseCsv' })) {
      carry = consume(carry.length > 0 ? carry + chunk : chunk, false);
      if (out.length > 0) yield out.splice(0, out.length);
    }
    if (carry.length > 0) consume(carry, true);
    if (out.length > 0) yield out.splice(0, out.length);
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
      indices.push(index);
    }
    return { indices, names: this.entries.map(([name]) => name), types: this.entries.map(([, type]) => type), fieldCount: names.length };
  }

  private convert(fields: string[], at: number, plan: Plan, out: RowOf<C>[]): void {
    if (fields.length !== plan.fieldCount) {
      this.reject(new DataError('parseCsv', { file: this.file, line: at }, `${plan.fieldCount} fields`, `${fields.length}`));
      return;
    }
    const row: Record<string, unknown> = {};
    const { indices, names, types } = plan;
    for (let k = 0; k < indices.length; k++) {
      const field = fields[indices[k]];
      const value = convertField(field, types[k]);
      if (value === undefined) {
        this.reject(
          new DataError('parseCsv', { file: this.file, line: at, column: indices[k] + 1 }, `${describeType(types[k])} in column "${names[k]}"`, JSON.stringify(field)),
        );
        return;
      }
      row[names[k]] = value;
    }
    this.rows++;
    out.push(row as RowOf<C>);
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

interface QuotedRecord {
  fields: string[];
  next: number;
  lines: number;
  error?: string;
  got?: string;
  errorLine?: number;
  errorColumn?: number;
}

/** Parses one record that contains quotes; `undefined` when it continues past the end of `text`. */
function parseQuoted(text: string, start: number, delimiter: string, final: boolean): QuotedRecord | undefined {
  const fields: string[] = [];
  let lines = 1;
  let lineStart = start;
  let i = start;
  const n = text.length;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0 || close + 1 >= n) {
          if (!final) return undefined;
          if (close < 0) return { fields, next: n, lines, error: 'a closing quote', got: 'the end of the input', errorLine: lines - 1, errorColumn: i - lineStart + 1 };
        }
        for (let k = text.indexOf('\n', from); k >= 0 && k < close; k = text.indexOf('\n', k + 1)) {
          lines++;
          lineStart = k + 1;
        }
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === 34) {
          value += '"';
          from = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
    } else {
      let stop = i;
      while (stop < n) {
        const code = text.charCodeAt(stop);
        if (code === 10 || code === 34 || text[stop] === delimiter) break;
        stop++;
      }
      if (text.charCodeAt(stop) === 34) return { fields, next: n, lines, error: 'a quote only at the start of a field', got: 'a quote inside an unquoted field', errorLine: lines - 1, errorColumn: stop - lineStart + 1 };
      fields.push(text.slice(i, stop).replace(/\r$/, ''));
      i = stop;
    }
    if (i >= n) return final ? { fields, next: n, lines } : undefined;
    const code = text.charCodeAt(i);
    if (text[i] === delimiter) {
      i++;
      if (i >= n && !final) return undefined;
      continue;
    }
    if (code === 13 && text.charCodeAt(i + 1) === 10) i++;
    else if (code === 13 && i + 1 >= n && !final) return undefined;
    if (text.charCodeAt(i) === 10) return { fields, next: i + 1, lines };
    return { fields, next: n, lines, error: 'a delimiter or line end after a closing quote', got: JSON.stringify(text[i]), errorLine: lines - 1, errorColumn: i - lineStart + 1 };
  }
}
