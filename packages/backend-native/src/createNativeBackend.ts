import { availableParallelism } from 'node:os';
import { checkOptions, createCpuBackend, option, type Backend, type KernelTable } from '@recurrent/tensor';
import { loadAddon, type AddonInfo } from './loadAddon.js';
import { createNativeKernels, nativeKernelNames } from './nativeKernels.js';
import { createNativeRecurrence } from './nativeRecurrence.js';

/** Options of {@link createNativeBackend}. */
export interface NativeBackendOptions {
  /** Threads for the BLAS products, the gate loops and elementwise kernels, reductions and softmax
   * on arrays of 64K elements and more (default: every core, `os.availableParallelism()`). */
  threads?: number;
  /** Name shown in messages and benchmarks (default `native`). */
  name?: string;
  /**
   * The instruction set of the C kernels: the widest this CPU runs by default (`'avx512'`, else
   * `'avx2'`, else `'scalar'`, the portable build); a narrower one can be asked for (tests,
   * comparisons), a wider one is an error.
   */
  isa?: 'avx512' | 'avx2' | 'scalar';
}

/** A @recurrent/tensor backend whose kernels run in the native addon. */
export interface NativeBackend extends Backend {
  /** Threads its products, gate loops and large elementwise kernels use. */
  readonly threads: number;
  /** The instruction set its C kernels run (see {@link NativeBackendOptions.isa}). */
  readonly isa: 'avx512' | 'avx2' | 'scalar';
  /** The addon's instruction set, BLAS and BLAS kernel family (see {@link AddonInfo}). */
  readonly info: Readonly<AddonInfo & { chosenBlasCore: string | null; features: readonly string[] }>;
  /** Kernels of the table that run natively; the others are the CPU backend's. */
  readonly nativeKernels: readonly string[];
  /** How many calls ran on the CPU backend's kernels instead (mixed dtypes, int32, kernels not native). */
  readonly fallbacks: ReadonlyMap<string, number>;
}

const schema = { threads: option.integer({ min: 1 }), name: option.string, isa: option.oneOf(['avx512', 'avx2', 'scalar']) };
const widths = ['scalar', 'avx2', 'avx512'] as const;

/**
 * Creates a tensor backend running on the native addon: `gemm` through the system BLAS
 * (`cblas_sgemm` / `cblas_dgemm`, every transpose, alpha/beta, offsets and strides), the other
 * kernels in C where they are native ({@link NativeBackend.nativeKernels}) and on the CPU
 * backend's kernels otherwise, counted in {@link NativeBackend.fallbacks}. Storage stays plain
 * typed arrays: the addon reads and writes them in place, so tensors move freely between this
 * backend and the CPU one, and nothing needs disposing.
 *
 * Throws one error naming what is missing, and the command that installs it, when the addon could
 * not be built at install (no C compiler, no BLAS).
 *
 * @example
 * import { matmul, tensor } from '@recurrent/tensor';
 * import { createNativeBackend } from '@recurrent/backend-native';
 * const backend = createNativeBackend({ threads: 2 });
 * const a = tensor([[1, 2], [3, 4]], { backend });
 * matmul(a, a).toArray(); // [[7, 10], [15, 22]]
 */
export function createNativeBackend(options: NativeBackendOptions = {}): NativeBackend {
  checkOptions('createNativeBackend', options, schema);
  const { addon, features, chosenBlasCore } = loadAddon();
  const threads = options.threads ?? availableParallelism();
  const cpuIsa = addon.info().isa;
  const isa = options.isa ?? cpuIsa;
  if (widths.indexOf(isa) > widths.indexOf(cpuIsa)) {
    throw new Error(`createNativeBackend: expected isa ${widths.slice(0, widths.indexOf(cpuIsa) + 1).map((w) => `'${w}'`).join(' or ')} (what this CPU runs), got '${isa}'`);
  }
  const host = createCpuBackend();
  const fallbacks = new Map<string, number>();
  // one pool of threads for the recurrence and the elementwise kernels (calls never overlap: each
  // returns before the next begins)
  const pool = threads > 1 ? addon.createThreadPool(threads) : null;
  const kernels: KernelTable = createNativeKernels({ addon, fallback: host.kernels, fallbacks, threads, pool, isa });
  kernels.recurrent = createNativeRecurrence(addon, host, isa, threads, pool);
  addon.setBlasThreads(threads);
  return {
    name: options.name ?? 'native',
    kernels,
    allocate: host.allocate,
    track: host.track,
    stats: host.stats,
    threads,
    isa,
    info: { ...addon.info(), chosenBlasCore, features },
    nativeKernels: nativeKernelNames,
    fallbacks,
  };
}
