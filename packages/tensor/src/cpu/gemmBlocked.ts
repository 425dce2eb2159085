import type { GemmArgs } from '../backend.js';
import { gemmReference } from './gemmReference.js';

/** Columns of op(B) per packed block. */
const blockColumns = 256;
/** Steps of k per packed block (the block, `depth × columns` float64, fits L2). */
const blockDepth = 128;
/** Rows of C computed together, each step of k reading a value of the packed B once for all of them. */
const rowGroup = 4;

// Scratch reused across calls (grown once): the packed block of op(B) and the accumulators.
let packedB = new Float64Array(0);
let accumulators = new Float64Array(0);

/**
 * `C ← beta·C` over the `m × n` block of `C`, where `beta = 0` writes zeros (NaN in `C` is
 * overwritten, as PyTorch's `addmm` does with `beta = 0`).
 */
export function scaleC(args: GemmArgs): void {
  const { m, n, beta, c, cOffset, ldc } = args;
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const row = cOffset + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else for (let j = 0; j < n; j++) c[row + j] *= beta;
  }
}

/**
 * The matrix product in TypeScript, for float64 and where WebAssembly SIMD is missing:
 * `C ← alpha·op(A)·op(B) + beta·C`. It packs blocks of `op(B)` (so transposes read contiguous
 * memory in the hot loop) and updates four rows of `C` per pass over a packed row, accumulating in
 * float64; fewer than eight rows run the plain loops. Two to four times faster than
 * {@link gemmReference} on larger products; same `beta = 0` rule as {@link scaleC}.
 *
 * @example
 * gemmBlocked({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a, aOffset: 0, lda: 2,
 *   b, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 });
 */
export function gemmBlocked(args: GemmArgs): void {
  const { transA, transB, m, n, k, alpha, beta, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc } = args;
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    scaleC(args);
    return;
  }
  if (m < 2 * rowGroup) {
    // Too few rows to pay for packing B: the plain loops read B in place.
    gemmReference(args);
    return;
  }
  // op(A)[i, p] = a[aOffset + i·aRow + p·aDepth]; op(B)[p, j] = b[bOffset + p·bDepth + j·bColumn].
  const aRow = transA ? 1 : lda;
  const aDepth = transA ? lda : 1;
  const bDepth = transB ? 1 : ldb;
  const bColumn = transB ? ldb : 1;
  const columnsMax = Math.min(n, blockColumns);
  const depthMax = Math.min(k, blockDepth);
  if (packedB.length < columnsMax * depthMax) packedB = new Float64Array(blockColumns * blockDepth);
  if (accumulators.length < rowGroup * columnsMax) accumulators = new Float64Array(rowGroup * blockColumns);
  const bp = packedB;
  const acc = accumulators;
  for (let j0 = 0; j0 < n; j0 += columnsMax) {
    const columns = Math.min(columnsMax, n - j0);
    for (let p0 = 0; p0 < k; p0 += depthMax) {
      const depth = Math.min(depthMax, k - p0);
      const bBase = bOffset + p0 * bDepth + j0 * bColumn;
      if (bColumn === 1) {
        for (let p = 0; p < depth; p++) for (let j = 0, from = bBase + p * bDepth; j < columns; j++) bp[p * columns + j] = b[from + j];
      } else {
        for (let j = 0; j < columns; j++) for (let p = 0, from = bBase + j * bColumn; p < depth; p++) bp[p * columns + j] = b[from + p * bDepth];
      }
      for (let i = 0; i < m; i += rowGroup) {
        const rows = Math.min(rowGroup, m - i);
        acc.fill(0, 0, rowGroup * columns);
        const aBase = aOffset + i * aRow + p0 * aDepth;
        for (let p = 0; p < depth; p++) {
          const at = aBase + p * aDepth;
          const a0 = a[at];
          const a1 = rows > 1 ? a[at + aRow] : 0;
          const a2 = rows > 2 ? a[at + 2 * aRow] : 0;
          const a3 = rows > 3 ? a[at + 3 * aRow] : 0;
          const row = p * columns;
          for (let j = 0; j < columns; j++) {
            const v = bp[row + j];
            acc[j] += a0 * v;
            acc[columns + j] += a1 * v;
            acc[2 * columns + j] += a2 * v;
            acc[3 * columns + j] += a3 * v;
          }
        }
        for (let r = 0; r < rows; r++) {
          const to = cOffset + (i + r) * ldc + j0;
          const from = r * columns;
          if (p0 > 0 || beta === 1) for (let j = 0; j < columns; j++) c[to + j] += alpha * acc[from + j];
          else if (beta === 0) for (let j = 0; j < columns; j++) c[to + j] = alpha * acc[from + j];
          else for (let j = 0; j < columns; j++) c[to + j] = beta * c[to + j] + alpha * acc[from + j];
        }
      }
    }
  }
}
