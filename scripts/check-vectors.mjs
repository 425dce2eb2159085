#!/usr/bin/env node
// Notices when the repository's copies of the shared vectors (test-vectors/pytorch, the PyTorch
// vectors; test-vectors/onnx, the ONNX import models) differ from the shared source folders beside
// the checkout (../shared/fixtures/pytorch, ../shared/fixtures/onnx). Without such a folder (a
// clone elsewhere) it says so and checks the copy against its own index.json instead.
// `node scripts/check-vectors.mjs [PYTORCH_SOURCE [ONNX_SOURCE]]` names other source folders.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const copies = [
  { copy: join(root, 'test-vectors/pytorch'), shared: process.argv[2] ? resolve(process.argv[2]) : resolve(root, '../shared/fixtures/pytorch') },
  { copy: join(root, 'test-vectors/onnx'), shared: process.argv[3] ? resolve(process.argv[3]) : resolve(root, '../shared/fixtures/onnx') },
];
const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

const problems = [];
for (const { copy, shared } of copies) {
  const index = JSON.parse(readFileSync(join(copy, 'index.json'), 'utf8'));
  for (const entry of index.files) {
    for (const item of [entry, ...(entry.assets ?? [])]) {
      const path = join(copy, item.file);
      if (!existsSync(path)) problems.push(`missing in ${relative(root, copy)}: ${item.file}`);
      else if (sha(path) !== item.sha256) problems.push(`${relative(root, copy)} differs from its index.json: ${item.file}`);
    }
  }
  if (existsSync(shared)) {
    const data = (dir) => walk(dir).map((p) => relative(dir, p)).filter((p) => p !== 'README.md' && p !== 'FORMAT.md').sort();
    const ours = data(copy);
    const theirs = data(shared);
    for (const file of theirs) {
      if (!ours.includes(file)) problems.push(`in ${shared} but not in ${relative(root, copy)}: ${file}`);
      else if (sha(join(copy, file)) !== sha(join(shared, file))) problems.push(`differs from ${shared}: ${file}`);
    }
    for (const file of ours) if (!theirs.includes(file)) problems.push(`in ${relative(root, copy)} but not in ${shared}: ${file}`);
    console.log(`check-vectors: compared ${ours.length} files with ${shared}`);
  } else {
    console.log(`check-vectors: ${shared} not found; checked the copy against its index.json only`);
  }
}
if (problems.length) {
  console.error(problems.map((p) => `check-vectors: ${p}`).join('\n'));
  process.exit(1);
}
console.log('check-vectors: the copies are intact');
