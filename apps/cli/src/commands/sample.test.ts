import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'recurrent.mjs');
let folder = '';
const recurrent = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: folder, encoding: 'utf8', timeout: 120_000 });

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'recurrent-sample-'));
  // a small names model with weight-drop, locked dropout and its own embedding rate
  const trained = recurrent('train', 'names', '--hidden-size', '16', '--embedding-size', '8', '--epochs', '0.02', '--eval-every', '1000', '--no-progress',
    '--weight-drop', '0.3', '--locked-dropout', '0.2', '--embedding-lr', '0.01', '--sample-length', '0', '--out', 'run');
  expect(trained.status, trained.stderr).toBe(0);
}, 180_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('recurrent sample', () => {
  it('keeps the prime, and --top-k 1 is greedy whatever the seed', () => {
    const a = recurrent('sample', 'run', '--length', '30', '--prime', 'Ma', '--top-k', '1', '--seed', '1');
    const b = recurrent('sample', 'run', '--length', '30', '--prime', 'Ma', '--top-k', '1', '--seed', '2');
    expect(a.status, a.stderr).toBe(0);
    for (const name of a.stdout.trim().split(' ')) expect(name.startsWith('Ma')).toBe(true);
    expect(b.stdout).toBe(a.stdout);
    const greedy = recurrent('sample', 'run', '--length', '30', '--prime', 'Ma', '--temperature', '0', '--seed', '3');
    expect(greedy.stdout).toBe(a.stdout);
  });

  it('samples the nucleus with --top-p and names bad values', () => {
    const nucleus = recurrent('sample', 'run', '--length', '40', '--top-p', '0.9', '--seed', '4');
    expect(nucleus.status, nucleus.stderr).toBe(0);
    expect(nucleus.stdout.trim().length).toBeGreaterThan(0);
    const zero = recurrent('sample', 'run', '--top-p', '0');
    expect(zero.status).toBe(2);
    expect(zero.stderr.trim()).toBe("recurrent sample: --top-p expected a number in (0, 1], got '0'");
    const tooMany = recurrent('sample', 'run', '--top-k', '0');
    expect(tooMany.status).toBe(2);
  });
});
