#!/usr/bin/env node
// Every published package must work installed alone: pack each one (pnpm turns workspace:^ into
// real versions), install the tarballs into an empty plain-npm project, import each package in
// Node, and run publint on each package folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const packages = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

const failures = [];
const work = mkdtempSync(join(tmpdir(), 'recurrent-pack-'));
const tarballs = [];
for (const { dir, manifest } of packages) {
  try {
    const lint = run('pnpm', ['exec', 'publint', '--strict', dir], root);
    if (/error|warning/i.test(lint) && !/All good/i.test(lint)) failures.push(`publint ${manifest.name}:\n${lint}`);
  } catch (error) {
    failures.push(`publint ${manifest.name}: ${error.stdout ?? ''}${error.stderr ?? error.message}`);
  }
  const out = run('pnpm', ['pack', '--pack-destination', work], dir).trim().split('\n').pop();
  tarballs.push(out.startsWith('/') ? out : join(work, out));
}
const project = join(work, 'consumer');
run('mkdir', ['-p', project], work);
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], project);
for (const { manifest } of packages) {
  const script = `const m = await import(${JSON.stringify(manifest.name)}); if (Object.keys(m).length === 0) throw new Error('no exports');`;
  try {
    run('node', ['--input-type=module', '-e', script], project);
    console.log(`check-packages: ${manifest.name} installs alone and imports (${Object.keys(manifest.exports).length - 1} entry points)`);
  } catch (error) {
    failures.push(`import ${manifest.name}: ${error.stderr ?? error.message}`);
  }
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`check-packages: ${packages.length} packages packed, installed with plain npm, imported; publint clean`);
