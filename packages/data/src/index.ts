export { DataError, type DataLocation, type ErrorPolicy } from './dataError.js';
export { decodeText, type TextSource } from './textSource.js';
export { type ColumnType, type Columns, type RowOf } from './columns.js';
export { CsvReader, parseCsv, type CsvOptions } from './csv.js';
export { JsonlReader, parseJsonl, type JsonlOptions } from './jsonl.js';
