import type { GemmArgs } from '../backend.js';
import { gemmKernelShape } from '../wasm/gemmKernelShape.js';
import { gemmKernelModule, instantiateGemmKernel, type GemmKernelExports } from '../wasm/gemmKernelModule.js';
import { copyBlock, stageBlock } from './gemmPack.js';
import { scaleC } from './gemmBlocked.js';

const { mr, nr } = gemmKernelShape;

/** Block sizes of the WebAssembly gemm (tests shrink them to reach every edge with small matrices). */
export interface GemmBlocking {
  /** Steps of k per packed block: one packed panel of B (depth · nr floats) stays in L1. */
  depth: number;
  /** Rows of op(A) per packed block (a multiple of mr): the packed block of A stays in L2. */
  rows: number;
  /** Columns of C per tile (a multiple of nr): the packed block of B stays in L2 or L3. */
  columns: number;
  /** Floats of C held in WebAssembly memory at once, so huge products do not grow memory without end. */
  tileFloats: number;
}

/** The block sizes used unless told otherwise, tuned with bench/matmul.bench.ts. */
export const defaultGemmBlocking: GemmBlocking = { depth: 256, rows: 256, columns: 4096, tileFloats: 1 << 22 };

/** Bytes at the start of memory kept for the threaded gemm's control words. */
export const controlBytes = 128;

/** Runs the kernel over one packed block; the threaded gemm splits it between threads. */
export type KernelRunner = GemmKernelExports['kernel'];

const roundUp = (value: number, step: number) => Math.ceil(value / step) * step;

/**
 * The float32 matrix product on the WebAssembly SIMD kernel. Each call packs blocks of `op(A)`
 * and `op(B)` into WebAssembly memory (so the transpose flags only change the packing), runs the
 * register-blocked kernel over them and copies `C` back. Memory grows to the largest problem seen
 * and is reused: a steady state allocates nothing.
 *
 * `beta = 0` overwrites `C` without reading it (NaN in `C` is ignored, as PyTorch's `addmm`
 * does); `alpha = 0` or `k = 0` only scales `C` by `beta`.
 */
export class WasmGemm {
  /** The memory the kernel works in (shared for the threaded gemm). */
  readonly memory: WebAssembly.Memory;
  /** The kernel of this thread. */
  readonly exports: GemmKernelExports;
  /** What runs the kernel over a packed block: the kernel itself, or a split over threads. */
  run: KernelRunner;
  private floats: Float32Array;

