import type { AxisLayout, BinaryOp, ReduceOp, UnaryOp } from '../backend.js';
import type { DataArray } from '../dtype.js';
import { elementwiseCombineBase64, elementwiseMapBase64 } from '../wasm/elementwiseKernelBytes.js';
import { decodeBase64 } from '../wasm/gemmKernelModule.js';
// the loops are the reference, and the fallback for rows holding NaN or ±∞ (a cycle: both only call at run time)
import { reduceLoop, softmaxLoop } from './reduce.js';

/**
 * The CPU backend's float32 elementwise kernels on WebAssembly SIMD (scripts/elementwiseWat.ts).
 * Tensors live in ordinary typed arrays, which WebAssembly cannot read, so each kernel stages
 * blocks of {@link stagedFloats} floats into the module's memory, runs one vector pass over the
 * block and copies the result out: the block stays in the first-level cache, and the two copies
 * run at `memcpy` speed. Each function returns `false` when it does not apply (another dtype, a
 * layout it does not cover, fewer than {@link wasmElementwiseThreshold} elements, no
 * WebAssembly SIMD), and the caller runs its TypeScript loop.
 */

/** Floats per staged block: three blocks (two operands and a result) fit a 64 KiB L1 cache. */
export const stagedFloats = 4096;

/** Fewer elements than this run in TypeScript (the copies and the call cost more than they save). */
export const wasmElementwiseThreshold = 256;

type Pass = (src: number, dst: number, n: number) => void;
type PassVV = (a: number, b: number, dst: number, n: number) => void;
type PassVS = (a: number, dst: number, n: number, s: number) => void;

interface ElementwiseExports {
  memory: WebAssembly.Memory;
  [pass: string]: unknown;
  affine(src: number, dst: number, n: number, scale: number, shift: number): void;
  sum(src: number, n: number): number;
  sumInto(src: number, acc: number, n: number): void;
  sumInto4(src: number, acc: number, n: number): void;
  max(src: number, n: number): number;
  min(src: number, n: number): number;
}

/** Byte addresses of the staging blocks in the module's memory. */
const A = 0;
const B = stagedFloats * 4;
const D = 2 * stagedFloats * 4;
/** float64 accumulators of a column sum (`stagedFloats` of them). */
const ACC = 3 * stagedFloats * 4;

interface Kernels {
  exports: ElementwiseExports;
  floats: Float32Array;
  doubles: Float64Array;
}

let kernels: Kernels | null | undefined;

function load(): Kernels | null {
  if (kernels !== undefined) return kernels;
  kernels = null;
  if (typeof WebAssembly !== 'object') return kernels;
  try {
    const map = decodeBase64(elementwiseMapBase64);
    const combine = decodeBase64(elementwiseCombineBase64);
    if (!WebAssembly.validate(map) || !WebAssembly.validate(combine)) return kernels;
    const mapExports = new WebAssembly.Instance(new WebAssembly.Module(map), {}).exports as unknown as { memory: WebAssembly.Memory };
    const combineExports = new WebAssembly.Instance(new WebAssembly.Module(combine), { env: { memory: mapExports.memory } }).exports;
    const exports = { ...mapExports, ...combineExports } as unknown as ElementwiseExports;
    const buffer = exports.memory.buffer;
    kernels = { exports, floats: new Float32Array(buffer), doubles: new Float64Array(buffer) };
  } catch {
    kernels = null;
  }
  return kernels;
}

/**
 * Whether this runtime runs the WebAssembly SIMD elementwise kernels (float32 unary functions,
 * arithmetic, the affine map and sum / max / min), as it does in Node 16.4+ and current browsers.
 *
 * @example
 * hasWasmElementwise(); // true
 */
export function hasWasmElementwise(): boolean {
  return load() !== null;
}

const unaryPasses = new Set<UnaryOp>(['neg', 'abs', 'relu', 'sqrt', 'square', 'reciprocal', 'floor', 'ceil', 'round', 'exp', 'sigmoid', 'tanh']);

