#!/usr/bin/env node
// node scripts/bench-ab.mjs --before REV [--rounds N] [bench:rnn options, e.g. --threads 2 --only lstm:s1]
//
// "No slowdown" measured, not asserted: runs `pnpm bench:rnn --no-pytorch …` (CPU backend) on the
// commit REV and on this working tree, alternately (before/after, then after/before, …, so that a
// load that rises or falls over the run weighs on both sides alike), and prints per row the median
// ms of each side and the median of the rounds' after ÷ before ratios with their range. REV is
// checked out once into a worktree under the system's temporary folder and set up there
// (`pnpm install --frozen-lockfile --offline`, then `pnpm build`); later runs reuse it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
function take(flag, fallback) {
  const at = args.indexOf(flag);
  if (at < 0) return fallback;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) fail(`${flag}: expected a value, got none`);
  args.splice(at, 2);
  return value;
}
function fail(message) {
  console.error(`bench-ab: ${message}`);
  process.exit(2);
}

const before = take('--before');
if (!before) fail('expected --before REV (a commit to compare with), got none');
const roundsText = take('--rounds', '3');
const rounds = Number(roundsText);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) fail(`--rounds: expected an integer in [1, 50], got ${roundsText}`);
if (args.includes('--no-pytorch') || args.includes('--backend')) fail('expected bench:rnn options other than --no-pytorch and --backend (the CPU backend, without PyTorch, is what is compared)');

const here = resolve(import.meta.dirname, '..');
const git = (...rest) => execFileSync('git', ['-C', here, ...rest], { encoding: 'utf8' }).trim();
let commit;
try {
  commit = git('rev-parse', '--verify', `${before}^{commit}`);
} catch {
  fail(`--before: expected a commit of this repository, got ${before}`);
}
const tree = join(tmpdir(), `recurrent-ab-${commit.slice(0, 12)}`);
if (!existsSync(join(tree, 'node_modules'))) {
  if (!existsSync(tree)) git('worktree', 'add', '--detach', tree, commit);
  console.error(`bench-ab: setting up ${commit.slice(0, 12)} in ${tree}`);
  const run = (command, commandArgs) => spawnSync(command, commandArgs, { cwd: tree, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } }).status === 0;
  if (!run('pnpm', ['install', '--frozen-lockfile', '--offline']) && !run('pnpm', ['install', '--frozen-lockfile'])) fail(`pnpm install failed in ${tree}`);
  if (!run('pnpm', ['build'])) fail(`pnpm build failed in ${tree}`);
}

/** One run of the benchmark in `cwd`: ms per step by `cell shape mode`. */
function bench(cwd) {
  const result = spawnSync('pnpm', ['bench:rnn', '--no-pytorch', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) fail(`pnpm bench:rnn failed in ${cwd}:\n${result.stderr}${result.stdout}`);
  const rows = new Map();
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const row = JSON.parse(line);
    if (row.impl === 'recurrent') rows.set(`${row.cell} ${row.shape} ${row.mode}`, row.ms_per_step);
  }
  return rows;
}

const sides = { before: tree, after: here };
const runs = { before: [], after: [] };
const loads = [loadavg()[0]];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
  for (const side of order) runs[side].push(bench(sides[side]));
  loads.push(loadavg()[0]);
  console.error(`bench-ab: round ${round + 1} of ${rounds} done`);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const keys = [...runs.after[0].keys()].filter((key) => runs.before.every((run) => run.has(key)));
console.log(`\nbench:rnn ${args.join(' ')} (CPU backend), ${rounds} alternating rounds: ${commit.slice(0, 12)} (before) against this tree (after)`);
console.log(`machine: load average (1 min) at the start and after each round: ${loads.map((l) => l.toFixed(1)).join(', ')}`);
console.log('| cell | shape | mode | before ms (median) | after ms (median) | after ÷ before (median of rounds) | range of rounds |');
console.log('|---|---|---|---:|---:|---:|---|');
for (const key of keys) {
  const [cell, shape, mode] = key.split(' ');
  const b = runs.before.map((run) => run.get(key));
  const a = runs.after.map((run) => run.get(key));
  const ratios = a.map((value, round) => value / b[round]);
  const format = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
  console.log(`| ${cell} | ${shape} | ${mode} | ${format(median(b))} | ${format(median(a))} | ${median(ratios).toFixed(3)} | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} |`);
}
