import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `folder/series.csv`, the small forecasting series the command's tests train on: columns
 * `t,level`, `level_t = 3 sin(t / 5) + 10` (4 decimals) for t = 0 … length − 1. Returns its path.
 *
 * @example
 * const csv = writeSineSeries(mkdtempSync(join(tmpdir(), 'run-')), 140);
 * // recurrent train forecast --csv <csv> --target level
 */
export function writeSineSeries(folder: string, length: number): string {
  const path = join(folder, 'series.csv');
  const rows = Array.from({ length }, (_, t) => `${t},${(Math.sin(t / 5) * 3 + 10).toFixed(4)}`);
  writeFileSync(path, `t,level\n${rows.join('\n')}\n`);
  return path;
}
