// pnpm parity [DIR]: runs every case of every file listed in DIR/index.json (default: the
// repository's copy of the PyTorch vectors) through the runner of its family, prints a line per
// family and ends with `parity: N passed, N failed`. A family without a runner counts its cases
// as failed. Exits non-zero on any failure.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type VectorCase, loadVectors, vectorsDir } from '@recurrent/test-vectors';

/** Where each family's case runner lives (each exports `runCase(testCase, root)`). */
const runners: Record<string, string> = {
  op: 'packages/autograd/test/parity/op.ts',
  optim: 'packages/optim/test/parity/optim.ts',
  cell: 'packages/cells/test/parity/cell.ts',
  layer: 'packages/layers/test/parity/layer.ts',
  packed: 'packages/layers/test/parity/layer.ts',
  jordan: 'packages/layers/test/parity/jordan.ts',
  clockwork: 'packages/layers/test/parity/clockwork.ts',
  scrn: 'packages/layers/test/parity/scrn.ts',
  ctc: 'packages/layers/test/parity/ctc.ts',
  state_dict: 'packages/layers/test/parity/stateDict.ts',
  onnx_import: 'packages/onnx/test/parity/onnxImport.ts',
};

type Runner = { runCase(testCase: VectorCase, root: string): void | Promise<void> };

const repository = resolve(import.meta.dirname, '..');
const root = resolve(process.argv[2] ?? vectorsDir);
const verbose = process.argv.includes('--verbose');
if (!existsSync(join(root, 'index.json'))) {
  console.error(`parity: expected a vectors folder with index.json, got ${root}`);
  process.exit(2);
}
const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8'));
const totals = new Map<string, { passed: number; failed: number; notes: string[] }>();
for (const entry of index.files as { file: string; family: string }[]) {
  const family = totals.get(entry.family) ?? { passed: 0, failed: 0, notes: [] };
  totals.set(entry.family, family);
  const file = loadVectors(entry.file, root);
  const path = runners[entry.family];
  let runner: Runner | null = null;
  if (path && existsSync(join(repository, path))) runner = (await import(pathToFileURL(join(repository, path)).href)) as Runner;
  if (!runner) {
    family.failed += file.cases.length;
    family.notes.push(`${entry.file}: no runner for family '${entry.family}'`);
    continue;
  }
  for (const testCase of file.cases) {
    try {
      await runner.runCase(testCase, root);
      family.passed++;
    } catch (error) {
      family.failed++;
      const message = error instanceof Error ? error.message : String(error);
      if (family.notes.length < 5 || verbose) family.notes.push(`${entry.file} ${testCase.name}: ${message.split('\n').slice(0, 3).join(' | ')}`);
    }
  }
}
let passed = 0;
let failed = 0;
for (const [name, family] of totals) {
  passed += family.passed;
  failed += family.failed;
  console.log(`${name}: ${family.passed} passed, ${family.failed} failed`);
  for (const note of family.notes) console.log(`  ${note}`);
}
console.log(`parity: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
