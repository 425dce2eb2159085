// pnpm parity [DIR] [--backend NAME] [--verbose]: runs every case of every file listed in
// DIR/index.json (default: the repository's copy of the PyTorch vectors, then every family file of
// test-vectors/local/) through the runner of its family, prints a line per family and ends with
// `parity: N passed, N failed`. A family without a runner counts its cases as failed. With
// `--backend gpujs` the recurrent layer families (layer, packed and the local variants)
// run on that backend (gpu.js in webasm mode in Node) and each family's line also shows the kernel
// fallbacks the backend counted. Exits non-zero on any failure.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type VectorCase, loadVectors, vectorsDir } from '@recurrent/test-vectors';
import type { Backend } from '../packages/tensor/src/index.js';

/** Where each family's case runner lives (each exports `runCase(testCase, root, backend?)`). */
const runners: Record<string, string> = {
  op: 'packages/autograd/test/parity/op.ts',
  optim: 'packages/optim/test/parity/optim.ts',
  cell: 'packages/cells/test/parity/cell.ts',
  layer: 'packages/layers/test/parity/layer.ts',
  packed: 'packages/layers/test/parity/layer.ts',
  lstm_peephole: 'packages/layers/test/parity/layer.ts',
  gru_reset_before: 'packages/layers/test/parity/layer.ts',
  lstm_hard_sigmoid: 'packages/layers/test/parity/layer.ts',
  gru_hard_sigmoid: 'packages/layers/test/parity/layer.ts',
  jordan: 'packages/layers/test/parity/jordan.ts',
  clockwork: 'packages/layers/test/parity/clockwork.ts',
  scrn: 'packages/layers/test/parity/scrn.ts',
  ctc: 'packages/layers/test/parity/ctc.ts',
  state_dict: 'packages/layers/test/parity/stateDict.ts',
  attention: 'packages/layers/test/parity/attention.ts',
  safetensors_layout: 'packages/tensor/test/parity/safetensorsLayout.ts',
  onnx_import: 'packages/onnx/test/parity/onnxImport.ts',
  schedule: 'packages/optim/test/parity/schedule.ts',
  min_rnn: 'packages/layers/test/parity/minRnn.ts',
  layer_norm_rnn: 'packages/layers/test/parity/layerNormRnn.ts',
};

/** Families whose runner takes a backend (the others always run on the CPU). */
const backendFamilies = new Set(['layer', 'packed', 'lstm_peephole', 'gru_reset_before', 'lstm_hard_sigmoid', 'gru_hard_sigmoid']);

/** A backend with counted kernel fallbacks (gpu.js), or a plain one. */
type ParityBackend = Backend & { fallbacks?: ReadonlyMap<string, number>; dispose?(): void };

/** The backends `--backend` takes, by name. */
const backends: Record<string, () => Promise<ParityBackend>> = {
  cpu: async () => (await load('packages/tensor/src/index.ts')).cpu,
  gpujs: async () => (await load('packages/backend-gpujs/src/index.ts')).createGpujsBackend({ mode: 'webasm' }),
  native: async () => (await load('packages/backend-native/src/index.ts')).createNativeBackend(),
};

/** Tolerance per backend for the families it runs (webasm and the CPU: float32 rounding only). */
const tolerances: Record<string, { absolute: number; relative: number } | undefined> = {};

type Runner = { runCase(testCase: VectorCase, root: string, backend?: Backend, tolerance?: { absolute: number; relative: number }): void | Promise<void> };

