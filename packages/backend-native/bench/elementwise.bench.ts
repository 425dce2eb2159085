/**
 * Elementwise, reduction and softmax throughput of the native backend's kernels on 1M float32
 * elements written into a preallocated output, in GB/s of memory the kernel must touch, next to a
 * `Float32Array.set` copy measured in alternation with each case (so both see the same load); the
 * bar is "within 2× of a copy" (`ofCopy` ≥ 0.5).
 *
 *   pnpm bench:elementwise --backend native    (or pnpm --filter @recurrent/backend-native bench:elementwise)
 *   … --isa avx2                                 (a narrower instruction set than the CPU's widest)
 *   … --threads 2                                (the backend's threads, default 1: the copy runs on one)
 *
 * One JSON line per case ({"name", "kind", "backend": "native", "isa", "elements", "ms", "gbps",
 * "copyGbps", "ofCopy"}), then a table.
 */
import { cpus, loadavg } from 'node:os';
import { Generator, type DataArray, type Strided } from '@recurrent/tensor';
import { createNativeBackend } from '../src/index.js';

const argument = (flag: string) => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const threads = Number(argument('--threads') ?? 1);
const backend = createNativeBackend({ threads, isa: argument('--isa') as 'avx512' | 'avx2' | 'scalar' | undefined });
const { kernels } = backend;
const size = 1 << 20;
const rows = 1024;
const columns = size / rows;
const generator = new Generator(0);
const x = new Float32Array(size).map(() => generator.normal());
const y = x.map((v) => v * 0.5 + 2);
const out = new Float32Array(size);
const small = new Float32Array(rows);
const view = (data: DataArray, strides: number[]): Strided => ({ data, offset: 0, strides });

function calibrate(run: () => unknown): number {
  for (let calls = 1; ; calls *= 2) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) run();
    if (performance.now() - start > 30) return calls;
  }
}
function best(run: () => unknown, calls: number): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) run();
  return (performance.now() - start) / 1000 / calls;
}
const copy = () => out.set(x);
const copyCalls = calibrate(copy);
const copyBytes = 2 * size * 4;
const results: { name: string; gbps: number; copyGbps: number; ms: number }[] = [];

function measure(name: string, kind: string, bytes: number, run: () => unknown): void {
  const calls = calibrate(run);
  let seconds = Infinity;
  let copySeconds = Infinity;
  for (let round = 0; round < 8; round++) {
    copySeconds = Math.min(copySeconds, best(copy, copyCalls));
    seconds = Math.min(seconds, best(run, calls));
  }
  const gbps = bytes / seconds / 1e9;
  const copyGbps = copyBytes / copySeconds / 1e9;
  results.push({ name, gbps, copyGbps, ms: seconds * 1e3 });
  console.log(JSON.stringify({ name, kind, backend: 'native', isa: backend.isa, threads, elements: size, ms: +(seconds * 1e3).toFixed(3), gbps: +gbps.toFixed(2),
    copyGbps: +copyGbps.toFixed(2), ofCopy: +(gbps / copyGbps).toFixed(2) }));
}

const element = 4;
for (const op of ['neg', 'abs', 'relu', 'sqrt', 'exp', 'tanh', 'sigmoid'] as const) measure(op, 'unary', 2 * size * element, () => kernels.unary(op, x, out));
measure('x·2 + 1 (affine)', 'unary', 2 * size * element, () => kernels.affine(x, 2, 1, out));
const shape = [rows, columns];
for (const op of ['add', 'mul', 'div'] as const) {
  measure(`${op} same shape`, 'binary', 3 * size * element, () => kernels.binary(op, view(x, [columns, 1]), view(y, [columns, 1]), out, shape));
}
measure('add scalar', 'binary', 2 * size * element, () => kernels.binary('add', view(x, [columns, 1]), view(new Float32Array([1]), [0, 0]), out, shape));
measure('add row [1024] broadcast', 'binary', 2 * size * element, () => kernels.binary('add', view(x, [columns, 1]), view(y, [0, 1]), out, shape));
measure('mul column [1024, 1] broadcast', 'binary', 2 * size * element, () => kernels.binary('mul', view(x, [columns, 1]), view(y, [1, 0]), out, shape));
measure('sum all', 'reduce', size * element, () => kernels.reduce('sum', x, { outer: 1, length: size, inner: 1 }, small));
measure('sum last axis', 'reduce', size * element, () => kernels.reduce('sum', x, { outer: rows, length: columns, inner: 1 }, small));
measure('sum first axis', 'reduce', size * element, () => kernels.reduce('sum', x, { outer: 1, length: rows, inner: columns }, small));
measure('max last axis', 'reduce', size * element, () => kernels.reduce('max', x, { outer: rows, length: columns, inner: 1 }, small));
measure('logsumexp last axis', 'reduce', size * element, () => kernels.reduce('logsumexp', x, { outer: rows, length: columns, inner: 1 }, small));
measure('softmax last axis', 'reduce', 2 * size * element, () => kernels.softmax(x, { outer: rows, length: columns, inner: 1 }, false, out));
measure('logSoftmax last axis', 'reduce', 2 * size * element, () => kernels.softmax(x, { outer: rows, length: columns, inner: 1 }, true, out));
if (backend.fallbacks.size > 0) console.log(`CPU fallbacks: ${JSON.stringify([...backend.fallbacks])}`);

console.log(`\nnative kernels (${backend.isa}, ${threads} thread${threads === 1 ? '' : 's'}; the copy on one), 1M float32, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} shared cores`);
console.log(`${'case'.padEnd(32)} ${'ms'.padStart(7)} ${'GB/s'.padStart(6)} ${'copy GB/s'.padStart(9)} ${'of copy'.padStart(7)}`);
for (const r of results) {
  console.log(`${r.name.padEnd(32)} ${r.ms.toFixed(3).padStart(7)} ${r.gbps.toFixed(2).padStart(6)} ${r.copyGbps.toFixed(2).padStart(9)} ${(r.gbps / r.copyGbps).toFixed(2).padStart(7)}`);
}
