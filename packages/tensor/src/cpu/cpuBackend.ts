import type { Backend, BufferStats, KernelTable } from '../backend.js';
import { allocateArray, type DataArray, type DType, type DataArrayFor } from '../dtype.js';
import { binary } from './binary.js';
import { affine, clamp, copy, unary, where } from './elementwise.js';
import { gemm, packB } from './gemm.js';
import { argReduce, cumsum, gather, reduce, scatterAdd, softmax } from './reduce.js';
import { createCpuRecurrence } from '../recurrence/cpuRecurrence.js';

/** The CPU kernels: plain loops over typed arrays, the reference every other backend matches.
 * (`recurrent` is not among them: it holds a workspace, so each backend makes its own.) */
export const cpuKernels = {
  unary,
  affine,
  clamp,
  binary,
  where,
  copy,
  reduce,
  argReduce,
  softmax,
  cumsum,
  gather,
  scatterAdd,
  gemm,
  packB,
} satisfies KernelTable;

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /** Kernels to use instead of the defaults (a faster `gemm`, say). */
  kernels?: Partial<KernelTable>;
  /** Name shown in messages and benchmarks. */
  name?: string;
  /**
   * Count live buffers in `stats.live` (default false). The count comes from a
   * `FinalizationRegistry`, whose callbacks run only when the event loop turns: a synchronous
   * training loop then piles up one registry cell per buffer (tens of MB over 40,000 steps) until
   * it yields. Meant for leak tests that let the event loop turn between readings.
   */
  countLive?: boolean;
  /** Run the recurrent gate passes on WebAssembly SIMD where available (default true; false: the
   * scalar loops, for comparing the two). */
  gateKernels?: boolean;
}

/**
 * Creates a CPU backend with its own buffer counters. Most code uses the shared {@link cpu}
 * instance; a test that counts buffers makes its own. By default it only counts allocations,
 * which costs nothing and keeps memory flat in synchronous loops; `countLive: true` also counts
 * the buffers not yet garbage-collected.
 *
 * @example
 * const backend = createCpuBackend({ countLive: true });
 * const t = zeros([2, 3], { backend });
 * backend.stats.allocated; // 1
 */
export function createCpuBackend(options: CpuBackendOptions = {}): Backend {
  const stats: BufferStats = { allocated: 0, live: null, workspaceFloats: 0 };
  const registry =
    options.countLive === true && typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry<undefined>(() => {
          stats.live!--;
        })
      : null;
  if (registry) stats.live = 0;
  const track = registry
    ? (data: DataArray) => {
        stats.allocated++;
        stats.live!++;
        registry.register(data, undefined);
      }
    : () => {
        stats.allocated++;
      };
  const allocate = <D extends DType>(dtype: D, size: number): DataArrayFor[D] => {
    const data = allocateArray(dtype, size);
    track(data);
    return data;
  };
  const kernels: KernelTable = { ...cpuKernels, ...options.kernels };
  // the recurrence runs on this backend's final gemm (a threaded one, say), with its own workspace
  kernels.recurrent ??= createCpuRecurrence({ gemm: kernels.gemm, packB: kernels.packB, backend: { allocate, stats }, gateKernels: options.gateKernels });
  return { name: options.name ?? 'cpu', kernels, allocate, track, stats };
}

/** The default CPU backend that tensors use unless told otherwise. */
export const cpu: Backend = createCpuBackend();
