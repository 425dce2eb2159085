import type { GemmArgs, PackBArgs, PackedOperand } from '../backend.js';
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

/** Steps of k per packed block and columns per tile for a product of depth `k` and width `n`,
 * balanced so that the last block is not a sliver. */
function blockSizes(k: number, n: number, blocking: GemmBlocking): { depthMax: number; columnsMax: number } {
  const depthMax = Math.ceil(k / Math.ceil(k / blocking.depth));
  const columnsMax = roundUp(Math.ceil(n / Math.ceil(n / blocking.columns)), nr);
  return { depthMax, columnsMax };
}

/** A packed `op(B)` held in the gemm's memory (see {@link WasmGemm.packB}). */
class PackedB implements PackedOperand {
  released = false;
  constructor(
    readonly owner: WasmGemm, readonly args: PackBArgs,
    /** Byte offset of the packed blocks: tile after tile, each its depth blocks in order. */
    readonly start: number, readonly end: number,
  ) {}

  /** Whether a product with these arguments may read this packed copy instead of `b`. */
  fits(args: GemmArgs): boolean {
    const own = this.args;
    return !this.released && own.b === args.b && own.bOffset === args.bOffset && own.ldb === args.ldb
      && own.transB === args.transB && own.k === args.k && own.n === args.n;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.owner.dropReleased();
  }
}

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
  /** Operands packed by {@link WasmGemm.packB}, in the order they were made (a stack). */
  private readonly packs: PackedB[] = [];
  /** Byte offset where the packed operands end and each call's scratch begins. */
  private scratchStart = controlBytes;

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
    const { rows: blockRows, tileFloats } = this.blocking;
    const { depthMax, columnsMax } = blockSizes(k, n, this.blocking);
    const packed = args.packedB instanceof PackedB && args.packedB.owner === this && args.packedB.fits(args) ? args.packedB : null;
    const rowsLimit = Math.max(blockRows, Math.floor(tileFloats / columnsMax / blockRows) * blockRows);
    const tileRowsMax = roundUp(Math.ceil(m / Math.ceil(m / rowsLimit)), mr);
    const rowsMax = roundUp(Math.ceil(tileRowsMax / Math.ceil(tileRowsMax / blockRows)), mr);
    const pa = this.scratchStart;
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
          // The block of op(B) packed earlier (tiles before j0 hold k · columnsMax floats each), or
          // op(B)[p0:, j0:] staged as stored (rows are steps of k, or columns when transposed) and packed.
          const pbBlock = packed ? packed.start + (j0 * k + p0 * paddedColumns) * 4 : pb;
          if (!packed) this.packBlock(b, bOffset, ldb, transB, p0, j0, depth, columns, pb, ps);
          const mode = p0 === 0 ? firstMode : 1;
          for (let i1 = 0; i1 < tileRows; i1 += rowsMax) {
            const rows = Math.min(rowsMax, tileRows - i1);
            const paddedRows = roundUp(rows, mr);
            const i = i0 + i1;
            if (rows === 1) {
              // a single row (a batch of one): its own kernel reads the row as it is, no padding rows
              if (transA) stageBlock(a, aOffset + p0 * lda + i, lda, depth, 1, floats, pa / 4, 1, depth, 1);
              else stageBlock(a, aOffset + i * lda + p0, lda, 1, depth, floats, pa / 4, depth, 1, depth);
              this.exports.kernelRow(paddedColumns, depth, pa, pbBlock, pc + i1 * tileStride, alpha, beta, mode);
              continue;
            }
            if (transA) {
              stageBlock(a, aOffset + p0 * lda + i, lda, depth, rows, floats, stage, paddedRows, depth, paddedRows);
              packDirect(ps, paddedRows * 4, paddedRows / mr, mr * 4, depth, pa);
            } else {
              stageBlock(a, aOffset + i * lda + p0, lda, rows, depth, floats, stage, depth, paddedRows, depth);
              packTransposed(ps, depth * 4, paddedRows / mr, mr * 4, depth, pa);
            }
            this.run(paddedRows, paddedColumns, depth, pa, pbBlock, pc + i1 * tileStride, tileStride, alpha, beta, mode);
          }
        }
        copyBlock(floats, pc / 4, paddedColumns, c, cIndex, ldc, tileRows, columns);
      }
    }
  }

  /** Stages block `[p0, p0 + depth) × [j0, j0 + columns)` of op(B) at byte `ps` and packs it into byte `pb`. */
  private packBlock(
    b: Float32Array, bOffset: number, ldb: number, transB: boolean,
    p0: number, j0: number, depth: number, columns: number, pb: number, ps: number,
  ): void {
    const paddedColumns = roundUp(columns, nr);
    const stage = ps / 4;
    if (transB) {
      stageBlock(b, bOffset + j0 * ldb + p0, ldb, columns, depth, this.floats, stage, depth, paddedColumns, depth);
      this.exports.packTransposed(ps, depth * 4, paddedColumns / nr, nr * 4, depth, pb);
    } else {
      stageBlock(b, bOffset + p0 * ldb + j0, ldb, depth, columns, this.floats, stage, paddedColumns, depth, paddedColumns);
      this.exports.packDirect(ps, paddedColumns * 4, paddedColumns / nr, nr * 4, depth, pb);
    }
  }

  /**
   * Packs `op(B)` (float32) once into this gemm's memory for many products that pass the result
   * as {@link GemmArgs.packedB}: they skip staging and packing it, which for a recurrent weight
   * multiplied by a small batch at every step is a large part of the product. Packed operands
   * are kept as a stack below each call's scratch memory; release them (newest first is best:
   * memory is reclaimed from the top) when the loop is done. `b` must not change while packed.
   */
  packB(args: PackBArgs): PackedOperand | null {
    const { transB, k, n, bOffset, ldb } = args;
    if (!(args.b instanceof Float32Array) || k === 0 || n === 0) return null;
    const b = args.b;
    const { depthMax, columnsMax } = blockSizes(k, n, this.blocking);
    const paddedWidth = roundUp(n, nr);
    const start = this.scratchStart;
    const end = start + k * paddedWidth * 4;
    // staging space for one block after the packed area
    this.reserve(end + depthMax * columnsMax * 4);
    for (let j0 = 0; j0 < n; j0 += columnsMax) {
      const columns = Math.min(columnsMax, n - j0);
      const paddedColumns = roundUp(columns, nr);
      for (let p0 = 0; p0 < k; p0 += depthMax) {
        const depth = Math.min(depthMax, k - p0);
        this.packBlock(b, bOffset, ldb, transB, p0, j0, depth, columns, start + (j0 * k + p0 * paddedColumns) * 4, end);
      }
    }
    const packed = new PackedB(this, { ...args }, start, end);
    this.packs.push(packed);
    this.scratchStart = end;
    return packed;
  }

  /** Frees the memory of released packed operands on top of the stack (called by their `release`). */
  dropReleased(): void {
    while (this.packs.length > 0 && this.packs[this.packs.length - 1].released) this.packs.pop();
    this.scratchStart = this.packs.length > 0 ? this.packs[this.packs.length - 1].end : controlBytes;
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