const repository = resolve(import.meta.dirname, '..');
// the packages by path: the repository root does not depend on them
const load = (path: string) => import(pathToFileURL(join(repository, path)).href);
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const backendAt = args.indexOf('--backend');
const backendName = backendAt >= 0 ? args[backendAt + 1] : 'cpu';
if (!(backendName in backends)) {
  console.error(`parity: expected --backend ${Object.keys(backends).join(' or ')}, got ${backendName ?? 'nothing'}`);
  process.exit(2);
}
const positional = args.filter((arg, i) => !arg.startsWith('--') && (backendAt < 0 || i !== backendAt + 1));
const root = resolve(positional[0] ?? vectorsDir);
if (!existsSync(join(root, 'index.json'))) {
  console.error(`parity: expected a vectors folder with index.json, got ${root}`);
  process.exit(2);
}
const backend = await backends[backendName]();
const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8'));
const sources: { file: string; family: string; root: string }[] = (index.files as { file: string; family: string }[]).map((entry) => ({ ...entry, root }));
// without a DIR: the repository's own families too (each file names its family in its header)
const localDir = join(repository, 'test-vectors/local');
if (positional[0] === undefined && existsSync(localDir)) {
  for (const file of readdirSync(localDir).filter((name) => name.endsWith('.json') && name !== 'index.json').sort()) {
    const header = loadVectors(file, localDir) as { family: string; schema_version?: number };
    // vector files only (the layer format, with a schema version); other local data has its own tests
    if (header.schema_version !== undefined) sources.push({ file, family: header.family, root: localDir });
  }
}
const totals = new Map<string, { passed: number; failed: number; notes: string[]; fallbacks: Map<string, number>; files: { file: string; fallbacks: Map<string, number> }[] }>();
for (const entry of sources) {
  const family = totals.get(entry.family) ?? { passed: 0, failed: 0, notes: [], fallbacks: new Map(), files: [] };
  totals.set(entry.family, family);
  const file = loadVectors(entry.file, entry.root);
  const path = runners[entry.family];
  let runner: Runner | null = null;
  if (path && existsSync(join(repository, path))) runner = (await import(pathToFileURL(join(repository, path)).href)) as Runner;
  if (!runner) {
    family.failed += file.cases.length;
    family.notes.push(`${entry.file}: no runner for family '${entry.family}'`);
    continue;
  }
  const onBackend = backendFamilies.has(entry.family);
  const before = new Map(backend.fallbacks ?? []);
  for (const testCase of file.cases) {
    try {
      if (onBackend) await runner.runCase(testCase, entry.root, backend, tolerances[backendName]);
      else await runner.runCase(testCase, entry.root);
      family.passed++;
    } catch (error) {
      family.failed++;
      const message = error instanceof Error ? error.message : String(error);
      if (family.notes.length < 5 || verbose) family.notes.push(`${entry.file} ${testCase.name}: ${message.split('\n').slice(0, 3).join(' | ')}`);
    }
  }
  const fileFallbacks = new Map<string, number>();
  for (const [kernel, count] of backend.fallbacks ?? []) {
    const added = count - (before.get(kernel) ?? 0);
    if (added > 0) family.fallbacks.set(kernel, (family.fallbacks.get(kernel) ?? 0) + added);
    if (added > 0) fileFallbacks.set(kernel, added);
  }
  family.files.push({ file: entry.file, fallbacks: fileFallbacks });
}
const listed = (fallbacks: Map<string, number>) => [...fallbacks].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
backend.dispose?.();
let passed = 0;
let failed = 0;
for (const [name, family] of totals) {
  passed += family.passed;
  failed += family.failed;
  const counted = backend.fallbacks ? `; fallbacks on ${backend.name}: ${listed(family.fallbacks)}` : '';
  console.log(`${name}: ${family.passed} passed, ${family.failed} failed${backendFamilies.has(name) ? counted : ''}`);
  // a family of several files (layer: lstm, lstm_proj, gru, rnn_tanh, rnn_relu) also shows each file's fallbacks
  if (backend.fallbacks && backendFamilies.has(name) && family.files.length > 1) {
    for (const { file, fallbacks } of family.files) console.log(`  ${file}: fallbacks ${listed(fallbacks)}`);
  }
  for (const note of family.notes) console.log(`  ${note}`);
}
console.log(`parity: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
