import type { BinaryOp, Strided } from '../backend.js';
import type { DataArray } from '../dtype.js';
import { binaryWasm, wasmElementwiseThreshold, type OperandRead } from './elementwiseWasm.js';
import { collapse, isContiguous, isScalarRead } from './strided.js';

/** Binary elementwise op over broadcast operands: add, sub, mul and div of float32 on WebAssembly
 * SIMD where the operands are flat, a repeated row, one value per row or one value
 * (src/cpu/elementwiseWasm.ts), else {@link binaryLoop}. */
export function binary(op: BinaryOp, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void {
  if (out.length >= wasmElementwiseThreshold && out instanceof Float32Array && (op === 'add' || op === 'sub' || op === 'mul' || op === 'div')) {
    const { shape: walk, strides: [stridesA, stridesB] } = collapse(shape, [a.strides, b.strides]);
    if (walk.length <= 2) {
      const readA = operandRead(walk, stridesA);
      const readB = operandRead(walk, stridesB);
      const rows = walk.length === 2 ? walk[0] : 1;
      const columns = walk[walk.length - 1];
      if (readA && readB && binaryWasm(op, a.data, a.offset, readA, b.data, b.offset, readB, out, rows, columns)) return;
    }
  }
  binaryLoop(op, a, b, out, shape);
}

/** How an operand steps over a collapsed walk of one or two axes, or null for any other way. */
function operandRead(walk: readonly number[], strides: readonly number[]): OperandRead | null {
  if (walk.length === 1) return strides[0] === 1 ? 'flat' : strides[0] === 0 ? 'scalar' : null;
  const [outer, inner] = strides;
  if (inner === 1) return outer === walk[1] ? 'flat' : outer === 0 ? 'row' : null;
  if (inner === 0) return outer === 1 ? 'column' : outer === 0 ? 'scalar' : null;
  return null;
}

/** Binary elementwise op over broadcast operands in TypeScript, the reference. */
export function binaryLoop(op: BinaryOp, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void {
  const n = out.length;
  if (n === 0) return;
  const aContiguous = isContiguous(a, shape);
  const bContiguous = isContiguous(b, shape);
  const arithmetic = op === 'add' || op === 'sub' || op === 'mul' || op === 'div';
  if (aContiguous && bContiguous) {
    if (arithmetic) return arithmeticFlat(op, fromZero(a, n), fromZero(b, n), out, n);
    return binaryFlat(op, a.data, a.offset, 1, b.data, b.offset, 1, out, 0, n);
  }
  if (aContiguous && isScalarRead(b)) {
    if (arithmetic) return arithmeticScalar(op, fromZero(a, n), b.data[b.offset], false, out, n);
    return binaryFlat(op, a.data, a.offset, 1, b.data, b.offset, 0, out, 0, n);
  }
  if (isScalarRead(a) && bContiguous) {
    if (arithmetic) return arithmeticScalar(op, fromZero(b, n), a.data[a.offset], true, out, n);
    return binaryFlat(op, a.data, a.offset, 0, b.data, b.offset, 1, out, 0, n);
  }
  // General case: walk all axes but the last with counters, run the last axis as a flat loop.
  const { shape: walk, strides: [stridesA, stridesB] } = collapse(shape, [a.strides, b.strides]);
  const rank = walk.length;
  const last = walk[rank - 1];
  const sa = stridesA[rank - 1];
  const sb = stridesB[rank - 1];
  const index = new Array<number>(rank - 1).fill(0);
  let offsetA = a.offset;
  let offsetB = b.offset;
  // Long rows of add/sub/mul/div where each operand steps by 1 or 0 (a bias row, a per-row
  // scale) run the unrolled loops on subarrays.
  const rowsFast = arithmetic && last >= 64 && (sa === 1 || sa === 0) && (sb === 1 || sb === 0) && (sa === 1 || sb === 1);
  for (let start = 0; start < n; start += last) {
    if (rowsFast) {
      const target = out.subarray(start, start + last);
      if (sa === 1 && sb === 1) arithmeticFlat(op as Arithmetic, a.data.subarray(offsetA, offsetA + last), b.data.subarray(offsetB, offsetB + last), target, last);
      else if (sa === 1) arithmeticScalar(op as Arithmetic, a.data.subarray(offsetA, offsetA + last), b.data[offsetB], false, target, last);
      else arithmeticScalar(op as Arithmetic, b.data.subarray(offsetB, offsetB + last), a.data[offsetA], true, target, last);
    } else binaryFlat(op, a.data, offsetA, sa, b.data, offsetB, sb, out, start, last);
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]++;
      offsetA += stridesA[axis];
      offsetB += stridesB[axis];
      if (index[axis] < walk[axis]) break;
      offsetA -= stridesA[axis] * walk[axis];
      offsetB -= stridesB[axis] * walk[axis];
      index[axis] = 0;
    }
  }
}

/** The `n` values a contiguous view reads, indexed from 0 (V8 drops bounds checks on `x[i]` more
 * readily than on `x[offset + i]`). */
function fromZero(view: Strided, n: number): DataArray {
  return view.offset === 0 && view.data.length === n ? view.data : view.data.subarray(view.offset, view.offset + n);
}

