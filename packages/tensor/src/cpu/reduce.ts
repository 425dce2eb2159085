import type { AxisLayout, ReduceOp } from '../backend.js';
import type { DataArray } from '../dtype.js';

/** Reduces the middle axis of `[outer, length, inner]`. Empty sums are 0, empty products 1,
 * empty max/min are -∞/+∞ (the op refuses those before calling), empty logsumexp is -∞. */
export function reduce(op: ReduceOp, x: DataArray, layout: AxisLayout, out: DataArray): void {
  const { outer, length, inner } = layout;
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    for (let i = 0; i < inner; i++) {
      let p = base + i;
      let acc: number;
      switch (op) {
        case 'sum':
          acc = 0;
          for (let j = 0; j < length; j++, p += inner) acc += x[p];
          break;
        case 'prod':
          acc = 1;
          for (let j = 0; j < length; j++, p += inner) acc *= x[p];
          break;
        case 'max':
          acc = -Infinity;
          for (let j = 0; j < length; j++, p += inner) { const v = x[p]; if (v > acc || v !== v) acc = v; if (acc !== acc) break; }
          break;
        case 'min':
          acc = Infinity;
          for (let j = 0; j < length; j++, p += inner) { const v = x[p]; if (v < acc || v !== v) acc = v; if (acc !== acc) break; }
          break;
        case 'logsumexp': {
          let max = -Infinity;
          for (let j = 0, q = p; j < length; j++, q += inner) { const v = x[q]; if (v > max || v !== v) max = v; if (max !== max) break; }
          if (max === -Infinity || max === Infinity || max !== max) { acc = max; break; }
          let sum = 0;
          for (let j = 0; j < length; j++, p += inner) sum += Math.exp(x[p] - max);
          acc = max + Math.log(sum);
          break;
        }
        default:
          throw new Error(`reduce: unknown op ${String(op)}`);
      }
      out[o * inner + i] = acc;
    }
  }
}

/** Index of the first largest (smallest) value along the middle axis; NaN counts as largest. */
export function argReduce(op: 'argmax' | 'argmin', x: DataArray, layout: AxisLayout, out: DataArray): void {
  const { outer, length, inner } = layout;
  const sign = op === 'argmax' ? 1 : -1;
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
  const { outer, length, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      let max = -Infinity;
      for (let j = 0, p = start; j < length; j++, p += inner) if (x[p] > max) max = x[p];
      if (max === -Infinity) max = 0;
      let sum = 0;
      for (let j = 0, p = start; j < length; j++, p += inner) sum += Math.exp(x[p] - max);
      if (log) {
        const logSum = Math.log(sum) + max;
        for (let j = 0, p = start; j < length; j++, p += inner) out[p] = x[p] - logSum;
      } else {
        for (let j = 0, p = start; j < length; j++, p += inner) out[p] = Math.exp(x[p] - max) / sum;
      }
    }
  }
}

/** Inclusive cumulative sum along the middle axis. */
export function cumsum(x: DataArray, layout: AxisLayout, out: DataArray): void {
  const { outer, length, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let j = 0, p = o * length * inner + i; j < length; j++, p += inner) {
        acc += x[p];
        out[p] = acc;
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
      for (let i = 0; i < inner; i++) out[to + i] = x[from + i];
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
