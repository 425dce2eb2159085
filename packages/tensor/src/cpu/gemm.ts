import type { GemmArgs, PackBArgs, PackedOperand } from '../backend.js';
import { fail } from '../shape.js';
import { gemmBlocked } from './gemmBlocked.js';
import { createWasmGemm, type WasmGemm } from './gemmWasm.js';

/**
 * Products with fewer multiply-adds than this (`m·n·k`) run in TypeScript: below it, packing
 * and the call into WebAssembly cost more than they save (measured here: 4×4×4 is twice as fast
 * in TypeScript, 8×8×8 already three times faster in WebAssembly).
 */
export const wasmThreshold = 256;

let shared: WasmGemm | null | undefined;

/** The WebAssembly gemm of this thread, created on first use; `null` without WebAssembly SIMD. */
function wasmGemm(): WasmGemm | null {
  if (shared === undefined) shared = createWasmGemm();
  return shared;
}

/**
 * Whether this runtime runs the WebAssembly SIMD kernel (otherwise float32 runs in TypeScript).
 *
 * @example
 * hasWasmGemm(); // true in Node 16.4+ and current browsers
 */
export function hasWasmGemm(): boolean {
  return wasmGemm() !== null;
}

/**
 * The CPU backend's matrix product, `C ← alpha·op(A)·op(B) + beta·C` (BLAS `sgemm`/`dgemm`,
 * row-major; see {@link GemmArgs}).
 *
 * Shapes: `op(A)`: `[m, k]` (stored `[k, m]` with `transA`), `op(B)`: `[k, n]` (stored `[n, k]`
 * with `transB`), `C`: `[m, n]`; row `i` of each stored matrix starts at `offset + i·ld`.
 *
 * - float32 operands run on a WebAssembly SIMD kernel with cache blocking and packing: every
 *   transpose combination runs at the same speed;
 * - float64 (or mixed) operands, small products, and runtimes without WebAssembly SIMD run the
 *   blocked TypeScript kernel {@link gemmBlocked};
 * - `beta = 0` overwrites `C` without reading it (NaN or Inf already in `C` do not leak into
 *   the result), as PyTorch's `addmm` does; `alpha = 0` or `k = 0` only scales `C` by `beta`.
 *   Otherwise NaN and Inf propagate as IEEE arithmetic says (`0·Inf = NaN`).
 * - `C` must not overlap `A` or `B`.
 *
 * Throws when a size is not a non-negative integer or a matrix runs past the end of its array.
 *
 * @example
 * // C[2×4] = A[2×3] · B[4×3]ᵀ
 * gemm({ transA: false, transB: true, m: 2, n: 4, k: 3, alpha: 1, a, aOffset: 0, lda: 3,
 *   b, bOffset: 0, ldb: 3, beta: 0, c, cOffset: 0, ldc: 4 });
 */
export function gemm(args: GemmArgs): void {
  gemmOn(wasmGemm(), args);
}

/**
 * Packs `op(B)` once for many {@link gemm} calls that pass it as `packedB` (the CPU backend's
 * `packB` kernel): a recurrent layer packs `W_hh` before its time loop and releases it after, so
 * the product of each step skips re-packing the whole weight. Null for float64 operands or
 * without WebAssembly SIMD (those products never pack). Release it when done.
 *
 * Shapes: `op(B)` is `[k, n]` (stored `[n, k]` with `transB`), row stride `ldb` from `bOffset`.
 *
 * @example
 * const packed = packB({ transB: true, k: H, n: 4 * H, b: weightHh, bOffset: 0, ldb: H });
 * try {
 *   for (let t = 0; t < T; t++) gemm({ ...stepArgs(t), packedB: packed });
 * } finally {
 *   packed?.release();
 * }
 */
export function packB(args: PackBArgs): PackedOperand | null {
  return packBOn(wasmGemm(), args);
}

/** {@link packB} into the memory of `fast` (null without it). */
export function packBOn(fast: WasmGemm | null, args: PackBArgs): PackedOperand | null {
  const { transB, k, n } = args;
  checkSizes('packB', { k, n });
  if (k > 0 && n > 0) checkMatrix('B', args.b, args.bOffset, args.ldb, transB ? n : k, transB ? k : n, 'packB');
  return fast === null ? null : fast.packB(args);
}

/** {@link gemm} with float32 products of at least {@link wasmThreshold} multiply-adds run on `fast`. */
export function gemmOn(fast: WasmGemm | null, args: GemmArgs): void {
  checkGemmArgs(args);
  const { a, b, c, m, n, k } = args;
  if (fast !== null && a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array && m * n * k >= wasmThreshold) {
    fast.gemm(args);
  } else {
    gemmBlocked(args);
  }
}

/**
 * Checks the sizes, leading dimensions and offsets of a gemm call against its arrays.
 * Throws `gemm: expected …, got …` naming the first problem.
 */
export function checkGemmArgs(args: GemmArgs): void {
  const { transA, transB, m, n, k } = args;
  checkSizes('gemm', { m, n, k });
  if (m === 0 || n === 0) return;
  checkMatrix('C', args.c, args.cOffset, args.ldc, m, n);
  if (k === 0) return;
  checkMatrix('A', args.a, args.aOffset, args.lda, transA ? k : m, transA ? m : k);
  checkMatrix('B', args.b, args.bOffset, args.ldb, transB ? n : k, transB ? k : n);
}

function checkSizes(op: string, sizes: Record<string, number>): void {
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 0) fail(op, `${name} a non-negative integer`, String(value));
  }
}

function checkMatrix(name: string, data: Float32Array | Float64Array, offset: number, stride: number, rows: number, columns: number, op = 'gemm'): void {
  const ld = `ld${name.toLowerCase()}`;
  if (!Number.isInteger(offset) || offset < 0) fail(op, `${name} offset a non-negative integer`, String(offset));
  if (!Number.isInteger(stride) || stride < columns) fail(op, `${ld} ≥ ${columns} (columns of the stored ${name})`, `${ld} ${stride}`);
  const end = offset + (rows - 1) * stride + columns;
  if (end > data.length) {
    fail(op, `${name} [${rows}, ${columns}] (${ld} ${stride}, offset ${offset}) inside its array of ${data.length}`, `an end at ${end}`);
  }
}
