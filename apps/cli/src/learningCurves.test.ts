import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// scripts/learning-curves.mjs: the README's plot and table of `--log-json` files
const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'learning-curves.mjs');
const folder = mkdtempSync(join(tmpdir(), 'recurrent-curves-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const log = (name: string, values: number[]) => {
  const file = join(folder, name);
  writeFileSync(file, values.map((value, k) => JSON.stringify({ train_s: k, step: 10 * (k + 1), metric: 'bits_per_char', value })).join('\n') + '\n');
  return file;
};
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

describe('learning-curves.mjs', () => {
  it('tables every step with each run\'s best in bold and draws one polyline per run', () => {
    const a = log('a.jsonl', [3, 2.5, 2.7]);
    const b = log('b.jsonl', [3.1, 2.6, 2.4, 2.45]);
    const svg = join(folder, 'curves.svg');
    const result = run('--svg', svg, `plain=${a}`, `regularised=${b}`);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('| step | plain: bits_per_char | regularised: bits_per_char |');
    expect(result.stdout).toContain('| 20 | **2.5000** | 2.6000 |');
    expect(result.stdout).toContain('| 40 |  | 2.4500 |');
    expect(result.stdout).toContain('best regularised: 2.4000 at step 30');
    const drawn = readFileSync(svg, 'utf8');
    expect(drawn.match(/<polyline/g)).toHaveLength(2);
    expect(drawn).toContain('plain (best 2.5000 at step 20)');
  });

  it('bad input is one line naming it, exit 2', () => {
    const broken = join(folder, 'broken.jsonl');
    writeFileSync(broken, '{"step": 1, "value": 2}\nnot json\n');
    for (const [args, message] of [
      [[], 'expected LABEL=FILE.jsonl arguments, got none'],
      [['plain'], "expected LABEL=FILE.jsonl, got 'plain'"],
      [[`x=${join(folder, 'absent.jsonl')}`], 'ENOENT'],
      [[`x=${broken}`], "broken.jsonl:2: expected a JSON line, got 'not json'"],
    ] as const) {
      const result = run(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
