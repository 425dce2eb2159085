import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';

// The README's TypeScript examples run as written (those that need the network are left out).
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]).filter((code) => !code.includes('fetch('));
const directory = mkdtempSync(join(tmpdir(), 'recurrent-data-readme-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it('has runnable examples', () => expect(blocks.length).toBeGreaterThanOrEqual(3));

it.each(blocks.map((code, index) => [index, code]))('README example %i runs', async (index, code) => {
  const source = (code as string)
    .replaceAll("from '@recurrent/data/node'", `from '${join(root, 'src/node/index.ts')}'`)
    .replaceAll("from '@recurrent/data'", `from '${join(root, 'src/index.ts')}'`);
  const file = join(directory, `example${index}.ts`);
  writeFileSync(file, source);
  await import(/* @vite-ignore */ pathToFileURL(file).href);
});