  private readonly blocking: GemmBlocking;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, blocking: GemmBlocking = defaultGemmBlocking) {
    if (blocking.rows % mr !== 0 || blocking.columns % nr !== 0) {
      throw new Error(`WasmGemm: expected rows a multiple of ${mr} and columns of ${nr}, got ${blocking.rows} and ${blocking.columns}`);
    }
    this.blocking = blocking;
    this.memory = memory;
    this.exports = instantiateGemmKernel(module, memory);
    this.run = this.exports.kernel;
    this.floats = new Float32Array(memory.buffer);
  }

  /** `C ← alpha·op(A)·op(B) + beta·C` on float32 arrays. */
  gemm(args: GemmArgs): void {
    const { transA, transB, m, n, k, alpha, beta, aOffset, lda, bOffset, ldb, cOffset, ldc } = args;
    const a = args.a as Float32Array;
    const b = args.b as Float32Array;
    const c = args.c as Float32Array;
    if (m === 0 || n === 0) return;
    if (k === 0 || alpha === 0) {
      scaleC(args);
      return;
    }
    // Block sizes, balanced so that the last block is not a sliver.
    const { depth: blockDepth, rows: blockRows, columns: tileColumns, tileFloats } = this.blocking;
    const depthMax = Math.ceil(k / Math.ceil(k / blockDepth));
    const columnsMax = roundUp(Math.ceil(n / Math.ceil(n / tileColumns)), nr);
    const rowsLimit = Math.max(blockRows, Math.floor(tileFloats / columnsMax / blockRows) * blockRows);
    const tileRowsMax = roundUp(Math.ceil(m / Math.ceil(m / rowsLimit)), mr);
    const rowsMax = roundUp(Math.ceil(tileRowsMax / Math.ceil(tileRowsMax / blockRows)), mr);
    const pa = controlBytes;
    const pb = pa + rowsMax * depthMax * 4;
    const ps = pb + depthMax * columnsMax * 4;
    const pc = ps + Math.max(rowsMax, columnsMax) * depthMax * 4;
    this.reserve(pc + tileRowsMax * columnsMax * 4);
    const { packDirect, packTransposed } = this.exports;
    const floats = this.floats;
    const stage = ps / 4;
    const firstMode = beta === 0 ? 0 : beta === 1 ? 1 : 2;
    for (let j0 = 0; j0 < n; j0 += columnsMax) {
      const columns = Math.min(columnsMax, n - j0);
      const paddedColumns = roundUp(columns, nr);
      const tileStride = paddedColumns * 4;
      for (let i0 = 0; i0 < m; i0 += tileRowsMax) {
        const tileRows = Math.min(tileRowsMax, m - i0);
        const cIndex = cOffset + i0 * ldc + j0;
        if (firstMode !== 0) copyBlock(c, cIndex, ldc, floats, pc / 4, paddedColumns, tileRows, columns);
        for (let p0 = 0; p0 < k; p0 += depthMax) {
          const depth = Math.min(depthMax, k - p0);
          // Stage op(B)[p0:, j0:] as stored (rows are steps of k, or columns when transposed), then pack.
          if (transB) {
            stageBlock(b, bOffset + j0 * ldb + p0, ldb, columns, depth, floats, stage, depth, paddedColumns, depth);
            packTransposed(ps, depth * 4, paddedColumns / nr, nr * 4, depth, pb);
          } else {
            stageBlock(b, bOffset + p0 * ldb + j0, ldb, depth, columns, floats, stage, paddedColumns, depth, paddedColumns);
            packDirect(ps, tileStride, paddedColumns / nr, nr * 4, depth, pb);
          }
          const mode = p0 === 0 ? firstMode : 1;
          for (let i1 = 0; i1 < tileRows; i1 += rowsMax) {
            const rows = Math.min(rowsMax, tileRows - i1);
            const paddedRows = roundUp(rows, mr);
            const i = i0 + i1;
            if (transA) {
              stageBlock(a, aOffset + p0 * lda + i, lda, depth, rows, floats, stage, paddedRows, depth, paddedRows);
              packDirect(ps, paddedRows * 4, paddedRows / mr, mr * 4, depth, pa);
            } else {
              stageBlock(a, aOffset + i * lda + p0, lda, rows, depth, floats, stage, depth, paddedRows, depth);
              packTransposed(ps, depth * 4, paddedRows / mr, mr * 4, depth, pa);
            }
            this.run(paddedRows, paddedColumns, depth, pa, pb, pc + i1 * tileStride, tileStride, alpha, beta, mode);
          }
        }
        copyBlock(floats, pc / 4, paddedColumns, c, cIndex, ldc, tileRows, columns);
      }
    }
  }

  /** Grows memory to at least `bytes` and refreshes the view on it. */
  private reserve(bytes: number): void {
    const have = this.floats.length * 4;
    if (have >= bytes) return;
    this.memory.grow(Math.ceil((bytes - have) / 65536));
    this.floats = new Float32Array(this.memory.buffer);
  }
}

/**
 * Creates a single-threaded WebAssembly gemm with its own memory, or returns `null` where
 * WebAssembly SIMD is unavailable.
 *
 * @example
 * const fast = createWasmGemm();
 * if (fast) fast.gemm({ transA: false, transB: true, m, n, k, alpha: 1, a, aOffset: 0, lda: k,
 *   b, bOffset: 0, ldb: k, beta: 0, c, cOffset: 0, ldc: n });
 */
export function createWasmGemm(blocking: GemmBlocking = defaultGemmBlocking): WasmGemm | null {
  const module = gemmKernelModule(false);
  return module ? new WasmGemm(module, new WebAssembly.Memory({ initial: 1 }), blocking) : null;
}
