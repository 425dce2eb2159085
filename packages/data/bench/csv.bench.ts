import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../src/csv.js';
import { readCsvFile } from '../src/node/index.js';
import { writeCsvFixture } from '../test/csvFixture.js';
import { type Figure, report, table } from './report.js';

// Rows per second of the streaming CSV parser: from memory (decoded chunks) and from a file on disk.
const rows = Number(process.env.ROWS ?? 2_000_000);
const columns = { id: 'integer', x: 'number', y: 'number', label: 'string' } as const;
const figures: Figure[] = [];

const directory = mkdtempSync(join(tmpdir(), 'recurrent-csv-bench-'));
try {
  const file = join(directory, 'bench.csv');
  await writeCsvFixture(file, rows);
  const megabytes = statSync(file).size / 2 ** 20;

  let start = performance.now();
  let seen = 0;
  for await (const batch of readCsvFile(file, { columns }).columns()) seen += batch.length;
  let seconds = (performance.now() - start) / 1000;
  if (seen !== rows) throw new Error(`csv bench: expected ${rows} rows, got ${seen}`);
  figures.push(report({ bench: 'csv', case: `file ${megabytes.toFixed(0)} MiB, 4 typed columns, columns()`, value: rows / seconds, unit: 'rows/s', seconds }));
  figures.push(report({ bench: 'csv', case: 'file throughput, columns()', value: megabytes / seconds, unit: 'MiB/s', seconds }));

  start = performance.now();
  seen = 0;
  for await (const batch of readCsvFile(file, { columns }).batches()) seen += batch.length;
  seconds = (performance.now() - start) / 1000;
  figures.push(report({ bench: 'csv', case: 'file, row objects, batches()', value: seen / seconds, unit: 'rows/s', seconds }));

  const chunk = 'id,x,y,label\n' + Array.from({ length: 20_000 }, (_, i) => `${i},${(i % 1000) / 8},${-i / 4},w${i % 97}`).join('\n') + '\n';
  const repeats = 25;
  start = performance.now();
  seen = 0;
  for (let k = 0; k < repeats; k++) for await (const batch of parseCsv(chunk, { columns }).batches()) seen += batch.length;
  seconds = (performance.now() - start) / 1000;
  figures.push(report({ bench: 'csv', case: 'in-memory string, row batches', value: seen / seconds, unit: 'rows/s', seconds }));

  start = performance.now();
  seen = 0;
  for (let k = 0; k < repeats; k++) for await (const row of parseCsv(chunk, { columns })) seen += row.id >= 0 ? 1 : 0;
  seconds = (performance.now() - start) / 1000;
  figures.push(report({ bench: 'csv', case: 'in-memory string, row by row (for await)', value: seen / seconds, unit: 'rows/s', seconds }));
} finally {
  rmSync(directory, { recursive: true, force: true });
}
table(figures);
