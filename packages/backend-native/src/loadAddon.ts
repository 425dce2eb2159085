import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataArray } from '@recurrent/tensor';

/** What the addon reports about itself. */
export interface AddonInfo {
  /** The gate and elementwise kernels chosen for this CPU: `'avx512'`, `'avx2'` or `'scalar'`. */
  isa: 'avx512' | 'avx2' | 'scalar';
  /** The BLAS's configuration string (`OpenBLAS 0.3.21 DYNAMIC_ARCH …`). */
  blas: string;
  /** OpenBLAS's kernel family (`SkylakeX`, `Haswell`, `Prescott`), `unknown` on another BLAS. */
  blasCore: string;
  /** OpenBLAS's current thread count, −1 on another BLAS. */
  blasThreads: number;
}

/** The functions of the compiled addon (csrc/); each reads and writes typed arrays in place. */
export interface NativeAddon {
  info(): AddonInfo;
  setBlasThreads(threads: number): boolean;
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array | Float64Array, aOffset: number, lda: number, b: Float32Array | Float64Array, bOffset: number, ldb: number,
    beta: number, c: Float32Array | Float64Array, cOffset: number, ldc: number, threads: number,
  ): boolean;
  /** Elementwise kernels (csrc/elementwiseBinding.c); each returns false for dtypes it does not take.
   * `pool` (from {@link NativeAddon.createThreadPool}, or null for one thread) splits large arrays. */
  unary(isa: number, op: number, x: DataArray, out: DataArray, pool: object | null): boolean;
  affine(isa: number, x: DataArray, scale: number, shift: number, out: DataArray, pool: object | null): boolean;
  clamp(isa: number, x: DataArray, low: number, high: number, out: DataArray, pool: object | null): boolean;
  binary(isa: number, op: number, a: DataArray, aOffset: number, a0: number, a1: number, b: DataArray, bOffset: number, b0: number, b1: number,
    out: DataArray, outer: number, inner: number, pool: object | null): boolean;
  reduce(isa: number, op: number, x: DataArray, outer: number, length: number, inner: number, out: DataArray, pool: object | null): boolean;
  softmax(isa: number, x: DataArray, outer: number, length: number, inner: number, log: boolean, out: DataArray, pool: object | null): boolean;
  copy(source: DataArray, offset: number, s0: number, s1: number, out: DataArray, outer: number, inner: number): boolean;
  /** Whole-sequence forward (csrc/recurrenceBinding.c): named sizes, flags and arrays. */
  recurrentForward(args: Record<string, unknown>): void;
  /** Whole-sequence backward from the arrays a forward wrote. */
  recurrentBackward(args: Record<string, unknown>): void;
  /** A pool of `threads` participants (the caller and threads − 1 worker threads) for the
   * recurrence (the `pool` field of its arguments) and the elementwise kernels (their last
   * argument); its threads end when it is collected. */
  createThreadPool(threads: number): object;

}

/** The loaded addon and how its BLAS kernels were chosen. */
export interface LoadedAddon {
  addon: NativeAddon;
  /** The CPU features the addon saw (`avx2`, `avx512f`, …). */
  features: string[];
  /** The `OPENBLAS_CORETYPE` this package set while loading OpenBLAS, or null (the user's own
   * setting, another BLAS, or a CPU without AVX2). */
  chosenBlasCore: string | null;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const release = join(packageRoot, 'build', 'Release');
const require = createRequire(import.meta.url);
let loaded: LoadedAddon | undefined;

/**
 * The OpenBLAS kernel family for a CPU's features. OpenBLAS picks its kernels from the CPU model
 * when it loads, and a release older than the CPU (0.3.21 on a Xeon of family 6, model 207) falls
 * back to its SSE3 "Prescott" kernels, four to eight times slower; naming the family from the
 * features instead gives the kernels the CPU can run.
 */
export function blasCoreFor(features: readonly string[]): string | null {
  const has = (name: string) => features.includes(name);
  if (has('avx512f') && has('avx512bw') && has('avx512dq') && has('avx512vl')) return 'SkylakeX';
  if (has('avx2') && has('fma')) return 'Haswell';
  return null;
}

/** Why the addon is not there, as one sentence naming what is missing and how to install it
 * (from the `build/unavailable.json` the install script wrote under `root`). */
export function unavailableMessage(root: string = packageRoot): string {
  const statusFile = join(root, 'build', 'unavailable.json');
  const rebuild = 'then rebuild it (pnpm --filter @recurrent/backend-native build:addon, or npm rebuild @recurrent/backend-native)';
  if (existsSync(statusFile)) {
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as { missing: string[]; detail: string | null; command: string };
    const what = status.missing.length > 0 ? `missing ${status.missing.join(', ')}` : (status.detail ?? 'the build failed');
    return `createNativeBackend: expected the native addon built at install, got ${what}; install the toolchain (${status.command}), ${rebuild}`;
  }
  return `createNativeBackend: expected the native addon built at install, got no build in ${join(root, 'build', 'Release')} (the install script did not run); ${rebuild}`;
}

/**
 * Loads the addon once per process (Node keeps a loaded shared object anyway). Throws one error
 * naming what is missing, and the command that installs it, when the install could not build it.
 */
export function loadAddon(): LoadedAddon {
  if (loaded) return loaded;
  const path = join(release, 'recurrent_native.node');
  if (!existsSync(path)) throw new Error(unavailableMessage());
  const cpu = require(join(release, 'recurrent_cpu.node')) as { features(): string[] };
  const features = cpu.features();
  // OpenBLAS reads OPENBLAS_CORETYPE once, when it loads with the addon: set it for that moment
  // only (children of this process keep their own environment), never over the user's own choice
  const usesOpenBlas = process.env.RECURRENT_BLAS_LIBS === undefined;
  const chosenBlasCore = usesOpenBlas && process.env.OPENBLAS_CORETYPE === undefined ? blasCoreFor(features) : null;
  if (chosenBlasCore) process.env.OPENBLAS_CORETYPE = chosenBlasCore;
  try {
    loaded = { addon: require(path) as NativeAddon, features, chosenBlasCore };
  } finally {
    if (chosenBlasCore) delete process.env.OPENBLAS_CORETYPE;
  }
  return loaded;
}
