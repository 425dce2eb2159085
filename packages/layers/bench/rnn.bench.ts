// `pnpm bench:rnn [--config FILE] [--only lstm:s1,gru:s2] [--threads N] [--no-pytorch] [--no-min-rnn]`: the
// standard recurrent benchmark (../shared/bench/configs.json, "about" says what a step is) for our
// fused RNN / LSTM / GRU layers, PyTorch measured in the same run when Debian's python3-torch is
// installed, and the reference figures of reference.md beside them. `--threads N` (default 1) runs
// the layers on a CPU backend whose matrix products use N threads (createThreadedGemm); PyTorch's
// OpenBLAS uses all cores for its products, so `--threads 2` on two cores is the like-for-like row.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { type Backend, Generator, createCpuBackend, createThreadedGemm, randn } from '@recurrent/tensor';
import { backward, mean, mul, noGrad } from '@recurrent/autograd';
import { GRU, LSTM, RNN } from '../src/index.js';
import { runMinRnnBench } from './minRnn.bench.js';

interface Shape { name: string; B: number; T: number; I: number; H: number }
interface Config { cells: string[]; shapes: Shape[]; modes: string[]; lr: number; seed: number; warmup: number; iters: number }
interface Row { cell: string; shape: string; mode: string; ms_per_step: number }

const here = import.meta.dirname;
const argument = (flag: string) => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const shared = resolve(here, '../../../../shared/bench/configs.json');
const configPath = resolve(argument('--config') ?? (existsSync(shared) ? shared : resolve(here, 'configs.json')));
const config = JSON.parse(readFileSync(configPath, 'utf8')) as Config;
const only = argument('--only')?.split(',');
const threadCount = Number(argument('--threads') ?? 1);
const threaded = threadCount > 1 ? await createThreadedGemm({ threads: threadCount }) : null;
const backend: Backend | undefined = threaded ? createCpuBackend({ kernels: threaded.kernels, name: `cpu-${threadCount}-threads` }) : undefined;
const referencePath = [resolve(dirname(configPath), 'reference.md'), resolve(here, 'reference.md')].find(existsSync);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function measure(cell: string, shape: Shape, mode: string): number {
  const generator = new Generator(config.seed);
  const options = { inputSize: shape.I, hiddenSize: shape.H, batchFirst: true, generator, backend };
  const layer = cell === 'lstm' ? new LSTM(options) : cell === 'gru' ? new GRU(options) : new RNN(options);
  const x = randn([shape.B, shape.T, shape.I], generator, { backend });
  const parameters = layer.parameters();
  const step = () => {
    if (mode === 'inference') {
      noGrad(() => layer.forward(x));
      return;
    }
    const { output } = layer.forward(x);
    backward(mean(mul(output, output)));
    for (const p of parameters) {
      const value = p.value.data;
      const gradient = p.grad!.data;
      for (let i = 0; i < value.length; i++) value[i] -= config.lr * gradient[i];
      p.zeroGrad();
    }
  };
  for (let i = 0; i < config.warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < config.iters; i++) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  return median(times);
}

const python = '/usr/bin/python3';

/** Whether PyTorch can be measured here, and what the table should say about it. */
function pytorchStatus(): { available: boolean; note: string } {
  if (process.argv.includes('--no-pytorch')) return { available: false, note: 'PyTorch: skipped (--no-pytorch)' };
  try {
    const version = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
    return { available: true, note: `PyTorch ${version} measured in this run, right after each of our rows (/usr/bin/python3, torch.set_num_threads(1))` };
  } catch {
    return { available: false, note: 'PyTorch: not available here (apt-get install -y python3-torch libopenblas0-pthread); reference.md figures shown instead' };
  }
}

/** PyTorch's rows for one cell and shape (both modes), measured now so both sides see the same load. */
function pytorchRows(cell: string, shape: string): Row[] {
  const output = execFileSync(python, [resolve(here, 'pytorch_bench.py'), configPath, `${cell}:${shape}`], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return output.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row);
}

