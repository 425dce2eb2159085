/**
 * Float32 matrix-product throughput of the CPU backend's `gemm` (WebAssembly SIMD), on one thread
 * and on two (createThreadedGemm), for square sizes in every transpose case and the shapes a
 * recurrent layer multiplies; the plain-loop reference at small sizes for comparison.
 *
 *   pnpm bench:matmul                 # from the repository root
 *   pnpm bench:matmul --backend native  # the native backend beside PyTorch (packages/backend-native)
 *
 * Prints one JSON line per case, {"m", "n", "k", "transA", "transB", "threads", "gflops", "kernel",
 * "cpuGflops"} ("gflops" per wall-clock second, "cpuGflops" per second of the process's CPU time),
 * then a table. Each figure is the median of several timed batches after a warm-up, one thread
 * and two timed in turn; the machine is shared, so compare figures from one run.
 */
import { dispatchBackend } from './backendDispatch.js';
import { cpus, loadavg } from 'node:os';
import type { GemmArgs } from '../src/backend.js';
import { gemm, hasWasmGemm } from '../src/cpu/gemm.js';
import { hasFusedGemm } from '../src/wasm/gemmKernelModule.js';
import { gemmReference } from '../src/cpu/gemmReference.js';
import { createThreadedGemm } from '../src/cpu/gemmThreaded.js';
import { Generator } from '../src/random.js';

// `--backend native`: the native backend's benchmark (packages/backend-native/bench) instead
dispatchBackend('bench:matmul');

interface Shape {
  label: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

interface Rate {
  /** GFLOP per second of wall-clock time. */
  wall: number;
  /** GFLOP per second of this process's CPU time (all its threads): what a core gives while it runs
   * this code, whatever share of the machine the other processes take. */
  cpu: number;
}

interface Result extends Shape, Rate {
  threads: number;
  kernel: string;
}

const repetitions = 7;
const minimumSeconds = 0.05;

function makeArgs(shape: Shape, generator: Generator): GemmArgs {
  const { m, n, k, transA, transB } = shape;
  const random = (size: number) => Float32Array.from({ length: size }, () => generator.uniformIn(-1, 1));
  return {
    transA, transB, m, n, k, alpha: 1, a: random(m * k), aOffset: 0, lda: transA ? m : k,
    b: random(k * n), bOffset: 0, ldb: transB ? k : n, beta: 0, c: new Float32Array(m * n), cOffset: 0, ldc: n,
  };
}

const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)];

/**
 * GFLOP/s (2·m·n·k per call) of each runner: medians of `repetitions` timed batches after a
 * warm-up, the runners' batches taken in turn so that a change in the machine's load hits all alike.
 */
function measure(runners: ((args: GemmArgs) => void)[], args: GemmArgs): Rate[] {
  const flops = 2 * args.m * args.n * args.k;
  const batches = runners.map((run) => {
    const warmUpEnd = performance.now() + 200;
    let calls = 0;
    do {
      run(args);
      calls++;
    } while (calls < 3 || performance.now() < warmUpEnd);
    const start = performance.now();
    run(args);
    const once = Math.max(performance.now() - start, 1e-3);
    return Math.max(1, Math.ceil((minimumSeconds * 1000) / once));
  });
  const wall = runners.map((): number[] => []);
  const cpu = runners.map((): number[] => []);
  for (let repetition = 0; repetition < repetitions; repetition++) {
    runners.forEach((run, index) => {
      const work = (flops * batches[index]) / 1e9;
      const cpuStart = process.cpuUsage();
      const begin = performance.now();
      for (let call = 0; call < batches[index]; call++) run(args);
      const seconds = (performance.now() - begin) / 1000;
      const used = process.cpuUsage(cpuStart);
      wall[index].push(work / seconds);
      cpu[index].push(work / ((used.user + used.system) / 1e6));
    });
  }
  return runners.map((_, index) => ({ wall: median(wall[index]), cpu: median(cpu[index]) }));
}

const flag = (shape: Shape) => `${shape.transA ? 'T' : 'N'}${shape.transB ? 'T' : 'N'}`;
const square = (size: number): Shape[] =>
  [[false, false], [false, true], [true, false], [true, true]].map(([transA, transB]) => ({
    label: `square ${size}`, m: size, n: size, k: size, transA, transB,
  }));
const shapes: Shape[] = [
  ...square(64),
  ...square(256),
  ...square(1024),
  { label: 'rnn [32×256]·[256×1024]', m: 32, n: 1024, k: 256, transA: false, transB: false },
  { label: 'rnn weight gradient [6400×128]ᵀ·[6400×2048]', m: 128, n: 2048, k: 6400, transA: true, transB: false },
  { label: 'rnn [32×1024]·[1024×256]ᵀ', m: 32, n: 256, k: 1024, transA: false, transB: true },
];
const referenceShapes: Shape[] = [64, 256].flatMap((size) => [
  { label: `square ${size}`, m: size, n: size, k: size, transA: false, transB: false },
  { label: `square ${size}`, m: size, n: size, k: size, transA: true, transB: false },
]);

const generator = new Generator(1);
const threaded = await createThreadedGemm({ threads: 2 });
const results: Result[] = [];
const report = (shape: Shape, threads: number, kernel: string, rate: Rate) => {
  results.push({ ...shape, threads, kernel, ...rate });
  const { m, n, k, transA, transB } = shape;
  console.log(JSON.stringify({ m, n, k, transA, transB, threads, gflops: Number(rate.wall.toFixed(2)), kernel, cpuGflops: Number(rate.cpu.toFixed(2)) }));
};
const kernelName = hasWasmGemm() ? (hasFusedGemm() ? 'wasm-simd-fma' : 'wasm-simd') : 'typescript';
for (const shape of shapes) {
  const [one, two] = measure([gemm, threaded.gemm], makeArgs(shape, generator));
  report(shape, 1, kernelName, one);
  report(shape, threaded.threads, kernelName, two);
}
for (const shape of referenceShapes) report(shape, 1, 'reference', measure([gemmReference], makeArgs(shape, generator))[0]);
threaded.dispose();

const cell = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(1));
const find = (shape: Shape, threads: number, kernel: string) =>
  results.find((r) => r.label === shape.label && flag(r) === flag(shape) && r.threads === threads && r.kernel === kernel);
const load = loadavg()[0].toFixed(1);
console.log(`\nGFLOP/s, float32, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores shared (load average ${load})`);
console.log('wall: GFLOP per second of wall-clock time; cpu: GFLOP per second of the CPU time of all threads\n');
console.log(`| case | m | n | k | op | 1 thread, wall | 1 thread, cpu | ${threaded.threads} threads, wall | ${threaded.threads} threads, cpu | speed-up (wall) | reference loop, wall |`);
console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|');
for (const shape of shapes) {
  const one = find(shape, 1, kernelName)!;
  const two = find(shape, threaded.threads, kernelName)!;
  const reference = find(shape, 1, 'reference');
  console.log(`| ${shape.label} | ${shape.m} | ${shape.n} | ${shape.k} | ${flag(shape)} | ${cell(one.wall)} | ${cell(one.cpu)} | ${cell(two.wall)} | ${cell(two.cpu)} | ${(two.wall / one.wall).toFixed(2)}× | ${cell(reference?.wall)} |`);
}
