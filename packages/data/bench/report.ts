/** One benchmark figure, printed as a JSON line and collected for the closing table. */
export interface Figure {
  bench: string;
  case: string;
  value: number;
  unit: string;
  seconds: number;
}

/** Prints a figure as one JSON line and returns it. */
export function report(figure: Figure): Figure {
  console.log(JSON.stringify(figure));
  return figure;
}

/** Prints figures as an aligned table. */
export function table(figures: Figure[]): void {
  const rows = figures.map((f) => [f.bench, f.case, f.value.toExponential(3), f.unit, f.seconds.toFixed(2)]);
  const header = ['bench', 'case', 'value', 'unit', 'seconds'];
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k].length)));
  const line = (cells: string[]) => cells.map((cell, k) => cell.padEnd(widths[k])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}
