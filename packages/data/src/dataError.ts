/**
 * Where in an input a problem was found: a file name (or `<input>`), a 1-based line and column.
 *
 * @example
 * const where: DataLocation = { file: 'prices.csv', line: 12, column: 3 };
 */
export interface DataLocation {
  /** The file or source name given to the reader (`<input>` when none was given). */
  file: string;
  /** 1-based line number of the offending record; 0 for the file as a whole (it cannot be opened). */
  line: number;
  /** 1-based column: the character column for syntax and encoding errors, the field number for field errors. */
  column?: number;
}

/**
 * An error in input data that names the reader, the place (file, line, column), what was expected
 * and what came, so a malformed row is never silently misaligned.
 *
 * @example
 * try {
 *   for await (const row of parseCsv('a,b\n1\n', { columns: { a: 'number', b: 'number' } })) void row;
 * } catch (error) {
 *   if (error instanceof DataError) console.log(error.location.line); // 2
 * }
 */
export class DataError extends Error {
  /** Where the problem is. */
  readonly location: DataLocation;

  constructor(reader: string, location: DataLocation, expected: string, got: string, options?: { cause?: unknown }) {
    const where = location.line === 0 ? location.file : `${location.file}:${location.line}${location.column !== undefined ? `:${location.column}` : ''}`;
    super(`${reader}: ${where}: expected ${expected}, got ${got}`, options);
    this.name = 'DataError';
    this.location = location;
  }
}

/**
 * What a reader does with a malformed record: `'throw'` (default) stops with a {@link DataError};
 * `'skip'` drops the record, counts it in the reader's `skipped` and reports it to `onSkip`.
 *
 * @example
 * const policy: ErrorPolicy = 'skip';
 */
export type ErrorPolicy = 'throw' | 'skip';
