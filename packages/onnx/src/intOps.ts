// Index plumbing on integer tensors (shapes, indices): the graph's int64 side, kept as plain
// arrays because it never needs gradients or a backend.
import { IntTensor } from './values.js';

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) strides[k] = strides[k + 1] * shape[k + 1];
  return strides;
}

/** Picks positions `indices` along `axis` (each may repeat): the shape keeps its rank. */
export function takeInts(x: IntTensor, axis: number, indices: readonly number[]): IntTensor {
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const length = x.shape[axis];
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const i of indices) for (let j = 0; j < inner; j++) out.push(x.data[(o * length + i) * inner + j]);
  }
  const shape = [...x.shape];
  shape[axis] = indices.length;
  return new IntTensor(shape, out);
}

/** Axes reordered: `out.shape[k] = x.shape[perm[k]]`. */
export function permuteInts(x: IntTensor, perm: readonly number[]): IntTensor {
  const shape = perm.map((p) => x.shape[p]);
  const strides = stridesOf(x.shape);
  const out = new Array<number>(x.data.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < out.length; n++) {
    let source = 0;
    for (let k = 0; k < shape.length; k++) source += index[k] * strides[perm[k]];
    out[n] = x.data[source];
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  return new IntTensor(shape, out);
}

/** Joins along `axis`. */
export function concatInts(parts: readonly IntTensor[], axis: number): IntTensor {
  const first = parts[0];
  const outer = sizeOf(first.shape.slice(0, axis));
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const part of parts) {
      const block = sizeOf(part.shape.slice(axis));
      for (let j = 0; j < block; j++) out.push(part.data[o * block + j]);
    }
  }
  const shape = [...first.shape];
  shape[axis] = parts.reduce((total, part) => total + part.shape[axis], 0);
  return new IntTensor(shape, out);
}

/** The broadcast shape of two shapes (numpy rules), or an error naming both. */
export function broadcastShapes(a: readonly number[], b: readonly number[], where: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let k = 0; k < rank; k++) {
    const x = a[a.length - rank + k] ?? 1;
    const y = b[b.length - rank + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`${where}: expected shapes that broadcast, got [${a.join(', ')}] and [${b.join(', ')}]`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Elementwise `f(a, b)` with broadcasting. */
export function binaryInts(a: IntTensor, b: IntTensor, f: (x: number, y: number) => number, where: string): IntTensor {
  const shape = broadcastShapes(a.shape, b.shape, where);
  const out = new Array<number>(sizeOf(shape));
  const pick = (t: IntTensor, n: number) => {
    let offset = 0;
    let rest = n;
    const strides = stridesOf(t.shape);
    for (let k = shape.length - 1, j = t.rank - 1; k >= 0; k--, j--) {
      const i = rest % shape[k];
      rest = Math.floor(rest / shape[k]);
      if (j >= 0 && t.shape[j] !== 1) offset += i * strides[j];
    }
    return t.data[offset];
  };
  for (let n = 0; n < out.length; n++) out[n] = f(pick(a, n), pick(b, n));
  return new IntTensor(shape, out);
}

/** Normalises a possibly negative axis of a rank-`rank` tensor. */
export function normaliseAxis(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`${where}: expected an axis in [${-rank}, ${rank - 1}], got ${axis}`);
  return a;
}

/** The positions ONNX `Slice` keeps along an axis of length `length` (clamped as the spec says). */
export function sliceIndices(length: number, start: number, end: number, step: number): number[] {
  if (step === 0) throw new Error('Slice: expected a non-zero step, got 0');
  const clamp = (v: number, low: number, high: number) => Math.min(Math.max(v, low), high);
  let s = start < 0 ? start + length : start;
  let e = end < 0 ? end + length : end;
  if (step > 0) {
    s = clamp(s, 0, length);
    e = clamp(e, 0, length);
  } else {
    s = clamp(s, -1, length - 1);
    e = clamp(e, -1, length - 1);
  }
  const out: number[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

/** The output shape of ONNX `Reshape` (0 copies the input's dimension unless `allowZero`, −1 is inferred). */
export function reshapeTarget(input: readonly number[], requested: readonly number[], allowZero: boolean, where: string): number[] {
  const shape = requested.map((d, k) => (d === 0 && !allowZero ? input[k] : d));
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const unknown = shape.filter((d) => d === -1).length;
  const total = sizeOf(input);
  if (unknown > 1 || (unknown === 1 && (known === 0 || total % known !== 0)) || (unknown === 0 && known !== total)) {
    throw new Error(`${where}: expected a shape for ${total} elements, got [${requested.join(', ')}] for input [${input.join(', ')}]`);
  }
  return shape.map((d) => (d === -1 ? total / known : d));
}
