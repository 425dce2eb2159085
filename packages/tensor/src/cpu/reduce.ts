import type { AxisLayout, ReduceOp } from '../backend.js';
import type { DataArray } from '../dtype.js';
import { reduceWasm, softmaxWasm } from './elementwiseWasm.js';

// Layout [outer, length, inner]: with inner = 1 a reduction runs down one contiguous row; with
// inner > 1 it adds whole rows of `inner` values into a float64 accumulator row, so memory is
// read in order (walking a column with stride `inner` is several times slower).

/** Reduces the middle axis of `[outer, length, inner]`. Empty sums are 0, empty products 1,
 * empty max/min are -∞/+∞ (the op refuses those before calling), empty logsumexp is -∞.
 * NaN propagates through every reduction. */
export function reduce(op: ReduceOp, x: DataArray, layout: AxisLayout, out: DataArray): void {
  if (!reduceWasm(op, x, layout, out)) reduceLoop(op, x, layout, out);
}

/** {@link reduce} in TypeScript, the reference (float32 sum, max and min run on WebAssembly SIMD,
 * src/cpu/elementwiseWasm.ts, where they apply). */
export function reduceLoop(op: ReduceOp, x: DataArray, layout: AxisLayout, out: DataArray): void {
  const { outer, length, inner } = layout;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) out[o] = reduceRow(op, x, o * length, length);
    return;
  }
  const acc = new Float64Array(inner);
  const extra = op === 'logsumexp' ? new Float64Array(inner) : acc;
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    reduceRows(op === 'logsumexp' ? 'max' : op, x, base, length, inner, acc);
    if (op === 'logsumexp') {
      // acc holds the column maxima m; sum exp(x − m) row by row, then m + log(sum)
      extra.fill(0);
      for (let j = 0; j < length; j++) {
        const row = base + j * inner;
        for (let i = 0; i < inner; i++) extra[i] += Math.exp(x[row + i] - acc[i]);
      }
      for (let i = 0; i < inner; i++) {
        const m = acc[i];
        out[o * inner + i] = m === Infinity || m === -Infinity || m !== m ? m : m + Math.log(extra[i]);
      }
    } else {
      for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i];
    }
  }
}

function reduceRow(op: ReduceOp, x: DataArray, start: number, length: number): number {
  const end = start + length;
  switch (op) {
    case 'sum': { let acc = 0; for (let p = start; p < end; p++) acc += x[p]; return acc; }
    case 'prod': { let acc = 1; for (let p = start; p < end; p++) acc *= x[p]; return acc; }
    // NaN is sticky: once acc is NaN neither comparison is true again
    case 'max': { let acc = -Infinity; for (let p = start; p < end; p++) { const v = x[p]; if (v > acc || v !== v) acc = v; } return acc; }
    case 'min': { let acc = Infinity; for (let p = start; p < end; p++) { const v = x[p]; if (v < acc || v !== v) acc = v; } return acc; }
    case 'logsumexp': {
      const m = reduceRow('max', x, start, length);
      if (m === Infinity || m === -Infinity || m !== m) return m;
      let sum = 0;
      for (let p = start; p < end; p++) sum += Math.exp(x[p] - m);
      return m + Math.log(sum);
    }
    default: throw new Error(`reduce: unknown op ${String(op)}`);
  }
}

/** `acc[i] = fold over j of x[base + j·inner + i]`, reading rows in order. */
function reduceRows(op: 'sum' | 'prod' | 'max' | 'min', x: DataArray, base: number, length: number, inner: number, acc: Float64Array): void {
  acc.fill(op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity);
  let j = 0;
  if (op === 'sum') {
    // four rows per pass: one load and store of the accumulator per four values read
    for (; j + 4 <= length; j += 4) {
      const r0 = base + j * inner, r1 = r0 + inner, r2 = r1 + inner, r3 = r2 + inner;
      for (let i = 0; i < inner; i++) acc[i] += x[r0 + i] + x[r1 + i] + x[r2 + i] + x[r3 + i];
    }
  }
  for (; j < length; j++) {
    const row = base + j * inner;
    switch (op) {
      case 'sum': for (let i = 0; i < inner; i++) acc[i] += x[row + i]; break;
      case 'prod': for (let i = 0; i < inner; i++) acc[i] *= x[row + i]; break;
      case 'max': for (let i = 0; i < inner; i++) { const v = x[row + i]; if (v > acc[i] || v !== v) acc[i] = v; } break;
      case 'min': for (let i = 0; i < inner; i++) { const v = x[row + i]; if (v < acc[i] || v !== v) acc[i] = v; } break;
      default: throw new Error(`reduce: unknown op ${String(op)}`);
    }
  }
}

