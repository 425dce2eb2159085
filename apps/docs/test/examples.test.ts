// Every example the guides include (apps/docs/examples/*.ts) runs in Node as written.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const examples = resolve(import.meta.dirname, '../examples');
const root = resolve(import.meta.dirname, '../../..');
const tsx = join(root, 'node_modules/.bin/tsx');

describe('the guides\' examples', () => {
  it.each(readdirSync(examples).filter((file) => file.endsWith('.ts')))('%s runs and prints its results', (file) => {
    const output = execFileSync(tsx, ['--conditions=source', join(examples, file)], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(output.trim().length).toBeGreaterThan(0);
    expect(output).not.toMatch(/NaN/);
  });
});
