/**
 * Float32 matrix-product throughput of the native backend's `gemm` (the system BLAS) beside
 * PyTorch's `torch.mm` measured in the same run, with the same OpenBLAS kernel family and thread
 * count (bench/pytorchReference.ts), for square sizes in every transpose case and the shapes a
 * recurrent layer multiplies.
 *
 *   pnpm bench:matmul --backend native [--threads 1,2] [--no-pytorch]
 *
 * Prints one JSON line per case as `pnpm bench:matmul` does ({"m", "n", "k", "transA", "transB",
 * "threads", "gflops", "kernel", "cpuGflops"}) plus "backend": "native" (or "pytorch"), then a table
 * with native ÷ PyTorch. The machine is shared: compare figures from one run.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Generator, type GemmArgs } from '@recurrent/tensor';
import { createNativeBackend } from '../src/index.js';
import { pytorchReference, python } from './pytorchReference.js';

interface Shape { label: string; m: number; n: number; k: number; transA: boolean; transB: boolean }

const argument = (flag: string) => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const threadCounts = (argument('--threads') ?? '1,2').split(',').map(Number);
const square = (size: number): Shape[] =>
  [[false, false], [false, true], [true, false], [true, true]].map(([transA, transB]) => ({ label: `square ${size}`, m: size, n: size, k: size, transA, transB }));
const shapes: Shape[] = [
  ...square(64), ...square(256), ...square(1024),
  { label: 'rnn [32×256]·[256×1024]', m: 32, n: 1024, k: 256, transA: false, transB: false },
  { label: 'rnn weight gradient [6400×128]ᵀ·[6400×2048]', m: 128, n: 2048, k: 6400, transA: true, transB: false },
  { label: 'rnn [32×1024]·[1024×256]ᵀ', m: 32, n: 256, k: 1024, transA: false, transB: true },
];
const generator = new Generator(1);
const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)];

function makeArgs(shape: Shape): GemmArgs {
  const { m, n, k, transA, transB } = shape;
  const random = (size: number) => Float32Array.from({ length: size }, () => generator.uniformIn(-1, 1));
  return { transA, transB, m, n, k, alpha: 1, a: random(m * k), aOffset: 0, lda: transA ? m : k, b: random(k * n), bOffset: 0, ldb: transB ? k : n, beta: 0,
    c: new Float32Array(m * n), cOffset: 0, ldc: n };
}

/** GFLOP/s per wall-clock and per CPU second: medians of 7 batches of about 50 ms after a 200 ms warm-up. */
function measure(run: (args: GemmArgs) => void, args: GemmArgs): { wall: number; cpu: number } {
  const flops = 2 * args.m * args.n * args.k;
  const warmUpEnd = performance.now() + 200;
  let calls = 0;
  do { run(args); calls++; } while (calls < 3 || performance.now() < warmUpEnd);
  const start = performance.now();
  run(args);
  const batch = Math.max(1, Math.ceil(50 / Math.max(performance.now() - start, 1e-3)));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let repetition = 0; repetition < 7; repetition++) {
    const cpuStart = process.cpuUsage();
    const begin = performance.now();
    for (let call = 0; call < batch; call++) run(args);
    const seconds = (performance.now() - begin) / 1000;
    const used = process.cpuUsage(cpuStart);
    wall.push((flops * batch) / 1e9 / seconds);
    cpu.push((flops * batch) / 1e9 / ((used.user + used.system) / 1e6));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const flag = (s: Shape) => `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}`;
const rows: { shape: Shape; threads: number; native: number; pytorch: number | undefined }[] = [];
let note = '';
let ratios = false;

/** A PyTorch process that measures one case per line it is sent (bench/pytorch_matmul.py). */
function pytorchWorker(env: NodeJS.ProcessEnv) {
  const child = spawn(python, [resolve(import.meta.dirname, 'pytorch_matmul.py')], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async measure(shape: Shape): Promise<number> {
      const { m, n, k, transA, transB } = shape;
      child.stdin.write(`${JSON.stringify({ m, n, k, transA, transB })}\n`);
      const { value } = await lines.next();
      return (JSON.parse(String(value)) as { gflops: number }).gflops;
    },
    close: () => child.stdin.end(),
  };
}

for (const threads of threadCounts) {
  const backend = createNativeBackend({ threads });
  const kernel = `openblas-${backend.info.blasCore}`;
  const torch = pytorchReference({ blasCore: backend.info.blasCore, skip: process.argv.includes('--no-pytorch'), threads });
  note = torch.note;
  ratios = torch.ratiosAllowed;
  const worker = torch.available ? pytorchWorker(torch.env) : null;
  for (const shape of shapes) {
    // ours, then PyTorch's right after: both see the same load
    const rate = measure(backend.kernels.gemm, makeArgs(shape));
    const { m, n, k, transA, transB } = shape;
    console.log(JSON.stringify({ m, n, k, transA, transB, threads, gflops: +rate.wall.toFixed(2), kernel, cpuGflops: +rate.cpu.toFixed(2), backend: 'native' }));
    const pytorch = worker ? await worker.measure(shape) : undefined;
    if (pytorch !== undefined) console.log(JSON.stringify({ m, n, k, transA, transB, threads, gflops: pytorch, kernel: 'torch.mm', backend: 'pytorch' }));
    rows.push({ shape, threads, native: rate.wall, pytorch });
  }
  worker?.close();
}
console.log(`\nGFLOP/s (wall clock), float32, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores shared (load average ${loadavg()[0].toFixed(1)})`);
console.log(note);
console.log('| case | m | n | k | op | threads | native | PyTorch (this run) | native ÷ PyTorch |');
console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|');
for (const { shape, threads, native, pytorch } of rows) {
  const ratio = ratios && pytorch !== undefined ? `${(native / pytorch).toFixed(2)}` : '–';
  console.log(`| ${shape.label} | ${shape.m} | ${shape.n} | ${shape.k} | ${flag(shape)} | ${threads} | ${native.toFixed(1)} | ${pytorch?.toFixed(1) ?? '–'} | ${ratio} |`);
}
