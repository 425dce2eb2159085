import type { Strided, UnaryOp } from '../backend.js';
import type { DataArray } from '../dtype.js';
import { affineWasm, unaryWasm } from './elementwiseWasm.js';
import { collapse, flatStep, isContiguous } from './strided.js';

/** `out[i] = f(x[i])`: float32 on WebAssembly SIMD where it applies (src/cpu/elementwiseWasm.ts),
 * else {@link unaryLoop}. */
export function unary(op: UnaryOp, x: DataArray, out: DataArray): void {
  if (!unaryWasm(op, x, out)) unaryLoop(op, x, out);
}

/** `out[i] = f(x[i])` in TypeScript, the reference. One loop per function: a switch outside the
 * loop keeps each loop tight. */
export function unaryLoop(op: UnaryOp, x: DataArray, out: DataArray): void {
  const n = x.length;
  if ((op === 'neg' || op === 'abs' || op === 'relu') && x instanceof Float32Array && out instanceof Float32Array) {
    return signBits(op, new Int32Array(x.buffer, x.byteOffset, n), new Int32Array(out.buffer, out.byteOffset, n));
  }
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[i]; return;
    case 'abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]); return;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]); return;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(x[i]); return;
    case 'log1p': for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]); return;
    case 'expm1': for (let i = 0; i < n; i++) out[i] = Math.expm1(x[i]); return;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); return;
    case 'rsqrt': for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[i]); return;
    case 'square': for (let i = 0; i < n; i++) out[i] = x[i] * x[i]; return;
    case 'reciprocal': for (let i = 0; i < n; i++) out[i] = 1 / x[i]; return;
    case 'tanh':
      if (out instanceof Float32Array) {
        // tanh v = 1 − 2/(e^{2v} + 1), about a third faster than Math.tanh and, computed in
        // float64, within float32 rounding of it; below |v| < 1e-4, tanh v = v to float32 precision
        for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v < 1e-4 && v > -1e-4 ? v : 1 - 2 / (Math.exp(2 * v) + 1); }
      } else for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
    case 'sigmoid':
      // for float32 results the one-line form is exact enough and branch-free (e^{−v} = ∞ gives 0)
      if (out instanceof Float32Array) for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
      else for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]);
      return;
    case 'relu': for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? v : v !== v ? v : 0; } return;
    // softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}), stable for large |x|
    case 'softplus': for (let i = 0; i < n; i++) { const v = x[i]; out[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))); } return;
    case 'sign': for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? 1 : v < 0 ? -1 : v; } return;
    case 'sin': for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]); return;
    case 'cos': for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]); return;
    case 'floor': for (let i = 0; i < n; i++) out[i] = Math.floor(x[i]); return;
    case 'ceil': for (let i = 0; i < n; i++) out[i] = Math.ceil(x[i]); return;
    // round half to even, as PyTorch and NumPy do
    case 'round': for (let i = 0; i < n; i++) out[i] = roundHalfEven(x[i]); return;
    default: throw new Error(`unary: unknown op ${String(op)}`);
  }
}

/**
 * neg, abs and relu of float32 values as integer operations on their bits, with no branch to
 * mispredict on random signs: flip the sign bit, clear it, or zero every word whose sign bit is set
 * unless it is a NaN (exponent all ones, mantissa non-zero), which relu keeps.
 */
function signBits(op: 'neg' | 'abs' | 'relu', x: Int32Array, out: Int32Array): void {
  const n = x.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = x[i] ^ 0x80000000; return;
    case 'abs': for (let i = 0; i < n; i++) out[i] = x[i] & 0x7fffffff; return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const b = x[i];
        const nan = (0x7f800000 - (b & 0x7fffffff)) >> 31; // −1 for NaN, else 0
        out[i] = b & ~((b >> 31) & ~nan);
      }
      return;
  }
}

/** The logistic function, written so that neither branch overflows. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `out[i] = x[i]·scale + shift` (float32 on WebAssembly SIMD where it applies, bit for bit the same). */
export function affine(x: DataArray, scale: number, shift: number, out: DataArray): void {
  if (affineWasm(x, scale, shift, out)) return;
  for (let i = 0; i < x.length; i++) out[i] = x[i] * scale + shift;
}

/** `out[i] = min(max(x[i], low), high)`, NaN kept. */
export function clamp(x: DataArray, low: number, high: number, out: DataArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v < low ? low : v > high ? high : v;
  }
}

