// `pnpm bench:rnn --backend native [--threads N] [--only lstm:s1,gru:s2] [--config FILE] [--no-pytorch]`:
// the standard recurrent benchmark (../shared/bench/configs.json) for the RNN / LSTM / GRU layers of
// @recurrent/layers on the native backend, with PyTorch measured in the same run, right after each
// of our rows, with the same OpenBLAS kernel family and N OpenBLAS threads (one intra-op thread,
// as in packages/layers/bench). It prints which BLAS PyTorch loaded and refuses ratios when that is
// netlib's reference BLAS.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Generator, randn } from '@recurrent/tensor';
import { backward, mean, mul, noGrad } from '@recurrent/autograd';
import { GRU, LSTM, RNN } from '@recurrent/layers';
import { createNativeBackend } from '../src/index.js';
import { pytorchReference, python } from './pytorchReference.js';

interface Shape { name: string; B: number; T: number; I: number; H: number }
interface Config { cells: string[]; shapes: Shape[]; modes: string[]; lr: number; seed: number; warmup: number; iters: number }
interface Row { cell: string; shape: string; mode: string; ms_per_step: number }

const argument = (flag: string) => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const here = import.meta.dirname;
const layersBench = resolve(here, '../../layers/bench');
const shared = resolve(here, '../../../../shared/bench/configs.json');
const configPath = resolve(argument('--config') ?? (existsSync(shared) ? shared : resolve(layersBench, 'configs.json')));
const config = JSON.parse(readFileSync(configPath, 'utf8')) as Config;
const only = argument('--only')?.split(',');
const threads = Number(argument('--threads') ?? 2);
const backend = createNativeBackend({ threads });
const torch = pytorchReference({ blasCore: backend.info.blasCore, skip: process.argv.includes('--no-pytorch'), threads });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// Each PyTorch row runs in a process of its own; ours share one, so the garbage of the rows before
// (a tape of s3 is hundreds of MB of typed arrays) is collected before each row starts, not by the
// collector's background threads while the row is timed.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function measure(cell: string, shape: Shape, mode: string): number {
  collectGarbage();
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

const pytorchRows = (cell: string, shape: string): Row[] =>
  execFileSync(python, [resolve(layersBench, 'pytorch_bench.py'), configPath, `${cell}:${shape}`], { encoding: 'utf8', env: torch.env, maxBuffer: 1 << 24 })
    .trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row);

const ours: Row[] = [];
const theirs: Row[] = [];
for (const cell of config.cells) {
  for (const shape of config.shapes) {
    if (only && !only.includes(`${cell}:${shape.name}`)) continue;
    for (const mode of config.modes) {
      const row = { impl: 'recurrent', backend: 'native', cell, shape: shape.name, mode, ms_per_step: measure(cell, shape, mode) };
      ours.push(row);
      console.log(JSON.stringify({ ...row, threads, B: shape.B, T: shape.T, I: shape.I, H: shape.H }));
    }
    if (torch.available) {
      for (const row of pytorchRows(cell, shape.name)) {
        theirs.push(row);
        console.log(JSON.stringify(row));
      }
    }
  }
}
const find = (rows: Row[], cell: string, shape: string, mode: string) => rows.find((r) => r.cell === cell && r.shape === shape && r.mode === mode)?.ms_per_step;
const format = (value: number | undefined) => (value === undefined ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (!torch.ratiosAllowed || a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
const { isa, blasCore } = backend.info;
console.log('');
console.log(`ms per step, train / inference (median of ${config.iters} after ${config.warmup} warm-ups); native backend: ${isa} gate kernels, OpenBLAS ${blasCore} kernels, ${threads} threads`);
console.log(torch.note);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (a load above the core count slows every column)`);
console.log('| cell | shape | native | PyTorch (this run) | native ÷ PyTorch (train, inf) |');
console.log('|---|---|---:|---:|---:|');
for (const cell of config.cells) {
  for (const shape of config.shapes) {
    if (only && !only.includes(`${cell}:${shape.name}`)) continue;
    const pair = (rows: Row[]) => `${format(find(rows, cell, shape.name, 'train'))} / ${format(find(rows, cell, shape.name, 'inference'))}`;
    const ratios = ['train', 'inference'].map((mode) => ratio(find(ours, cell, shape.name, mode), find(theirs, cell, shape.name, mode))).join(', ');
    console.log(`| ${cell} | ${shape.name} (${shape.B},${shape.T},${shape.I},${shape.H}) | ${pair(ours)} | ${pair(theirs)} | ${ratios} |`);
  }
}
