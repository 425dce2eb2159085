import type { GemmArgs, KernelTable } from '@recurrent/tensor';
import type { NativeAddon } from './loadAddon.js';

/** What {@link createNativeKernels} works with. */
export interface NativeKernelContext {
  addon: NativeAddon;
  /** The CPU backend's kernels, for what the addon does not run. */
  fallback: KernelTable;
  /** Calls that ran on `fallback`, by kernel name. */
  fallbacks: Map<string, number>;
  threads: number;
  /** Instruction set of the C kernels. */
  isa: string;
}

/** The kernels of the table that run in the addon. */
export const nativeKernelNames: readonly string[] = ['gemm'];

/**
 * The native kernel table: each kernel calls the addon on the caller's arrays, and hands the call
 * to the CPU kernel (counted) where the addon does not take it.
 */
export function createNativeKernels(context: NativeKernelContext): KernelTable {
  const { addon, fallback, fallbacks, threads } = context;
  const count = (name: string) => fallbacks.set(name, (fallbacks.get(name) ?? 0) + 1);
  const delegate = <K extends keyof KernelTable>(name: K) => {
    const kernel = fallback[name] as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => {
      count(name);
      return kernel(...args);
    }) as KernelTable[K];
  };
  return {
    unary: delegate('unary'),
    affine: delegate('affine'),
    clamp: delegate('clamp'),
    binary: delegate('binary'),
    where: delegate('where'),
    copy: delegate('copy'),
    reduce: delegate('reduce'),
    argReduce: delegate('argReduce'),
    softmax: delegate('softmax'),
    cumsum: delegate('cumsum'),
    gather: delegate('gather'),
    scatterAdd: delegate('scatterAdd'),
    gemm(args: GemmArgs): void {
      const { transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc } = args;
      // packedB is ignored: OpenBLAS packs inside each call, and packB returns null
      if (!addon.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, threads)) {
        count('gemm');
        fallback.gemm(args);
      }
    },
    packB: () => null,
  } satisfies KernelTable;
}