/** `cell|shape → { column: "train / inference" }` from reference.md's table. */
function referenceFigures(): { columns: string[]; figures: Map<string, string[]> } {
  const figures = new Map<string, string[]>();
  if (!referencePath) return { columns: [], figures };
  const lines = readFileSync(referencePath, 'utf8').split('\n').filter((line) => line.startsWith('|'));
  const columns = lines[0].split('|').slice(3, -1).map((c) => c.trim());
  for (const line of lines.slice(2)) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    figures.set(`${cells[0]}|${cells[1].split(' ')[0]}`, cells.slice(2));
  }
  return { columns, figures };
}

const ours: Row[] = [];
const torch = { ...pytorchStatus(), rows: [] as Row[] };
for (const cell of config.cells) {
  for (const shape of config.shapes) {
    if (only && !only.includes(`${cell}:${shape.name}`)) continue;
    for (const mode of config.modes) {
      const row = { impl: 'recurrent', cell, shape: shape.name, mode, ms_per_step: measure(cell, shape, mode) };
      ours.push(row);
      console.log(JSON.stringify({ ...row, B: shape.B, T: shape.T, I: shape.I, H: shape.H }));
    }
    if (torch.available) {
      for (const row of pytorchRows(cell, shape.name)) {
        torch.rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
  }
}
const reference = referenceFigures();
const find = (rows: Row[], cell: string, shape: string, mode: string) => rows.find((r) => r.cell === cell && r.shape === shape && r.mode === mode)?.ms_per_step;
const format = (value: number | undefined) => (value === undefined ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const pair = (rows: Row[], cell: string, shape: string) => `${format(find(rows, cell, shape, 'train'))} / ${format(find(rows, cell, shape, 'inference'))}`;
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
const referenceTfjs = (cell: string, shape: string, mode: number) => {
  const text = reference.figures.get(`${cell}|${shape}`)?.[reference.columns.indexOf('tfjs-wasm')];
  const value = Number(text?.split('/')[mode]?.trim());
  return Number.isFinite(value) ? value : undefined;
};
console.log('');
console.log(`ms per step, train / inference (median of ${config.iters} after ${config.warmup} warm-ups); recurrent's matrix products on ${threaded ? `${threaded.threads} threads` : '1 thread'}; ${torch.note}`);
console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (a load above the core count slows every column)`);
console.log(`| cell | shape | recurrent | PyTorch (this run) | recurrent ÷ PyTorch (train, inf) | ${reference.columns.map((c) => `${c} (reference.md)`).join(' | ')} | tfjs-wasm ÷ recurrent (train, inf) |`);
console.log(`|---|---|---:|---:|---:|${reference.columns.map(() => '---:').join('|')}|---:|`);
for (const cell of config.cells) {
  for (const shape of config.shapes) {
    if (only && !only.includes(`${cell}:${shape.name}`)) continue;
    const trainOurs = find(ours, cell, shape.name, 'train');
    const inferenceOurs = find(ours, cell, shape.name, 'inference');
    const versusTorch = `${ratio(trainOurs, find(torch.rows, cell, shape.name, 'train'))}, ${ratio(inferenceOurs, find(torch.rows, cell, shape.name, 'inference'))}`;
    const versusTfjs = `${ratio(referenceTfjs(cell, shape.name, 0), trainOurs)}, ${ratio(referenceTfjs(cell, shape.name, 1), inferenceOurs)}`;
    const referenceCells = reference.columns.map((_, i) => reference.figures.get(`${cell}|${shape.name}`)?.[i] ?? '–');
    console.log(`| ${cell} | ${shape.name} (${shape.B},${shape.T},${shape.I},${shape.H}) | ${pair(ours, cell, shape.name)} | ${pair(torch.rows, cell, shape.name)} | ${versusTorch} | ${referenceCells.join(' | ')} | ${versusTfjs} |`);
  }
}
// the min-RNN rows beside the LSTM of the same width (skip with --only, or --no-min-rnn)
if (!only && !process.argv.includes('--no-min-rnn')) {
  console.log('');
  runMinRnnBench(backend);
}
threaded?.dispose();