/** Index of the first largest (smallest) value along the middle axis; NaN counts as largest. */
export function argReduce(op: 'argmax' | 'argmin', x: DataArray, layout: AxisLayout, out: DataArray): void {
  const { outer, length, inner } = layout;
  const sign = op === 'argmax' ? 1 : -1;
  if (inner > 1) {
    // row order: the best value and index of every column, updated one row at a time
    const bestValue = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      const base = o * length * inner;
      const result = o * inner;
      for (let i = 0; i < inner; i++) {
        bestValue[i] = x[base + i] * sign;
        out[result + i] = 0;
      }
      for (let j = 1; j < length; j++) {
        const row = base + j * inner;
        for (let i = 0; i < inner; i++) {
          const best = bestValue[i];
          const v = x[row + i] * sign;
          if (best === best && (v > best || v !== v)) {
            bestValue[i] = v;
            out[result + i] = j;
          }
        }
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let p = o * length * inner + i;
      let best = 0;
      let bestValue = x[p] * sign;
      for (let j = 1; j < length; j++) {
        p += inner;
        const v = x[p] * sign;
        if (bestValue !== bestValue) break;
        if (v > bestValue || v !== v) { best = j; bestValue = v; }
      }
      out[o * inner + i] = best;
    }
  }
}

/** Softmax or log-softmax along the middle axis, shifted by the maximum for stability. */
export function softmax(x: DataArray, layout: AxisLayout, log: boolean, out: DataArray): void {
  if (!softmaxWasm(x, layout, log, out)) softmaxLoop(x, layout, log, out);
}

/** {@link softmax} in TypeScript, the reference (float32 rows run on WebAssembly SIMD,
 * src/cpu/elementwiseWasm.ts, where they apply). */
export function softmaxLoop(x: DataArray, layout: AxisLayout, log: boolean, out: DataArray): void {
  const { outer, length, inner } = layout;
  if (inner === 1) {
    for (let o = 0, start = 0; o < outer; o++, start += length) {
      const end = start + length;
      let max = -Infinity;
      for (let p = start; p < end; p++) if (x[p] > max) max = x[p];
      if (max === -Infinity) max = 0;
      let sum = 0;
      if (log) {
        for (let p = start; p < end; p++) sum += Math.exp(x[p] - max);
        const logSum = Math.log(sum) + max;
        for (let p = start; p < end; p++) out[p] = x[p] - logSum;
      } else {
        // exp once per element: store e^{x − max}, then scale by 1 / Σ
        for (let p = start; p < end; p++) { const e = Math.exp(x[p] - max); out[p] = e; sum += e; }
        const scale = 1 / sum;
        for (let p = start; p < end; p++) out[p] *= scale;
      }
    }
    return;
  }
  const max = new Float64Array(inner);
  const sum = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    max.fill(-Infinity);
    sum.fill(0);
    for (let j = 0; j < length; j++) {
      const row = base + j * inner;
      for (let i = 0; i < inner; i++) if (x[row + i] > max[i]) max[i] = x[row + i];
    }
    for (let i = 0; i < inner; i++) if (max[i] === -Infinity) max[i] = 0;
    for (let j = 0; j < length; j++) {
      const row = base + j * inner;
      for (let i = 0; i < inner; i++) sum[i] += Math.exp(x[row + i] - max[i]);
    }
    // log: x − (max + log Σ); softmax: e^{x − max}·(1/Σ), both per column, computed once
    for (let i = 0; i < inner; i++) sum[i] = log ? max[i] + Math.log(sum[i]) : 1 / sum[i];
    for (let j = 0; j < length; j++) {
      const row = base + j * inner;
      if (log) for (let i = 0; i < inner; i++) out[row + i] = x[row + i] - sum[i];
      else for (let i = 0; i < inner; i++) out[row + i] = Math.exp(x[row + i] - max[i]) * sum[i];
    }
  }
}

/** Inclusive cumulative sum along the middle axis (accumulated in float64). */
export function cumsum(x: DataArray, layout: AxisLayout, out: DataArray): void {
  const { outer, length, inner } = layout;
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let j = 0; j < length; j++) {
      const row = (o * length + j) * inner;
      for (let i = 0; i < inner; i++) {
        acc[i] += x[row + i];
        out[row + i] = acc[i];
      }
    }
  }
}

/** `out[o, j, i] = x[o, indices[j], i]`. */
export function gather(x: DataArray, layout: AxisLayout, indices: Int32Array, out: DataArray): void {
  const { outer, length, inner } = layout;
  const count = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const from = (o * length + indices[j]) * inner;
      const to = (o * count + j) * inner;
      if (inner === 1) out[to] = x[from];
      else for (let i = 0; i < inner; i++) out[to + i] = x[from + i];
    }
  }
}

/** `out[o, indices[j], i] += source[o, j, i]`. */
export function scatterAdd(source: DataArray, layout: AxisLayout, indices: Int32Array, out: DataArray): void {
  const { outer, length, inner } = layout;
  const count = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const to = (o * length + indices[j]) * inner;
      const from = (o * count + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i] += source[from + i];
    }
  }
}
