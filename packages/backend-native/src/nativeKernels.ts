import {
  type AxisLayout, type BinaryOp, type DataArray, type GemmArgs, type KernelTable, type ReduceOp, type Strided, type UnaryOp, binaryOps, reduceOps, unaryOps,
} from '@recurrent/tensor';
import type { NativeAddon } from './loadAddon.js';

/** What {@link createNativeKernels} works with. */
export interface NativeKernelContext {
  addon: NativeAddon;
  /** The CPU backend's kernels, for what the addon does not run. */
  fallback: KernelTable;
  /** Calls that ran on `fallback`, by kernel name. */
  fallbacks: Map<string, number>;
  threads: number;
  /** The backend's thread pool (null with one thread): elementwise kernels split arrays of 64K
   * elements and more across it. */
  pool: object | null;
  /** Instruction set of the C kernels. */
  isa: string;
}

/** The kernels of the table that run in the addon. */
export const nativeKernelNames: readonly string[] = ['gemm', 'unary', 'affine', 'clamp', 'binary', 'copy', 'reduce', 'softmax', 'recurrent'];

const isaCodes: Record<string, number> = { scalar: 0, avx2: 1, avx512: 2 };

/**
 * The native kernel table: each kernel calls the addon on the caller's arrays, and hands the call
 * to the CPU kernel (counted) where the addon does not take it.
 */
export function createNativeKernels(context: NativeKernelContext): KernelTable {
  const { addon, fallback, fallbacks, threads, pool } = context;
  const isa = isaCodes[context.isa];
  const count = (name: string) => fallbacks.set(name, (fallbacks.get(name) ?? 0) + 1);
  const delegate = <K extends keyof KernelTable>(name: K) => {
    const kernel = fallback[name] as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => {
      count(name);
      return kernel(...args);
    }) as KernelTable[K];
  };
  return {
    unary(op: UnaryOp, x: DataArray, out: DataArray): void {
      if (addon.unary(isa, unaryOps.indexOf(op), x, out, pool)) return;
      count('unary');
      fallback.unary(op, x, out);
    },
    affine(x: DataArray, scale: number, shift: number, out: DataArray): void {
      if (addon.affine(isa, x, scale, shift, out, pool)) return;
      count('affine');
      fallback.affine(x, scale, shift, out);
    },
    clamp(x: DataArray, low: number, high: number, out: DataArray): void {
      if (addon.clamp(isa, x, low, high, out, pool)) return;
      count('clamp');
      fallback.clamp(x, low, high, out);
    },
    binary(op: BinaryOp, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void {
      const walk = collapse(shape, a.strides, b.strides);
      if (walk && addon.binary(isa, binaryOps.indexOf(op), a.data, a.offset, walk.a0, walk.a1, b.data, b.offset, walk.b0, walk.b1, out, walk.outer, walk.inner, pool)) {
        return;
      }
      count('binary');
      fallback.binary(op, a, b, out, shape);
    },
    where: delegate('where'),
    copy(source: Strided, out: DataArray, shape: readonly number[]): void {
      const walk = collapse(shape, source.strides, source.strides);
      if (walk && addon.copy(source.data, source.offset, walk.a0, walk.a1, out, walk.outer, walk.inner)) return;
      if (copySlabs(addon, source, out, shape)) return;
      count('copy');
      fallback.copy(source, out, shape);
    },
    reduce(op: ReduceOp, x: DataArray, layout: AxisLayout, out: DataArray): void {
      if (addon.reduce(isa, reduceOps.indexOf(op), x, layout.outer, layout.length, layout.inner, out, pool)) return;
      count('reduce');
      fallback.reduce(op, x, layout, out);
    },
    argReduce: delegate('argReduce'),
    softmax(x: DataArray, layout: AxisLayout, log: boolean, out: DataArray): void {
      if (addon.softmax(isa, x, layout.outer, layout.length, layout.inner, log, out, pool)) return;
      count('softmax');
      fallback.softmax(x, layout, log, out);
    },
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

/**
 * A view that does not collapse to two axes (a swap of the leading axes, as a batch-first layer's
 * transpose `[B, T, H] ↔ [T, B, H]`): one two-axis copy per index of the first axis, each into its
 * contiguous slab of `out`, when the rest collapses and each slab is long enough (1,024 elements)
 * to be worth a call. False where it does not apply (the caller's fallback then writes everything).
 */
function copySlabs(addon: NativeAddon, source: Strided, out: DataArray, shape: readonly number[]): boolean {
  if (shape.length < 3 || shape[0] < 2) return false;
  const slab = out.length / shape[0];
  if (!(slab >= 1024)) return false;
  const strides = source.strides.slice(1);
  const walk = collapse(shape.slice(1), strides, strides);
  if (!walk) return false;
  for (let i = 0; i < shape[0]; i++) {
    const offset = source.offset + i * source.strides[0];
    if (!addon.copy(source.data, offset, walk.a0, walk.a1, out.subarray(i * slab, (i + 1) * slab), walk.outer, walk.inner)) return false;
  }
  return true;
}

/** Two operands over `shape` as at most two axes `[outer, inner]` (axes of size 1 dropped,
 * neighbours merged where both operands step through them as one), or null when that leaves
 * more than two axes or a negative stride (those run on the CPU kernel). */
export function collapse(shape: readonly number[], a: readonly number[], b: readonly number[]):
  { outer: number; inner: number; a0: number; a1: number; b0: number; b1: number } | null {
  const axes: { size: number; a: number; b: number }[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    if (a[i] < 0 || b[i] < 0) return null;
    const last = axes[axes.length - 1];
    if (last && last.a === a[i] * shape[i] && last.b === b[i] * shape[i]) {
      last.size *= shape[i];
      last.a = a[i];
      last.b = b[i];
    } else {
      axes.push({ size: shape[i], a: a[i], b: b[i] });
    }
  }
  if (axes.length > 2) return null;
  if (axes.length === 0) return { outer: 1, inner: 1, a0: 0, a1: 0, b0: 0, b1: 0 };
  if (axes.length === 1) return { outer: 1, inner: axes[0].size, a0: 0, a1: axes[0].a, b0: 0, b1: axes[0].b };
  return { outer: axes[0].size, inner: axes[1].size, a0: axes[0].a, a1: axes[1].a, b0: axes[0].b, b1: axes[1].b };
}
