/**
 * Elementwise and reduction throughput on 1M float32 elements, in GB/s of memory the op must
 * touch (inputs read + output written), next to a plain `Float32Array.set` copy measured in the
 * same run (in alternation with each case, so both see the same load). `kernel` times the CPU kernel writing into a preallocated buffer
 * (WebAssembly SIMD for float32 where it applies), `loop` the TypeScript loop it replaces, `op` the public op, which also allocates
 * its result: a fresh 4 MB array, whose zeroing and page faults cost about what an allocating copy (`slice`, first row) costs.
 *
 * Run: `pnpm --filter @recurrent/tensor bench:elementwise` (or `npx tsx --conditions=source bench/elementwise.bench.ts`).
 */
import { dispatchBackend } from './backendDispatch.js';
import {
  type Tensor, abs, add, axisLayout, cpuKernels, div, exp, logsumexp, max, mean, mul, neg, relu, sigmoid, softmax, sqrt, sub,
  sum, tanh, tensor, transpose, Generator, broadcastStrides,
} from '../src/index.js';
import { binaryLoop } from '../src/cpu/binary.js';
import { unaryLoop } from '../src/cpu/elementwise.js';
import { reduceLoop } from '../src/cpu/reduce.js';

// `--backend native`: the native backend's benchmark (packages/backend-native/bench) instead
dispatchBackend('bench:elementwise');

const size = 1 << 20;
const rows = 1024;
const columns = size / rows;
const generator = new Generator(0);
const values = new Float32Array(size);
for (let i = 0; i < size; i++) values[i] = generator.normal();
const x = tensor(values, { shape: [rows, columns] });
const y = tensor(values.map((v) => v * 0.5 + 2), { shape: [rows, columns] });
const row = tensor(values.subarray(0, columns), { shape: [columns] });
const column = tensor(values.subarray(0, rows), { shape: [rows, 1] });
const out = new Float32Array(size);
const small = new Float32Array(rows);

/** Calls per batch so that one batch takes about 30 ms. */
function calibrate(run: () => unknown): number {
  let calls = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) run();
    if (performance.now() - start > 30) return calls;
    calls *= 2;
  }
}

/** Seconds per call, the best of `batches` batches. */
function best(run: () => unknown, calls: number, batches: number): number {
  let fastest = Infinity;
  for (let batch = 0; batch < batches; batch++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) run();
    fastest = Math.min(fastest, (performance.now() - start) / 1000 / calls);
  }
  return fastest;
}

const copyBytes = 2 * size * 4;
const copy = () => out.set(values);
const copyCalls = calibrate(copy);

interface Row {
  name: string;
  kind: 'unary' | 'binary' | 'reduce' | 'movement';
  via: 'kernel' | 'loop' | 'op';
  bytes: number;
  seconds: number;
  copySeconds: number;
}

const results: Row[] = [];
/** Times a case and the copy in alternation, so both see the same machine load; the ratio to
 * the copy is what the bar (within 2× of a copy) is about. */
function measure(name: string, kind: Row['kind'], via: Row['via'], bytes: number, run: () => unknown): void {
  const calls = calibrate(run);
  let seconds = Infinity;
  let copySeconds = Infinity;
  for (let round = 0; round < 8; round++) {
    copySeconds = Math.min(copySeconds, best(copy, copyCalls, 1));
    seconds = Math.min(seconds, best(run, calls, 1));
  }
  results.push({ name, kind, via, bytes, seconds, copySeconds });
  const gbps = bytes / seconds / 1e9;
  const copyGbps = copyBytes / copySeconds / 1e9;
  console.log(JSON.stringify({
    name, kind, via, elements: size, ms: +(seconds * 1e3).toFixed(3), gbps: +gbps.toFixed(2),
    copyGbps: +copyGbps.toFixed(2), ofCopy: +(gbps / copyGbps).toFixed(2),
  }));
}

const element = 4;
const full = (s: readonly number[]) => ({ data: x.data, offset: 0, strides: broadcastStrides(s, [rows, columns]) });

