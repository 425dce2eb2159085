#!/usr/bin/env node
// Every published package must work installed alone: pack each one (pnpm turns workspace: ranges
// into real ones), install each into its own empty plain-npm project with only the @recurrent
// packages it needs, import it in Node, and run publint on each package folder.
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
// Each package alone: an empty plain-npm project gets its tarball and those of the @recurrent
// packages it needs (dependencies and peers, transitively), nothing else.
const byName = new Map(packages.map(({ manifest }, i) => [manifest.name, { manifest, tarball: tarballs[i] }]));
const closure = (name, seen = new Set()) => {
  if (seen.has(name) || !byName.has(name)) return seen;
  seen.add(name);
  const { manifest } = byName.get(name);
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) closure(dep, seen);
  return seen;
};
for (const { manifest } of packages) {
  const project = join(work, manifest.name.replace('/', '-'));
  run('mkdir', ['-p', project], work);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const needed = [...closure(manifest.name)];
  try {
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...needed.map((name) => byName.get(name).tarball)], project);
    const script = `const m = await import(${JSON.stringify(manifest.name)}); if (Object.keys(m).length === 0) throw new Error('no exports');`;
    run('node', ['--input-type=module', '-e', script], project);
    console.log(`check-packages: ${manifest.name} installs alone (with ${needed.length - 1} @recurrent packages it needs) and imports`);
  } catch (error) {
    failures.push(`install/import ${manifest.name}: ${error.stderr ?? error.message}`);
  }
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`check-packages: ${packages.length} packages packed, installed with plain npm, imported; publint clean`);
