import type { GemmArgs, PackBArgs, PackedOperand } from '../backend.js';
import { fail } from '../shape.js';
import { gemmKernelShape, sharedMaximumPages } from '../wasm/gemmKernelShape.js';
import { gemmKernelModule } from '../wasm/gemmKernelModule.js';
import { gemm, gemmOn, packB, packBOn } from './gemm.js';
import { WasmGemm, type KernelRunner } from './gemmWasm.js';
import { control, gemmWorkerSource, runChunks, spins } from './gemmWorkerSource.js';

const { mr, nr } = gemmKernelShape;
/** Blocks with fewer multiply-adds than this run on the calling thread alone: a hand-over costs more. */
const splitThreshold = 1 << 20;
/** Fewest multiply-adds in a chunk of a split block (a few tens of microseconds of work). */
const chunkWork = 1 << 19;
const maximumThreads = 16;

/** Options of {@link createThreadedGemm}. */
export interface ThreadedGemmOptions {
  /** Threads that compute, the calling one included (default 2, at most 16). */
  threads?: number;
}

/** A gemm kernel that splits float32 products over worker threads. */
export interface ThreadedGemm {
  /** `C ← alpha·op(A)·op(B) + beta·C`, with the contract of {@link gemm}; synchronous. */
  readonly gemm: (args: GemmArgs) => void;
  /** Packs `op(B)` into this gemm's shared memory for products that pass it as `packedB` (see {@link packB}). */
  readonly packB: (args: PackBArgs) => PackedOperand | null;
  /** `{ gemm, packB }`, to hand to `createCpuBackend({ kernels })`. */
  readonly kernels: { gemm: (args: GemmArgs) => void; packB: (args: PackBArgs) => PackedOperand | null };
  /** Threads that compute, the calling one included: 1 where shared memory or workers are missing. */
  readonly threads: number;
  /** Packed blocks split between threads so far (small blocks run on the calling thread alone). */
  readonly splits: number;
  /** Stops the workers. Later calls of `gemm` throw. */
  dispose(): void;
}

interface WorkerHandle {
  terminate(): void;
}

/**
 * Creates a matrix product that runs float32 products on the calling thread and `threads − 1`
 * workers (Node `worker_threads` or browser Web Workers) over a shared `WebAssembly.Memory`. The
 * calling thread packs each block of the operands, then all threads claim chunks of its panels
 * from a shared counter until none is left, so a thread that the machine delays leaves its share
 * to the others; the caller then waits for chunks still running (`Atomics.wait` after a short
 * spin; only the spin on a browser's main thread, which may not block). Float64 and small
 * products run as in {@link gemm}.
 *
 * Workers are unreferenced (`unref`), so a Node process exits without `dispose()`; call it to
 * free the threads sooner. Browsers need cross-origin isolation for shared memory; where it (or
 * WebAssembly SIMD) is missing the result runs on one thread and says so in `threads`.
 *
 * @example
 * const threaded = await createThreadedGemm({ threads: 2 });
 * const backend = createCpuBackend({ kernels: threaded.kernels, name: 'cpu-2-threads' });
 * matmul(a, b); // a, b made with { backend }
 * threaded.dispose();
 */
