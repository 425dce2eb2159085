import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readCsvFile } from '../src/node/index.js';
import { writeCsvFixture } from './csvFixture.js';

const directory = mkdtempSync(join(tmpdir(), 'recurrent-data-scale-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// 7.6 million rows of ~27 bytes: just over 200 MB.
const rows = 7_600_000;

it('streams a 200 MB CSV file in bounded memory, seeing every row exactly once', async () => {
  const file = join(directory, 'big.csv');
  await writeCsvFixture(file, rows);
  const bytes = statSync(file).size;
  expect(bytes).toBeGreaterThan(200 * 1e6);

  // what the rows must add up to, from the generator's definition (plain loop)
  let expectedOrder = 0;
  let expectedX = 0;
  let expectedLabels = 0;
  for (let i = 0; i < rows; i++) {
    expectedOrder = (Math.imul(expectedOrder, 31) + i) | 0;
    expectedX += (i % 1000) / 8;
    expectedLabels += i % 97;
  }

  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let firstQuarterPeak = baseline;
  let count = 0;
  let order = 0;
  let sumX = 0;
  let sumY = 0;
  let labels = 0;
  const reader = readCsvFile(file, { columns: { id: 'integer', x: 'number', y: 'number', label: 'string' } });
  for await (const batch of reader.columns()) {
    const { id, x, y, label } = batch.values;
    for (let r = 0; r < batch.length; r++) {
      order = (Math.imul(order, 31) + id[r]) | 0;
      sumX += x[r];
      sumY += y[r];
      labels += Number(label[r].slice(1));
    }
    count += batch.length;
    const rss = process.memoryUsage().rss;
    peak = Math.max(peak, rss);
    if (count <= rows / 4) firstQuarterPeak = peak;
  }
  expect(count).toBe(rows);
  expect(reader.rows).toBe(rows);
  expect(order).toBe(expectedOrder);
  expect(sumX).toBe(expectedX);
  expect(sumY).toBe((-(rows - 1) * rows) / 8);
  expect(labels).toBe(expectedLabels);
  const mebibytes = (value: number) => (value / 2 ** 20).toFixed(1);
  console.log(`scale: ${(bytes / 1e6).toFixed(0)} MB, ${count} rows, rss growth ${mebibytes(peak - baseline)} MiB (${mebibytes(firstQuarterPeak - baseline)} MiB after the first quarter)`);
  // holding the file would take over 200 MB as bytes (400 MB as a JavaScript string): growth stays
  // well below the file's size, and the last three quarters of the file add little to the first's
  expect(peak - baseline).toBeLessThan(160 * 2 ** 20);
  expect(peak - firstQuarterPeak).toBeLessThan(96 * 2 ** 20);
});