/** `out[i] = f(x[i])` for float32 `x` and `out`. */
export function unaryWasm(op: UnaryOp, x: DataArray, out: DataArray): boolean {
  const n = x.length;
  if (n < wasmElementwiseThreshold || !(x instanceof Float32Array) || !(out instanceof Float32Array) || !unaryPasses.has(op)) return false;
  const k = load();
  if (!k) return false;
  const pass = k.exports[op] as Pass;
  const { floats } = k;
  for (let start = 0; start < n; start += stagedFloats) {
    const count = Math.min(stagedFloats, n - start);
    floats.set(x.subarray(start, start + count), A / 4);
    pass(A, D, count);
    out.set(floats.subarray(D / 4, D / 4 + count), start);
  }
  return true;
}

/** `out[i] = x[i]·scale + shift` for float32 `x` and `out`, computed in float64 and rounded once. */
export function affineWasm(x: DataArray, scale: number, shift: number, out: DataArray): boolean {
  const n = x.length;
  if (n < wasmElementwiseThreshold || !(x instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  const k = load();
  if (!k) return false;
  const { floats, exports } = k;
  for (let start = 0; start < n; start += stagedFloats) {
    const count = Math.min(stagedFloats, n - start);
    floats.set(x.subarray(start, start + count), A / 4);
    exports.affine(A, D, count, scale, shift);
    out.set(floats.subarray(D / 4, D / 4 + count), start);
  }
  return true;
}

/**
 * How an operand of a binary op is read over `[rows, columns]` (the broadcast shape, collapsed):
 * `flat` (every element in order), `row` (one row of `columns` repeated), `column` (one value per
 * row) or `scalar`.
 */
export type OperandRead = 'flat' | 'row' | 'column' | 'scalar';

/**
 * `out = a ∘ b` for add, sub, mul and div of float32 operands over `[rows, columns]`, each operand
 * read as `kind` from `data` starting at `offset` (see {@link OperandRead}); at least one operand is
 * flat.
 */
export function binaryWasm(
  op: BinaryOp, a: DataArray, aOffset: number, aRead: OperandRead, b: DataArray, bOffset: number, bRead: OperandRead,
  out: DataArray, rows: number, columns: number,
): boolean {
  const n = rows * columns;
  if (op !== 'add' && op !== 'sub' && op !== 'mul' && op !== 'div') return false;
  if (n < wasmElementwiseThreshold || !(a instanceof Float32Array) || !(b instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  if (aRead !== 'flat' && bRead !== 'flat') return false;
  const k = load();
  if (!k) return false;
  const { floats, exports } = k;
  const flatA = aRead === 'flat';
  // the flat operand (a when both are) and the other one
  const flat = flatA ? a : b;
  const flatOffset = flatA ? aOffset : bOffset;
  const other = flatA ? b : a;
  const otherOffset = flatA ? bOffset : aOffset;
  const otherRead = flatA ? bRead : aRead;
  if (otherRead === 'flat' || otherRead === 'row') {
    // both operands staged as blocks: a row operand is laid out repeated across its block once
    let block = stagedFloats;
    if (otherRead === 'row') {
      if (columns > stagedFloats) return false;
      block = Math.floor(stagedFloats / columns) * columns;
      const row = other.subarray(otherOffset, otherOffset + columns);
      for (let p = 0; p < block; p += columns) floats.set(row, B / 4 + p);
    }
    const pass = exports[`${op}VV`] as PassVV;
    // the flat operand is staged at A, the other at B: the pass computes A ∘ B, or B ∘ A when the
    // flat one is b
    const [left, right] = flatA ? [A, B] : [B, A];
    for (let start = 0; start < n; start += block) {
      const count = Math.min(block, n - start);
      floats.set(flat.subarray(flatOffset + start, flatOffset + start + count), A / 4);
      if (otherRead === 'flat') floats.set(other.subarray(otherOffset + start, otherOffset + start + count), B / 4);
      pass(left, right, D, count);
      out.set(floats.subarray(D / 4, D / 4 + count), start);
    }
    return true;
  }
  // a scalar, or one value per row: a ∘ s (or s ∘ a) over runs of the flat operand
  const commutative = op === 'add' || op === 'mul';
  const pass = exports[flatA || commutative ? `${op}VS` : `${op}SV`] as PassVS;
  if (otherRead === 'scalar') {
    const s = other[otherOffset];
    for (let start = 0; start < n; start += stagedFloats) {
      const count = Math.min(stagedFloats, n - start);
      floats.set(flat.subarray(flatOffset + start, flatOffset + start + count), A / 4);
      pass(A, D, count, s);
      out.set(floats.subarray(D / 4, D / 4 + count), start);
    }
    return true;
  }
  // column: rows of the flat operand, each with its own value (whole rows per block when they fit)
  if (columns < 64 || columns > stagedFloats) return false;
  const rowsPerBlock = Math.floor(stagedFloats / columns);
  for (let row = 0; row < rows; row += rowsPerBlock) {
    const blockRows = Math.min(rowsPerBlock, rows - row);
    const start = row * columns;
    const count = blockRows * columns;
    floats.set(flat.subarray(flatOffset + start, flatOffset + start + count), A / 4);
    for (let r = 0; r < blockRows; r++) pass(A + r * columns * 4, D + r * columns * 4, columns, other[otherOffset + row + r]);
    out.set(floats.subarray(D / 4, D / 4 + count), start);
  }
  return true;
}

/**
 * Sum, max or min over the middle axis of `[outer, length, inner]` for float32 `x` and `out`: rows
 * (`inner = 1`) for all three, columns (`inner > 1`, up to {@link stagedFloats}) for the sum.
 */
export function reduceWasm(op: ReduceOp, x: DataArray, layout: AxisLayout, out: DataArray): boolean {
  const { outer, length, inner } = layout;
  if (op === 'logsumexp') return softmaxRows('logsumexp', x, layout, out);
  if (op !== 'sum' && op !== 'max' && op !== 'min') return false;
  if (x.length < wasmElementwiseThreshold || length === 0 || !(x instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  if (inner !== 1 && (op !== 'sum' || inner > stagedFloats)) return false;
  const k = load();
  if (!k) return false;
  const { floats, doubles, exports } = k;
  if (inner === 1) {
    if (length <= stagedFloats) {
      // whole rows per block, each reduced by one call
      const rowsPerBlock = Math.floor(stagedFloats / length);
      for (let row = 0; row < outer; row += rowsPerBlock) {
        const blockRows = Math.min(rowsPerBlock, outer - row);
        const start = row * length;
        floats.set(x.subarray(start, start + blockRows * length), A / 4);
        for (let r = 0; r < blockRows; r++) out[row + r] = reduceStaged(op, exports, x, start + r * length, length, A + r * length * 4);
      }
      return true;
    }
    for (let row = 0; row < outer; row++) {
      let total = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
      let nan = false;
      for (let start = row * length, end = start + length; start < end; start += stagedFloats) {
        const count = Math.min(stagedFloats, end - start);
        floats.set(x.subarray(start, start + count), A / 4);
        if (op === 'sum') total += exports.sum(A, count);
        else {
          const part = op === 'max' ? exports.max(A, count) : exports.min(A, count);
          if (part !== part) nan = true;
          else if (op === 'max' ? total < part : part < total) total = part;
        }
      }
      // a zero extremum may be −0 or +0 depending on order: redo it in order
      out[row] = nan ? NaN : op !== 'sum' && total === 0 ? extremumInOrder(op, x, row * length, length) : total;
    }
    return true;
  }
  // column sums: float64 accumulators in the module's memory, one staged row at a time
  const accumulators = doubles.subarray(ACC / 8, ACC / 8 + inner);
  const rowsPerBlock = Math.floor(stagedFloats / inner);
  for (let o = 0; o < outer; o++) {
    accumulators.fill(0);
    for (let j = 0; j < length; j += rowsPerBlock) {
      // whole rows per block (they follow each other in x), four at a time
      const blockRows = Math.min(rowsPerBlock, length - j);
      const start = (o * length + j) * inner;
      floats.set(x.subarray(start, start + blockRows * inner), A / 4);
      let r = 0;
      for (; r + 4 <= blockRows; r += 4) exports.sumInto4(A + r * inner * 4, ACC, inner);
      for (; r < blockRows; r++) exports.sumInto(A + r * inner * 4, ACC, inner);
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = accumulators[i];
  }
  return true;
}

/** One staged row's reduction (`address` in bytes, 16-byte aligned or not: v128 loads need no alignment). */
function reduceStaged(op: 'sum' | 'max' | 'min', exports: ElementwiseExports, x: Float32Array, start: number, length: number, address: number): number {
  if (op === 'sum') return exports.sum(address, length);
  const value = op === 'max' ? exports.max(address, length) : exports.min(address, length);
  return value === 0 ? extremumInOrder(op, x, start, length) : value;
}

/** The plain loop's max or min (the first of equal values wins, which decides between −0 and +0). */
function extremumInOrder(op: 'max' | 'min', x: Float32Array, start: number, length: number): number {
  let acc = op === 'max' ? -Infinity : Infinity;
  for (let p = start, end = start + length; p < end; p++) {
    const v = x[p];
    if (op === 'max' ? v > acc || v !== v : v < acc || v !== v) acc = v;
  }
  return acc;
}

/**
 * Softmax (or log-softmax) along the middle axis of `[outer, length, inner]` for float32 `x` and
 * `out`, rows (`inner = 1`) of up to {@link stagedFloats}: per row the max `m`, `e = exp(x − m)`
 * (x − m in float64, rounded once), `Σ e`, then `e·(1/Σ)` or `x − (m + log Σ)` as the TypeScript
 * kernel computes them. A row holding NaN or ±∞ runs the TypeScript loop.
 */
export function softmaxWasm(x: DataArray, layout: AxisLayout, log: boolean, out: DataArray): boolean {
  return softmaxRows(log ? 'logSoftmax' : 'softmax', x, layout, out);
}

function softmaxRows(mode: 'softmax' | 'logSoftmax' | 'logsumexp', x: DataArray, layout: AxisLayout, out: DataArray): boolean {
  const { outer, length, inner } = layout;
  if (inner !== 1 || length === 0 || length > stagedFloats || x.length < wasmElementwiseThreshold) return false;
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  const k = load();
  if (!k) return false;
  const { floats, exports } = k;
  const exp = exports.exp as Pass;
  const rowsPerBlock = Math.floor(stagedFloats / length);
  const elementwise = mode !== 'logsumexp';
  for (let row = 0; row < outer; row += rowsPerBlock) {
    const blockRows = Math.min(rowsPerBlock, outer - row);
    const start = row * length;
    floats.set(x.subarray(start, start + blockRows * length), A / 4);
    // rows one after another: the whole vectors of row r spill into row r + 1's first lanes, which
    // row r + 1 then writes again
    for (let r = 0; r < blockRows; r++) {
      const first = r * length;
      const m = exports.max(A + first * 4, length);
      if (!Number.isFinite(m)) {
        // NaN or ±∞ in the row: the TypeScript loop's rules, written where the block copy-out puts it
        rowInLoop(mode, x, start + first, length, floats, D / 4 + first, out, row + r);
        continue;
      }
      exports.affine(A + first * 4, D + first * 4, length, 1, -m);
      exp(D + first * 4, D + first * 4, length);
      const total = exports.sum(D + first * 4, length);
      if (mode === 'softmax') exports.affine(D + first * 4, D + first * 4, length, 1 / total, 0);
      else if (mode === 'logSoftmax') exports.affine(A + first * 4, D + first * 4, length, 1, -(Math.log(total) + m));
      else out[row + r] = m + Math.log(total);
    }
    if (elementwise) out.set(floats.subarray(D / 4, D / 4 + blockRows * length), start);
  }
  return true;
}

/** One row as the TypeScript kernels compute it (into `floats` at `at` for softmax, or one value into
 * `out[index]` for logsumexp). */
function rowInLoop(
  mode: 'softmax' | 'logSoftmax' | 'logsumexp', x: Float32Array, start: number, length: number,
  floats: Float32Array, at: number, out: Float32Array, index: number,
): void {
  const row = x.subarray(start, start + length);
  const layout = { outer: 1, length, inner: 1 };
  if (mode === 'logsumexp') reduceLoop('logsumexp', row, layout, out.subarray(index, index + 1));
  else softmaxLoop(row, layout, mode === 'logSoftmax', floats.subarray(at, at + length));
}
