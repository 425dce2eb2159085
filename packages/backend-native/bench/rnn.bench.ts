// `pnpm bench:rnn --backend native [--threads N] [--only lstm:s1,gru:s2] [--config FILE] [--no-pytorch]`:
// the standard recurrent benchmark (../shared/bench/configs.json) for the RNN / LSTM / GRU layers of
// @recurrent/layers on the native backend, with PyTorch measured in the same run, in blocks that
// alternate with ours (one warm PyTorch process), with the same OpenBLAS kernel family and N OpenBLAS threads (one intra-op thread,
// as in packages/layers/bench). It prints which BLAS PyTorch loaded and refuses ratios when that is
// netlib's reference BLAS.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
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

// The garbage of the rows before (a tape of s3 is hundreds of MB of typed arrays) is collected
// before each row starts, not by the collector's background threads while the row is timed.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

// Each row: both sides warm up (at least the config's count and warmupMs), then `rounds` blocks of
// ours and of PyTorch's alternate (each block at least blockMs and two steps), and each side's
// figure is the median of all its timed steps. A burst of load on this shared machine then falls on
// both sides' blocks alike, not on whichever side happened to run during it.
const warmupMs = 500;
const blockMs = 250;
const rounds = 4;
const blockSteps = Math.max(2, Math.ceil(config.iters / rounds));

// A pause before each block: OpenBLAS's idle threads in the PyTorch process keep spinning (and
// yielding) for a while after a product, our collector's threads may still sweep after our block;
// neither should fall into the other side's block.
const settleMs = 150;
const settle = () => new Promise((wake) => setTimeout(wake, settleMs));

/** Runs `step` at least `steps` times and for at least `ms`; the ms of each. */
function runSteps(step: () => void, steps: number, ms: number): number[] {
  const times: number[] = [];
  while (times.length < steps || times.reduce((a, b) => a + b, 0) < ms) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  return times;
}

function ourStep(cell: string, shape: Shape, mode: string): () => void {
  const generator = new Generator(config.seed);
  const options = { inputSize: shape.I, hiddenSize: shape.H, batchFirst: true, generator, backend };
  const layer = cell === 'lstm' ? new LSTM(options) : cell === 'gru' ? new GRU(options) : new RNN(options);
  const x = randn([shape.B, shape.T, shape.I], generator, { backend });
  const parameters = layer.parameters();
  return () => {
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
}

/** PyTorch's side: one warm process (pytorch_bench.py --serve) that times blocks on request. */
function pytorchServer() {
  const child = spawn(python, [resolve(layersBench, 'pytorch_bench.py'), configPath, '--serve'], { env: torch.env, stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(line));
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`pytorch_bench.py --serve: exited with code ${code}`))));
  return {
    async run(request: { cell: string; shape: string; mode: string; steps: number; seconds: number }): Promise<number[]> {
      const answer = new Promise<string>((resolveLine) => waiting.push(resolveLine));
      child.stdin.write(`${JSON.stringify(request)}\n`);
      return (JSON.parse(await Promise.race([answer, exited])) as { times: number[] }).times;
    },
    close: () => child.stdin.end(),
  };
}

const server = torch.available ? pytorchServer() : null;
const ours: Row[] = [];
const theirs: Row[] = [];
for (const cell of config.cells) {
  for (const shape of config.shapes) {
    if (only && !only.includes(`${cell}:${shape.name}`)) continue;
    for (const mode of config.modes) {
      collectGarbage();
      const step = ourStep(cell, shape, mode);
      const request = { cell, shape: shape.name, mode };
      runSteps(step, config.warmup, warmupMs);
      await server?.run({ ...request, steps: config.warmup, seconds: warmupMs / 1000 });
      const ourTimes: number[] = [];
      const theirTimes: number[] = [];
      for (let round = 0; round < rounds; round++) {
        await settle();
        ourTimes.push(...runSteps(step, blockSteps, blockMs));
        if (!server) continue;
        await settle();
        theirTimes.push(...(await server.run({ ...request, steps: blockSteps, seconds: blockMs / 1000 })));
      }
      const row = { impl: 'recurrent', backend: 'native', cell, shape: shape.name, mode, ms_per_step: median(ourTimes) };
      ours.push(row);
      console.log(JSON.stringify({ ...row, steps: ourTimes.length, threads, B: shape.B, T: shape.T, I: shape.I, H: shape.H }));
      if (server) {
        const theirRow = { impl: 'pytorch', cell, shape: shape.name, mode, ms_per_step: median(theirTimes) };
        theirs.push(theirRow);
        console.log(JSON.stringify({ ...theirRow, steps: theirTimes.length }));
      }
    }
  }
}
server?.close();
const find = (rows: Row[], cell: string, shape: string, mode: string) => rows.find((r) => r.cell === cell && r.shape === shape && r.mode === mode)?.ms_per_step;
const format = (value: number | undefined) => (value === undefined ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (!torch.ratiosAllowed || a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
const { isa, blasCore } = backend.info;
console.log('');
console.log(`ms per step, train / inference (each side: median of ${rounds} interleaved blocks of ≥ ${blockSteps} steps and ≥ ${blockMs / 1000} s after ≥ ${config.warmup} warm-ups and ≥ ${warmupMs / 1000} s); native backend: ${isa} gate kernels, OpenBLAS ${blasCore} kernels, ${threads} threads`);
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