/** `out = condition ≠ 0 ? a : b` over broadcast operands. */
export function where(condition: Strided, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void {
  const n = out.length;
  const sc = flatStep(condition, shape);
  const sa = flatStep(a, shape);
  const sb = flatStep(b, shape);
  if (sc >= 0 && sa >= 0 && sb >= 0) {
    // every operand is contiguous (step 1) or one value (step 0): one flat loop
    const c = condition.data, x = a.data, y = b.data;
    for (let o = 0, ic = condition.offset, ia = a.offset, ib = b.offset; o < n; o++, ic += sc, ia += sa, ib += sb) {
      out[o] = c[ic] !== 0 ? x[ia] : y[ib];
    }
    return;
  }
  // General case: rows of the last (collapsed) axis, counters for the others.
  const { shape: walk, strides: [stridesC, stridesA, stridesB] } = collapse(shape, [condition.strides, a.strides, b.strides]);
  const rank = walk.length;
  const last = walk[rank - 1];
  const stepC = stridesC[rank - 1], stepA = stridesA[rank - 1], stepB = stridesB[rank - 1];
  const c = condition.data, x = a.data, y = b.data;
  const index = new Array<number>(rank - 1).fill(0);
  let rowC = condition.offset, rowA = a.offset, rowB = b.offset;
  for (let start = 0; start < n; start += last) {
    for (let o = start, end = start + last, ic = rowC, ia = rowA, ib = rowB; o < end; o++, ic += stepC, ia += stepA, ib += stepB) {
      out[o] = c[ic] !== 0 ? x[ia] : y[ib];
    }
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]++;
      rowC += stridesC[axis];
      rowA += stridesA[axis];
      rowB += stridesB[axis];
      if (index[axis] < walk[axis]) break;
      rowC -= stridesC[axis] * walk[axis];
      rowA -= stridesA[axis] * walk[axis];
      rowB -= stridesB[axis] * walk[axis];
      index[axis] = 0;
    }
  }
}

/** Copies a strided view into contiguous storage. */
export function copy(source: Strided, out: DataArray, shape: readonly number[]): void {
  const n = out.length;
  if (n === 0) return;
  if (isContiguous(source, shape)) {
    out.set(source.data.subarray(source.offset, source.offset + n));
    return;
  }
  const { shape: walk, strides: [strides] } = collapse(shape, [source.strides]);
  const rank = walk.length;
  const last = walk[rank - 1];
  const step = strides[rank - 1];
  if ((rank === 2 || rank === 3) && strides[rank - 2] === 1 && last >= 16 && walk[rank - 2] >= 16) {
    // a transpose (of each matrix of a batch): tiles keep both the reads and the writes in cache
    const matrices = rank === 3 ? walk[0] : 1;
    const matrixStride = rank === 3 ? strides[0] : 0;
    const rows = walk[rank - 2];
    for (let m = 0; m < matrices; m++) transposeTiles(source.data, source.offset + m * matrixStride, step, out, m * rows * last, rows, last);
    return;
  }
  const index = new Array<number>(rank - 1).fill(0);
  const data = source.data;
  let offset = source.offset;
  for (let start = 0; start < n; start += last) {
    // long unit-stride rows go through set (a memcpy when the dtypes agree)
    if (step === 1 && last >= 32) out.set(data.subarray(offset, offset + last), start);
    else for (let j = 0, s = offset; j < last; j++, s += step) out[start + j] = data[s];
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]++;
      offset += strides[axis];
      if (index[axis] < walk[axis]) break;
      offset -= strides[axis] * walk[axis];
      index[axis] = 0;
    }
  }
}

/** `out[r, c] = data[offset + r + c·step]` for an `rows × columns` output, in 32 × 32 tiles. */
function transposeTiles(data: DataArray, offset: number, step: number, out: DataArray, outOffset: number, rows: number, columns: number): void {
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(r0 + tile, rows);
    for (let c0 = 0; c0 < columns; c0 += tile) {
      const c1 = Math.min(c0 + tile, columns);
      for (let r = r0; r < r1; r++) {
        const row = outOffset + r * columns;
        for (let c = c0, p = offset + r + c0 * step; c < c1; c++, p += step) out[row + c] = data[p];
      }
    }
  }
}
