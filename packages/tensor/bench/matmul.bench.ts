/**
 * Float32 matrix-product throughput of the CPU backend's `gemm` (WebAssembly SIMD), on one thread
 * and on two (createThreadedGemm), for square sizes in every transpose case and the shapes a
 * recurrent layer multiplies; the plain-loop reference at small sizes for comparison.
 *
 *   pnpm bench:matmul                 # from the repository root
 *
 * Prints one JSON line per case, {"m", "n", "k", "transA", "transB", "threads", "gflops", "kernel"},
 * then a table. Each figure is the median of several timed batches after a warm-up, one thread
 * and two timed in turn; the machine is shared, so compare figures from one run.
 */
import { cpus } from 'node:os';
import type { GemmArgs } from '../src/backend.js';
import { gemm, hasWasmGemm } from '../src/cpu/gemm.js';
import { gemmReference } from '../src/cpu/gemmReference.js';
import { createThreadedGemm } from '../src/cpu/gemmThreaded.js';
import { Generator } from '../src/random.js';

interface Shape {
  label: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

interface Result extends Shape {
  threads: number;
  kernel: string;
  gflops: number;
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

/**
 * GFLOP/s (2·m·n·k per call) of each runner: the median of `repetitions` timed batches after a
 * warm-up, the runners' batches taken in turn so that a change in the machine's load hits all alike.
 */
function measure(runners: ((args: GemmArgs) => void)[], args: GemmArgs): number[] {
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
  const rates = runners.map((): number[] => []);
  for (let repetition = 0; repetition < repetitions; repetition++) {
    runners.forEach((run, index) => {
      const begin = performance.now();
      for (let call = 0; call < batches[index]; call++) run(args);
      rates[index].push((flops * batches[index]) / ((performance.now() - begin) / 1000) / 1e9);
    });
  }
  return rates.map((list) => list.sort((x, y) => x - y)[Math.floor(repetitions / 2)]);
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
const report = (shape: Shape, threads: number, kernel: string, gflops: number) => {
  results.push({ ...shape, threads, kernel, gflops });
  const { m, n, k, transA, transB } = shape;
  console.log(JSON.stringify({ m, n, k, transA, transB, threads, gflops: Number(gflops.toFixed(2)), kernel }));
};
const kernelName = hasWasmGemm() ? 'wasm-simd' : 'typescript';
for (const shape of shapes) {
  const [one, two] = measure([gemm, threaded.gemm], makeArgs(shape, generator));
  report(shape, 1, kernelName, one);
  report(shape, threaded.threads, kernelName, two);
}
for (const shape of referenceShapes) report(shape, 1, 'reference', measure([gemmReference], makeArgs(shape, generator))[0]);
threaded.dispose();

const cell = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(1));
const find = (shape: Shape, threads: number, kernel: string) =>
  results.find((r) => r.label === shape.label && flag(r) === flag(shape) && r.threads === threads && r.kernel === kernel)?.gflops;
console.log(`\nGFLOP/s, float32, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores (shared)\n`);
console.log(`| case | m | n | k | op | ${kernelName}, 1 thread | ${threaded.threads} threads | speed-up | reference loop |`);
console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|');
for (const shape of shapes) {
  const one = find(shape, 1, kernelName)!;
  const two = find(shape, threaded.threads, kernelName)!;
  const reference = find(shape, 1, 'reference');
  console.log(`| ${shape.label} | ${shape.m} | ${shape.n} | ${shape.k} | ${flag(shape)} | ${cell(one)} | ${cell(two)} | ${(two / one).toFixed(2)}× | ${cell(reference)} |`);
}
