/**
 * The type of a selected column: `'number'` (a decimal number such as `-1.5e3`; `NaN`, `Infinity`
 * and `-Infinity` only when written so: hex such as `0x1A` and decimals beyond float64 such as
 * `1e400` are errors, not 26 and Infinity), `'integer'` (a decimal safe integer), `'string'` or
 * `'boolean'` (`true`/`false`, `1`/`0` in CSV).
 *
 * @example
 * const type: ColumnType = 'number';
 */
export type ColumnType = 'number' | 'integer' | 'string' | 'boolean';

/**
 * A typed column selection: column name → type. Only these columns are read, in this order.
 *
 * @example
 * const columns = { price: 'number', label: 'string' } satisfies Columns;
 */
export type Columns = Record<string, ColumnType>;

/**
 * The row type a {@link Columns} selection produces.
 *
 * @example
 * type Row = RowOf<{ price: 'number'; label: 'string' }>; // { price: number; label: string }
 */
export type RowOf<C extends Columns> = {
  -readonly [K in keyof C]: C[K] extends 'string' ? string : C[K] extends 'boolean' ? boolean : number;
};

/** Checks a column selection and returns its entries. */
export function checkColumns(reader: string, columns: Columns): [string, ColumnType][] {
  if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) {
    throw new Error(`${reader}: expected columns as an object { name: 'number' | 'integer' | 'string' | 'boolean' }, got ${JSON.stringify(columns)}`);
  }
  const entries = Object.entries(columns);
  if (entries.length === 0) throw new Error(`${reader}: expected at least one column, got {}`);
  for (const [name, type] of entries) {
    if (type !== 'number' && type !== 'integer' && type !== 'string' && type !== 'boolean') {
      throw new Error(`${reader}: expected column "${name}" of type 'number', 'integer', 'string' or 'boolean', got ${JSON.stringify(type)}`);
    }
  }
  return entries;
}

/**
 * Converts one CSV field; returns `undefined` when it does not parse as `type`.
 * `+''` is 0 in JavaScript, so blanks are rejected explicitly.
 */
export function convertField(field: string, type: ColumnType): number | string | boolean | undefined {
  switch (type) {
    case 'string':
      return field;
    case 'number': {
      const text = field.trim();
      if (!decimal.test(text)) return Object.prototype.hasOwnProperty.call(special, text) ? special[text] : undefined;
      const value = +text;
      // a decimal literal too large for float64 (1e400) would silently become ±Infinity
      return Number.isFinite(value) ? value : undefined;
    }
    case 'integer': {
      const text = field.trim();
      if (!decimal.test(text)) return undefined;
      const value = +text;
      return Number.isSafeInteger(value) ? value : undefined;
    }
    case 'boolean': {
      const text = field.trim();
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      return undefined;
    }
  }
}

/** A decimal number: no hex, octal or binary prefixes, no blanks, no `Infinity`. */
const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const special: Record<string, number> = { NaN, Infinity, '+Infinity': Infinity, '-Infinity': -Infinity };

/** Checks one JSON value against a column type. */
export function matchesType(value: unknown, type: ColumnType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      // JSON has no Infinity: a non-finite number is a literal beyond float64, such as 1e400
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

const articles: Record<ColumnType, string> = { number: 'a number', integer: 'an integer', string: 'a string', boolean: 'a boolean' };

/** `a number`, `an integer`, … for error messages. */
export function describeType(type: ColumnType): string {
  return articles[type];
}