// what an op pays on top of its kernel: a fresh result array (zeroed, its pages faulted in)
measure('allocating copy (slice)', 'movement', 'op', 2 * size * element, () => values.slice());
for (const op of ['neg', 'abs', 'relu', 'sqrt', 'exp', 'tanh', 'sigmoid'] as const) {
  measure(op, 'unary', 'kernel', 2 * size * element, () => cpuKernels.unary(op, x.data, out));
}
// the TypeScript loops that the WebAssembly SIMD kernels replace (still the fallback and the reference)
for (const op of ['neg', 'exp', 'tanh'] as const) measure(op, 'unary', 'loop', 2 * size * element, () => unaryLoop(op, x.data, out));
const unaryOps: Record<string, (t: Tensor) => Tensor> = { neg, abs, relu, sqrt, exp, tanh, sigmoid };
for (const [name, run] of Object.entries(unaryOps)) measure(name, 'unary', 'op', 2 * size * element, () => run(x));

const shape = [rows, columns];
const bView = { data: y.data, offset: 0, strides: broadcastStrides(y.shape, shape) };
for (const op of ['add', 'mul', 'div'] as const) {
  measure(`${op} same shape`, 'binary', 'kernel', 3 * size * element, () => cpuKernels.binary(op, full(shape), bView, out, shape));
}
measure('add scalar', 'binary', 'kernel', 2 * size * element, () =>
  cpuKernels.binary('add', full(shape), { data: new Float32Array([1]), offset: 0, strides: [0, 0] }, out, shape));
measure('add row [1024] broadcast', 'binary', 'kernel', 2 * size * element, () =>
  cpuKernels.binary('add', full(shape), { data: row.data, offset: 0, strides: broadcastStrides(row.shape, shape) }, out, shape));
measure('mul column [1024, 1] broadcast', 'binary', 'kernel', 2 * size * element, () =>
  cpuKernels.binary('mul', full(shape), { data: column.data, offset: 0, strides: broadcastStrides(column.shape, shape) }, out, shape));
measure('add same shape', 'binary', 'loop', 3 * size * element, () => binaryLoop('add', full(shape), bView, out, shape));
measure('add same shape', 'binary', 'op', 3 * size * element, () => add(x, y));
measure('sub scalar', 'binary', 'op', 2 * size * element, () => sub(x, 1));
measure('mul row broadcast', 'binary', 'op', 2 * size * element, () => mul(x, row));
measure('div column broadcast', 'binary', 'op', 2 * size * element, () => div(x, column));

measure('transpose [1024, 1024]', 'movement', 'kernel', 2 * size * element, () =>
  cpuKernels.copy({ data: x.data, offset: 0, strides: [1, columns] }, out, [columns, rows]));
measure('transpose [1024, 1024]', 'movement', 'op', 2 * size * element, () => transpose(x));

measure('sum all', 'reduce', 'kernel', size * element, () => cpuKernels.reduce('sum', x.data, { outer: 1, length: size, inner: 1 }, small));
measure('sum last axis', 'reduce', 'kernel', size * element, () => cpuKernels.reduce('sum', x.data, axisLayout(x.shape, 1), small));
measure('sum first axis', 'reduce', 'kernel', size * element, () => cpuKernels.reduce('sum', x.data, axisLayout(x.shape, 0), small));
measure('max last axis', 'reduce', 'kernel', size * element, () => cpuKernels.reduce('max', x.data, axisLayout(x.shape, 1), small));
measure('sum all', 'reduce', 'loop', size * element, () => reduceLoop('sum', x.data, { outer: 1, length: size, inner: 1 }, small));
measure('sum all', 'reduce', 'op', size * element, () => sum(x));
measure('mean axis 0', 'reduce', 'op', size * element, () => mean(x, { axis: 0 }));
measure('max axis 1', 'reduce', 'op', size * element, () => max(x, { axis: 1 }));
measure('logsumexp axis 1', 'reduce', 'op', size * element, () => logsumexp(x, { axis: 1 }));
measure('softmax axis 1', 'reduce', 'op', 2 * size * element, () => softmax(x, 1));

console.log('');
console.log(`${'case'.padEnd(32)} ${'via'.padEnd(7)} ${'ms'.padStart(7)} ${'GB/s'.padStart(6)} ${'copy GB/s'.padStart(9)} ${'of copy'.padStart(7)}`);
for (const r of results) {
  const gbps = r.bytes / r.seconds / 1e9;
  const copyGbps = copyBytes / r.copySeconds / 1e9;
  console.log(
    `${r.name.padEnd(32)} ${r.via.padEnd(7)} ${(r.seconds * 1e3).toFixed(3).padStart(7)} ${gbps.toFixed(2).padStart(6)} ` +
      `${copyGbps.toFixed(2).padStart(9)} ${(gbps / copyGbps).toFixed(2).padStart(7)}`,
  );
}
