import type { GemmArgs } from '../backend.js';
import { fail } from '../shape.js';
import { gemmKernelShape, sharedMaximumPages } from '../wasm/gemmKernelShape.js';
import { gemmKernelModule } from '../wasm/gemmKernelModule.js';
import { gemm, gemmOn } from './gemm.js';
import { controlBytes, WasmGemm, type KernelRunner } from './gemmWasm.js';
import { control, gemmWorkerSource, spins } from './gemmWorkerSource.js';

const { mr, nr } = gemmKernelShape;
/** Blocks with fewer multiply-adds than this run on the calling thread alone: a hand-over costs more. */
const splitThreshold = 1 << 20;
const maximumThreads = controlBytes / (4 * control.words) + 1;

/** Options of {@link createThreadedGemm}. */
export interface ThreadedGemmOptions {
  /** Threads that compute, the calling one included (default 2, at most 17). */
  threads?: number;
}

/** A gemm kernel that splits float32 products over worker threads. */
export interface ThreadedGemm {
  /** `C ← alpha·op(A)·op(B) + beta·C`, with the contract of {@link gemm}; synchronous. */
  readonly gemm: (args: GemmArgs) => void;
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
 * Creates a matrix product that splits each packed block of a float32 product between the
 * calling thread and `threads − 1` workers (Node `worker_threads` or browser Web Workers) over a
 * shared `WebAssembly.Memory`. The calling thread packs the operands and computes its share, then
 * waits for the workers (`Atomics.wait`; a short spin first, and only a spin on a browser's main
 * thread, which may not block). Float64 and small products run as in {@link gemm}.
 *
 * Workers are unreferenced (`unref`), so a Node process exits without `dispose()`; call it to
 * free the threads sooner. Browsers need cross-origin isolation for shared memory; where it (or
 * WebAssembly SIMD) is missing the result runs on one thread and says so in `threads`.
 *
 * @example
 * const threaded = await createThreadedGemm({ threads: 2 });
 * const backend = createCpuBackend({ kernels: { gemm: threaded.gemm }, name: 'cpu-2-threads' });
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
  if (module === null || memory === null || start === null) return { gemm, threads: 1, splits: 0, dispose() {} };

  const handles = await Promise.all(
    Array.from({ length: threads - 1 }, (_, worker) => start({ module, memory, slot: worker * 4 * control.words })),
  );
  const fast = new WasmGemm(module, memory);
  const ints = new Int32Array(memory.buffer, 0, controlBytes / 4);
  const floats = new Float32Array(memory.buffer, 0, controlBytes / 4);
  const kernel = fast.exports.kernel;
  const canWait = callerMayBlock(ints);
  let job = 0;
  let splits = 0;

  const waitDone = (slot: number) => {
    let done = Atomics.load(ints, slot + control.done);
    for (let spin = 0; done !== job && spin < spins; spin++) done = Atomics.load(ints, slot + control.done);
    while (done !== job) {
      if (canWait) Atomics.wait(ints, slot + control.done, done);
      done = Atomics.load(ints, slot + control.done);
    }
  };

  // Splits the panels of one block (columns of B, or rows of A when there are fewer) evenly.
  const run: KernelRunner = (mc, nc, kc, pa, pb, pc, ldc, alpha, beta, mode) => {
    const byColumns = nc / nr >= mc / mr;
    const panels = byColumns ? nc / nr : mc / mr;
    const parts = mc * nc * kc < splitThreshold ? 1 : Math.min(threads, panels);
    if (parts <= 1) {
      kernel(mc, nc, kc, pa, pb, pc, ldc, alpha, beta, mode);
      return;
    }
    job++;
    splits++;
    for (let part = 1; part < parts; part++) {
      const first = Math.floor((part * panels) / parts);
      const count = Math.floor(((part + 1) * panels) / parts) - first;
      const slot = (part - 1) * control.words;
      ints[slot + control.mc] = byColumns ? mc : count * mr;
      ints[slot + control.nc] = byColumns ? count * nr : nc;
      ints[slot + control.kc] = kc;
      ints[slot + control.pa] = byColumns ? pa : pa + first * kc * mr * 4;
      ints[slot + control.pb] = byColumns ? pb + first * kc * nr * 4 : pb;
      ints[slot + control.pc] = byColumns ? pc + first * nr * 4 : pc + first * mr * ldc;
      ints[slot + control.ldc] = ldc;
      floats[slot + control.alpha] = alpha;
      floats[slot + control.beta] = beta;
      ints[slot + control.mode] = mode;
      Atomics.store(ints, slot + control.job, job);
      Atomics.notify(ints, slot + control.job);
    }
    const own = Math.floor(panels / parts);
    if (byColumns) kernel(mc, own * nr, kc, pa, pb, pc, ldc, alpha, beta, mode);
    else kernel(own * mr, nc, kc, pa, pb, pc, ldc, alpha, beta, mode);
    for (let part = 1; part < parts; part++) waitDone((part - 1) * control.words);
  };
  fast.run = run;

  let disposed = false;
  return {
    gemm(args: GemmArgs): void {
      if (disposed) throw new Error('ThreadedGemm: expected a live gemm, got one used after dispose()');
      gemmOn(fast, args);
    },
    threads,
    get splits() {
      return splits;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      handles.forEach((handle, worker) => {
        Atomics.store(ints, worker * control.words + control.job, -1);
        Atomics.notify(ints, worker * control.words + control.job);
        handle.terminate();
      });
    },
  };
}

function sharedMemory(): WebAssembly.Memory | null {
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: sharedMaximumPages, shared: true });
  } catch {
    return null; // no SharedArrayBuffer (a browser page without cross-origin isolation)
  }
}

/** Whether this thread may block in `Atomics.wait` (a browser's main thread may not). */
function callerMayBlock(ints: Int32Array): boolean {
  try {
    Atomics.wait(ints, control.words * (maximumThreads - 1) - 1, 1, 0);
    return true;
  } catch {
    return false;
  }
}

interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  slot: number;
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