type Arithmetic = 'add' | 'sub' | 'mul' | 'div';

/** `out = a ∘ b` for contiguous operands, four elements per step (about twice the plain loop). */
function arithmeticFlat(op: Arithmetic, a: DataArray, b: DataArray, out: DataArray, n: number): void {
  let i = 0;
  const n4 = n - (n % 4);
  switch (op) {
    case 'add':
      for (; i < n4; i += 4) { out[i] = a[i] + b[i]; out[i + 1] = a[i + 1] + b[i + 1]; out[i + 2] = a[i + 2] + b[i + 2]; out[i + 3] = a[i + 3] + b[i + 3]; }
      for (; i < n; i++) out[i] = a[i] + b[i];
      return;
    case 'sub':
      for (; i < n4; i += 4) { out[i] = a[i] - b[i]; out[i + 1] = a[i + 1] - b[i + 1]; out[i + 2] = a[i + 2] - b[i + 2]; out[i + 3] = a[i + 3] - b[i + 3]; }
      for (; i < n; i++) out[i] = a[i] - b[i];
      return;
    case 'mul':
      for (; i < n4; i += 4) { out[i] = a[i] * b[i]; out[i + 1] = a[i + 1] * b[i + 1]; out[i + 2] = a[i + 2] * b[i + 2]; out[i + 3] = a[i + 3] * b[i + 3]; }
      for (; i < n; i++) out[i] = a[i] * b[i];
      return;
    case 'div':
      for (; i < n4; i += 4) { out[i] = a[i] / b[i]; out[i + 1] = a[i + 1] / b[i + 1]; out[i + 2] = a[i + 2] / b[i + 2]; out[i + 3] = a[i + 3] / b[i + 3]; }
      for (; i < n; i++) out[i] = a[i] / b[i];
      return;
  }
}

/** `out = x ∘ s` (or `s ∘ x` when `scalarLeft`) with the scalar read once. */
function arithmeticScalar(op: Arithmetic, x: DataArray, s: number, scalarLeft: boolean, out: DataArray, n: number): void {
  let i = 0;
  const n4 = n - (n % 4);
  if (op === 'add' || op === 'mul') scalarLeft = false; // commutative
  switch (scalarLeft ? `${op}Left` : op) {
    case 'add':
      for (; i < n4; i += 4) { out[i] = x[i] + s; out[i + 1] = x[i + 1] + s; out[i + 2] = x[i + 2] + s; out[i + 3] = x[i + 3] + s; }
      for (; i < n; i++) out[i] = x[i] + s;
      return;
    case 'mul':
      for (; i < n4; i += 4) { out[i] = x[i] * s; out[i + 1] = x[i + 1] * s; out[i + 2] = x[i + 2] * s; out[i + 3] = x[i + 3] * s; }
      for (; i < n; i++) out[i] = x[i] * s;
      return;
    case 'sub':
      for (; i < n4; i += 4) { out[i] = x[i] - s; out[i + 1] = x[i + 1] - s; out[i + 2] = x[i + 2] - s; out[i + 3] = x[i + 3] - s; }
      for (; i < n; i++) out[i] = x[i] - s;
      return;
    case 'subLeft':
      for (; i < n; i++) out[i] = s - x[i];
      return;
    case 'div':
      for (; i < n4; i += 4) { out[i] = x[i] / s; out[i + 1] = x[i + 1] / s; out[i + 2] = x[i + 2] / s; out[i + 3] = x[i + 3] / s; }
      for (; i < n; i++) out[i] = x[i] / s;
      return;
    case 'divLeft':
      for (; i < n; i++) out[i] = s / x[i];
      return;
  }
}

function binaryFlat(
  op: BinaryOp, a: DataArray, ia: number, sa: number, b: DataArray, ib: number, sb: number,
  out: DataArray, io: number, count: number,
): void {
  const end = io + count;
  switch (op) {
    case 'add': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] + b[ib]; return;
    case 'sub': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] - b[ib]; return;
    case 'mul': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] * b[ib]; return;
    case 'div': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] / b[ib]; return;
    case 'pow': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = Math.pow(a[ia], b[ib]); return;
    case 'maximum': for (let o = io; o < end; o++, ia += sa, ib += sb) { const x = a[ia], y = b[ib]; out[o] = x !== x || y !== y ? NaN : x > y ? x : y; } return;
    case 'minimum': for (let o = io; o < end; o++, ia += sa, ib += sb) { const x = a[ia], y = b[ib]; out[o] = x !== x || y !== y ? NaN : x < y ? x : y; } return;
    case 'eq': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] === b[ib] ? 1 : 0; return;
    case 'ne': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] !== b[ib] ? 1 : 0; return;
    case 'lt': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] < b[ib] ? 1 : 0; return;
    case 'le': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] <= b[ib] ? 1 : 0; return;
    case 'gt': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] > b[ib] ? 1 : 0; return;
    case 'ge': for (let o = io; o < end; o++, ia += sa, ib += sb) out[o] = a[ia] >= b[ib] ? 1 : 0; return;
    default: throw new Error(`binary: unknown op ${String(op)}`);
  }
}

