#!/usr/bin/env node
// Learning curves from `recurrent train --log-json` files: an SVG plot (the metric against the
// step) and a Markdown table of every evaluation, with each run's best value marked.
//
//   node apps/cli/scripts/learning-curves.mjs --svg OUT.svg LABEL=FILE.jsonl [LABEL=FILE.jsonl …]
//
// The table goes to stdout; runs are matched by step, so evaluations should fall at the same steps
// (`--eval-every-steps`). No dependencies; the SVG is plain text, the same for the same logs.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

function fail(message) {
  console.error(`learning-curves: ${message}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const svgAt = args.indexOf('--svg');
const svgPath = svgAt >= 0 ? args[svgAt + 1] : undefined;
if (svgAt >= 0 && !svgPath) fail('expected a path after --svg, got none');
const runArgs = svgAt >= 0 ? args.filter((_, k) => k !== svgAt && k !== svgAt + 1) : args;
if (runArgs.length === 0) fail('expected LABEL=FILE.jsonl arguments, got none');

const runs = runArgs.map((arg) => {
  const split = arg.indexOf('=');
  if (split <= 0) fail(`expected LABEL=FILE.jsonl, got '${arg}'`);
  const [label, file] = [arg.slice(0, split), arg.slice(split + 1)];
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${file} (${error.code ?? error.message})`);
  }
  const points = text.trim().split('\n').filter(Boolean).map((line, k) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      fail(`${file}:${k + 1}: expected a JSON line, got '${line.slice(0, 40)}'`);
    }
    if (!Number.isInteger(entry.step) || !Number.isFinite(entry.value)) fail(`${file}:${k + 1}: expected integer step and finite value, got ${line.slice(0, 80)}`);
    return { step: entry.step, value: entry.value, metric: entry.metric };
  });
  if (points.length === 0) fail(`${file}: expected evaluations, got none`);
  const best = points.reduce((a, b) => (b.value < a.value ? b : a));
  return { label, points, best };
});
const metric = runs[0].points[0].metric;

// the table: one row per step any run evaluated, the best of each run in bold
const steps = [...new Set(runs.flatMap((run) => run.points.map((p) => p.step)))].sort((a, b) => a - b);
console.log(`| step | ${runs.map((run) => `${run.label}: ${metric}`).join(' | ')} |`);
console.log(`|---:|${runs.map(() => '---:').join('|')}|`);
for (const step of steps) {
  const cells = runs.map((run) => {
    const point = run.points.find((p) => p.step === step);
    if (!point) return '';
    const text = point.value.toFixed(4);
    return point === run.best ? `**${text}**` : text;
  });
  console.log(`| ${step} | ${cells.join(' | ')} |`);
}
console.log('');
for (const run of runs) console.log(`best ${run.label}: ${run.best.value.toFixed(4)} at step ${run.best.step}`);

if (svgPath) {
  const [width, height, left, right, bottom] = [640, 360, 56, 16, 40];
  const top = 24 + 16 * runs.length;
  const all = runs.flatMap((run) => run.points);
  const xMax = Math.max(...all.map((p) => p.step));
  const values = all.map((p) => p.value);
  const [yMin, yMax] = [Math.floor(Math.min(...values) * 20) / 20, Math.ceil(Math.max(...values) * 20) / 20];
  const x = (step) => left + ((width - left - right) * step) / xMax;
  const y = (value) => top + ((height - top - bottom) * (yMax - value)) / (yMax - yMin);
  const colours = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd'];
  const f = (v) => v.toFixed(1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  for (let k = 0; k <= 5; k++) {
    const value = yMin + ((yMax - yMin) * k) / 5;
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${f(y(value))}" y2="${f(y(value))}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${f(y(value) + 4)}" text-anchor="end">${value.toFixed(2)}</text>`);
  }
  const tick = 10 ** Math.floor(Math.log10(xMax)) / (xMax / 10 ** Math.floor(Math.log10(xMax)) < 3 ? 2 : 1);
  for (let step = 0; step <= xMax; step += tick) {
    parts.push(`<line x1="${f(x(step))}" x2="${f(x(step))}" y1="${top}" y2="${height - bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${f(x(step))}" y="${height - bottom + 16}" text-anchor="middle">${step}</text>`);
  }
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - 6}" text-anchor="middle">optimizer step</text>`);
  parts.push(`<text x="14" y="${(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(top + height - bottom) / 2})">validation ${metric}</text>`);
  runs.forEach((run, r) => {
    const colour = colours[r % colours.length];
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${run.points.map((p) => `${f(x(p.step))},${f(y(p.value))}`).join(' ')}"/>`);
    parts.push(`<circle cx="${f(x(run.best.step))}" cy="${f(y(run.best.value))}" r="4" fill="${colour}"/>`);
    parts.push(`<text x="${left}" y="${16 + 16 * r}" fill="${colour}">${run.label} (best ${run.best.value.toFixed(4)} at step ${run.best.step})</text>`);
  });
  parts.push('</svg>');
  const temporary = `${svgPath}.tmp-${process.pid}`;
  writeFileSync(temporary, `${parts.join('\n')}\n`);
  renameSync(temporary, svgPath);
}
