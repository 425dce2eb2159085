import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints } from './checkpoint/checkpoint.js';
import { processAlive } from './run/runLock.js';
import { writeSineSeries } from './testing/sineSeries.js';

// The launcher end to end (issue 20): kill -9 leaves no trainer, --help everywhere, one-line errors.
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'recurrent.mjs');
let folder = '';
let csv = '';
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'recurrent-launcher-'));
  csv = writeSineSeries(folder, 160);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function recurrent(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: folder, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the recurrent launcher', () => {
  it('--help on every subcommand prints its usage and exits 0 (train said "Unknown option \'--help\'")', () => {
    for (const command of ['train', 'sample', 'eval', 'export']) {
      const result = recurrent(command, '--help');
      expect(result.code, command).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^usage: recurrent ${command} `));
      expect(result.stderr).toBe('');
    }
    expect(recurrent('train', 'names', '-h').stdout).toContain('--max-memory GB');
  });

  it('kill -9 of the launcher: the trainer is gone within 2 s, and resuming afterwards works', async () => {
    const run = join(folder, 'killed');
    const launcher = spawn(process.execPath, [bin, 'train', 'forecast', '--csv', csv, '--target', 'level', '--hidden-size', '8', '--bptt', '8', '--budget', '60', '--eval-every', '0.2', '--checkpoint-every', '5', '--no-progress', '--out', run], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    launcher.stdout.on('data', (chunk) => (output += chunk));
    launcher.stderr.on('data', (chunk) => (output += chunk));
    // training has started once the first evaluation is logged; the lock holds the trainer's pid
    for (let waited = 0; !output.includes('validation_rmse') && waited < 40_000; waited += 100) await sleep(100);
    expect(output).toContain('validation_rmse');
    const trainer = Number(readFileSync(join(run, '.lock'), 'utf8'));
    expect(trainer).not.toBe(launcher.pid);
    expect(processAlive(trainer)).toBe(true);
    const killedAt = Date.now();
    launcher.kill('SIGKILL');
    while (processAlive(trainer) && Date.now() - killedAt < 5_000) await sleep(50);
    expect(processAlive(trainer)).toBe(false);
    expect(Date.now() - killedAt).toBeLessThan(2_000);
    // the orphaned trainer checkpointed (SIGTERM at its next step) and released its lock, or, on
    // a machine too loaded to finish that in 1.2 s, was killed and left a stale lock resume takes over
    if (existsSync(join(run, '.lock'))) expect(processAlive(Number(readFileSync(join(run, '.lock'), 'utf8')))).toBe(false);
    const step = Number(listCheckpoints(run).at(-1)!.slice(-9));
    const resumed = recurrent('train', 'forecast', '--resume', run, '--budget', '1', '--eval-every', '0');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`at step ${step}`);
    expect(Number(listCheckpoints(run).at(-1)!.slice(-9))).toBeGreaterThan(step);
  }, 90_000);

  it('sample --prime with characters the model never saw is one line, exit 2 (a stack trace, exit 70)', () => {
    const run = join(folder, 'names');
    const trained = recurrent('train', 'names', '--hidden-size', '8', '--embedding-size', '4', '--budget', '0.3', '--eval-every', '0', '--sample-length', '0', '--no-progress', '--out', run);
    expect(trained.code, trained.stderr).toBe(0);
    const result = recurrent('sample', run, '--prime', '@@#€');
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([`recurrent sample: --prime expected characters of the model's vocabulary, got "@", "#", "€" (not in it)`]);
    expect(recurrent('sample', run, '--prime', 'An', '--length', '5').code).toBe(0);
  }, 90_000);
});
