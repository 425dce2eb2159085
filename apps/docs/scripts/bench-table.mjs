#!/usr/bin/env node
// Runs the standard benchmarks and writes their tables, with the command, date and machine, to
// generated/bench-table.md, which the performance page includes:
//   node apps/docs/scripts/bench-table.mjs   (takes minutes; run on a quiet machine)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const docs = resolve(dirname(new URL(import.meta.url).pathname), '..');
const root = resolve(docs, '../..');
const run = (args) => execFileSync('pnpm', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const tableOf = (output) => output.split('\n').filter((line) => line.startsWith('|') || /^ms per step|^machine:|GFLOP/.test(line)).join('\n');

const load = loadavg().map((v) => v.toFixed(1)).join(' / ');
const rnn = run(['bench:rnn']);
const rnnThreads = run(['bench:rnn', '--threads', '2']);
const matmul = run(['bench:matmul']);
const text = `<!-- written by apps/docs/scripts/bench-table.mjs; do not edit by hand -->
## Measured figures

Measured on ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? 'an unknown CPU'} (${cpus().length} cores,
load average ${load} when the run started), Node ${process.version}.

### Recurrent layers: \`pnpm bench:rnn\` (one thread)

${tableOf(rnn)}

### Recurrent layers, two threads: \`pnpm bench:rnn --threads 2\`

${tableOf(rnnThreads)}

### Matrix product: \`pnpm bench:matmul\`

${tableOf(matmul)}
`;
mkdirSync(join(docs, 'generated'), { recursive: true });
writeFileSync(join(docs, 'generated/bench-table.md'), text);
console.log(`bench-table: wrote ${join(docs, 'generated/bench-table.md')}`);