export async function createThreadedGemm(options: ThreadedGemmOptions = {}): Promise<ThreadedGemm> {
  const threads = options.threads ?? 2;
  if (!Number.isInteger(threads) || threads < 1 || threads > maximumThreads) {
    fail('createThreadedGemm', `threads an integer from 1 to ${maximumThreads}`, String(threads));
  }
  const module = threads > 1 ? gemmKernelModule(true) : null;
  const memory = module ? sharedMemory() : null;
  const start = memory ? await workerStarter() : null;
  if (module === null || memory === null || start === null) return threadedGemm(gemm, packB, 1, () => 0, () => {});

  const handles = await Promise.all(Array.from({ length: threads - 1 }, () => start({ module, memory })));
  const fast = new WasmGemm(module, memory);
  const ints = new Int32Array(memory.buffer, 0, control.words);
  const floats = new Float32Array(memory.buffer, 0, control.words);
  const kernel = fast.exports.kernel;
  const canWait = callerMayBlock(ints);
  let job = 0;
  let splits = 0;

  // Posts one packed block as a job in chunks of panels (columns of B, or rows of A when there
  // are fewer), works on it like the workers do, then waits for the chunks they claimed.
  const run: KernelRunner = (mc, nc, kc, pa, pb, pc, ldc, alpha, beta, mode) => {
    const byColumns = nc / nr >= mc / mr;
    const panels = byColumns ? nc / nr : mc / mr;
    const panelWork = (byColumns ? mc * nr : mr * nc) * kc;
    if (panels < 2 || panels * panelWork < splitThreshold) {
      kernel(mc, nc, kc, pa, pb, pc, ldc, alpha, beta, mode);
      return;
    }
    // About four chunks per thread, each still worth a few tens of microseconds.
    const chunkPanels = Math.max(Math.ceil(panels / (4 * threads)), Math.ceil(chunkWork / panelWork));
    const chunks = Math.ceil(panels / chunkPanels);
    job = job >= 0x3fffffff ? 1 : job + 1;
    splits++;
    const slot = control.slots + (job & 1) * control.slotWords;
    ints[slot + control.mc] = mc;
    ints[slot + control.nc] = nc;
    ints[slot + control.kc] = kc;
    ints[slot + control.pa] = pa;
    ints[slot + control.pb] = pb;
    ints[slot + control.pc] = pc;
    ints[slot + control.ldc] = ldc;
    floats[slot + control.alpha] = alpha;
    floats[slot + control.beta] = beta;
    ints[slot + control.mode] = mode;
    ints[slot + control.byColumns] = byColumns ? 1 : 0;
    ints[slot + control.chunkPanels] = chunkPanels;
    ints[slot + control.panels] = panels;
    Atomics.store(ints, control.completed, 0);
    Atomics.store(ints, control.counter, (job & 0x7ffff) << control.chunkBits);
    Atomics.store(ints, control.job, job);
    Atomics.notify(ints, control.job);
    runChunks(kernel, ints, floats, job);
    let completed = Atomics.load(ints, control.completed);
    for (let spin = 0; completed !== chunks && spin < spins; spin++) completed = Atomics.load(ints, control.completed);
    while (completed !== chunks) {
      if (canWait) Atomics.wait(ints, control.completed, completed);
      completed = Atomics.load(ints, control.completed);
    }
  };
  fast.run = run;

  return threadedGemm((args) => gemmOn(fast, args), (args) => packBOn(fast, args), threads, () => splits, () => {
    Atomics.store(ints, control.job, -1);
    Atomics.notify(ints, control.job);
    for (const handle of handles) handle.terminate();
  });
}

function threadedGemm(
  run: (args: GemmArgs) => void, pack: (args: PackBArgs) => PackedOperand | null, threads: number,
  splits: () => number, stop: () => void,
): ThreadedGemm {
  let disposed = false;
  const live = () => {
    if (disposed) throw new Error('ThreadedGemm: expected a live gemm, got one used after dispose()');
  };
  const kernels = {
    gemm(args: GemmArgs): void {
      live();
      run(args);
    },
    packB(args: PackBArgs): PackedOperand | null {
      live();
      return pack(args);
    },
  };
  return {
    gemm: kernels.gemm,
    packB: kernels.packB,
    kernels,
    threads,
    get splits() {
      return splits();
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      stop();
    },
  };
}

function sharedMemory(): WebAssembly.Memory | null {
  // A browser page without cross-origin isolation may create shared memory but not post it.
  if (typeof crossOriginIsolated === 'boolean' && !crossOriginIsolated) return null;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: sharedMaximumPages, shared: true });
  } catch {
    return null; // no SharedArrayBuffer (a browser page without cross-origin isolation)
  }
}

/** Whether this thread may block in `Atomics.wait` (a browser's main thread may not). */
function callerMayBlock(ints: Int32Array): boolean {
  try {
    Atomics.wait(ints, control.words - 1, 1, 0);
    return true;
  } catch {
    return false;
  }
}

interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}

/** A function that starts a gemm worker and resolves once it is ready, or `null` without workers. */
async function workerStarter(): Promise<((start: WorkerStart) => Promise<WorkerHandle>) | null> {
  if (typeof process === 'object' && typeof process.versions?.node === 'string') {
    const specifier = 'node:worker_threads'; // a variable, so browser bundlers leave it alone
    const { Worker } = (await import(/* @vite-ignore */ specifier)) as typeof import('node:worker_threads');
    return (start) =>
      new Promise((resolve, reject) => {
        // No execArgv: flags such as --input-type=module or a loader (--import) would change how the script runs.
        const worker = new Worker(gemmWorkerSource, { eval: true, execArgv: [] });
        worker.once('error', reject);
        worker.once('message', () => {
          worker.unref();
          resolve({ terminate: () => void worker.terminate() });
        });
        worker.postMessage(start);
      });
  }
  if (typeof Worker === 'function' && typeof Blob === 'function' && typeof URL.createObjectURL === 'function') {
    return (start) =>
      new Promise((resolve, reject) => {
        const url = URL.createObjectURL(new Blob([gemmWorkerSource], { type: 'text/javascript' }));
        const worker = new Worker(url);
        worker.onerror = (event) => reject(new Error(`createThreadedGemm: a worker failed to start: ${event.message}`));
        worker.onmessage = () => {
          URL.revokeObjectURL(url);
          resolve({ terminate: () => worker.terminate() });
        };
        worker.postMessage(start);
      });
  }
  return null;
}
