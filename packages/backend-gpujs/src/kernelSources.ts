/**
 * The gpu.js kernel bodies of the tensor kernel table. Each is a plain `function` that gpu.js
 * parses from its source text: no closures, no imports, no arrow functions; helpers are passed to
 * gpu.js explicitly with `addFunction` (see {@link kernelHelpers}). Integer arithmetic on indices
 * runs in float on the GL backends, so divisions take `Math.floor((x + 0.5) / n)`, which stays exact
 * whatever the rounding of the division.
 *
 * @packageDocumentation
 */

/** The `this` of a gpu.js kernel: the thread index (we use one-dimensional outputs). */
export interface KernelThis {
  thread: { x: number; y: number; z: number };
}

/** Logistic function, branch per sign so neither side overflows. */
export function sigmoidOf(v: number): number {
  if (v >= 0) {
    return 1 / (1 + Math.exp(-v));
  }
  const e = Math.exp(v);
  return e / (1 + e);
}

/** `tanh` through `exp`, clamped so `exp` never overflows (GLSL's tanh is not precise everywhere). */
export function tanhOf(v: number): number {
  const u = Math.min(Math.max(v, -15), 15);
  const e = Math.exp(2 * u);
  return (e - 1) / (e + 1);
}

/** The LSTM and GRU gate activation: the logistic function (`hard` = 0) or tf.keras's hard sigmoid
 * `max(0, min(1, 0.2·v + 0.5))` (`hard` = 1). */
export function gateOf(v: number, hard: number): number {
  if (hard > 0.5) return Math.min(Math.max(0.2 * v + 0.5, 0), 1);
  return sigmoidOf(v);
}

/** The derivative of {@link gateOf} from its output `y`: `y·(1 − y)`, or 0.2 inside `(0, 1)` (0 where clipped) for the hard sigmoid. */
export function gateSlopeOf(y: number, hard: number): number {
  if (hard > 0.5) {
    if (y > 0 && y < 1) return 0.2;
    return 0;
  }
  return y * (1 - y);
}

/** Round half to even, as PyTorch does. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) {
    return f + 1;
  }
  if (d < 0.5) {
    return f;
  }
  if (f - 2 * Math.floor(f / 2) > 0.5) {
    return f + 1;
  }
  return f;
}

/** Unary function by code (the position of the op in `unaryOps`). */
export function unaryOf(code: number, v: number): number {
  if (code < 0.5) return -v;
  if (code < 1.5) return Math.abs(v);
  if (code < 2.5) return Math.exp(v);
  if (code < 3.5) return Math.log(v);
  if (code < 4.5) return Math.log(1 + v);
  if (code < 5.5) return Math.exp(v) - 1;
  if (code < 6.5) return Math.sqrt(v);
  if (code < 7.5) return 1 / Math.sqrt(v);
  if (code < 8.5) return v * v;
  if (code < 9.5) return 1 / v;
  if (code < 10.5) return tanhOf(v);
  if (code < 11.5) return sigmoidOf(v);
  if (code < 12.5) return Math.max(v, 0);
  if (code < 13.5) return Math.max(v, 0) + Math.log(1 + Math.exp(-Math.abs(v)));
  if (code < 14.5) {
    if (v > 0) return 1;
    if (v < 0) return -1;
    return v;
  }
  if (code < 15.5) return Math.sin(v);
  if (code < 16.5) return Math.cos(v);
  if (code < 17.5) return Math.floor(v);
  if (code < 18.5) return Math.ceil(v);
  return roundHalfEven(v);
}

/** Binary function by code (the position of the op in `binaryOps`). */
export function binaryOf(code: number, x: number, y: number): number {
  if (code < 0.5) return x + y;
  if (code < 1.5) return x - y;
  if (code < 2.5) return x * y;
  if (code < 3.5) return x / y;
  if (code < 4.5) return Math.pow(x, y);
  if (code < 5.5) return Math.max(x, y);
  if (code < 6.5) return Math.min(x, y);
  if (code < 7.5) {
    if (x === y) return 1;
    return 0;
  }
  if (code < 8.5) {
    if (x !== y) return 1;
    return 0;
  }
  if (code < 9.5) {
    if (x < y) return 1;
    return 0;
  }
  if (code < 10.5) {
    if (x <= y) return 1;
    return 0;
  }
  if (code < 11.5) {
    if (x > y) return 1;
    return 0;
  }
  if (x >= y) return 1;
  return 0;
}

/** `out[i] = f(x[i])`. */
export function unaryKernel(this: KernelThis, x: number[], code: number): number {
  return unaryOf(code, x[this.thread.x]);
}

/** `out[i] = x[i]·scale + shift`. */
export function affineKernel(this: KernelThis, x: number[], scale: number, shift: number): number {
  return x[this.thread.x] * scale + shift;
}

/**
 * `out[index] = f(a[index], b[index])` over a shape padded to rank 6 (`shape`, `aStrides`,
 * `bStrides` hold 6 entries, outermost first; a stride of 0 broadcasts).
 */
export function binaryKernel(
  this: KernelThis, code: number, a: number[], aOffset: number, aStrides: number[],
  b: number[], bOffset: number, bStrides: number[], shape: number[],
): number {
  let rest = this.thread.x;
  let ia = aOffset;
  let ib = bOffset;
  for (let axis = 5; axis >= 0; axis--) {
    const size = shape[axis];
    const quotient = Math.floor((rest + 0.5) / size);
    const index = rest - quotient * size;
    ia += index * aStrides[axis];
    ib += index * bStrides[axis];
    rest = quotient;
  }
  return binaryOf(code, a[ia], b[ib]);
}

/** Rows of the middle axis: `out[o, j, i] = x[o, indices[j], i]` (`count` indices, `x`'s middle axis `length` long). */
export function gatherKernel(this: KernelThis, x: number[], indices: number[], count: number, length: number, inner: number): number {
  const row = Math.floor((this.thread.x + 0.5) / inner);
  const i = this.thread.x - row * inner;
  const o = Math.floor((row + 0.5) / count);
  const j = row - o * count;
  return x[(o * length + indices[j]) * inner + i];
}

/**
 * The adjoint of {@link gatherKernel}: `out[o, r, i] = target[o, r, i] + Σ_{j: indices[j] = r}
 * source[o, j, i]`, added in index order as the CPU kernel does (an element no index reaches keeps
 * its value, −0 included).
 */
export function scatterAddKernel(
  this: KernelThis, source: number[], target: number[], indices: number[], count: number, length: number, inner: number,
): number {
  const row = Math.floor((this.thread.x + 0.5) / inner);
  const i = this.thread.x - row * inner;
  const o = Math.floor((row + 0.5) / length);
  const r = row - o * length;
  let value = target[this.thread.x];
  for (let j = 0; j < count; j++) {
    if (Math.abs(indices[j] - r) < 0.5) value += source[(o * count + j) * inner + i];
  }
  return value;
}

/**
 * General matrix product into a one-dimensional `[m·n]` output: element `(i, j)` is
 * `alpha·Σ_p op(A)[i, p]·op(B)[p, j] + beta·C[i, j]`. Transposition is a choice of strides:
 * `op(A)[i, p]` sits at `aOffset + i·aRow + p·aCol`.
 */
export function gemmKernel(
  this: KernelThis, a: number[], aOffset: number, aRow: number, aCol: number,
  b: number[], bOffset: number, bRow: number, bCol: number,
  c: number[], cOffset: number, ldc: number, n: number, k: number, alpha: number, beta: number,
): number {
  const i = Math.floor((this.thread.x + 0.5) / n);
  const j = this.thread.x - i * n;
  let sum = 0;
  for (let p = 0; p < k; p++) {
    sum += a[aOffset + i * aRow + p * aCol] * b[bOffset + p * bRow + j * bCol];
  }
  let result = alpha * sum;
  if (beta !== 0) {
    result += beta * c[cOffset + i * ldc + j];
  }
  return result;
}

/**
 * Reduction of the middle axis of `[outer, length, inner]` into `[outer·inner]`
 * (code: 0 sum, 1 prod, 2 max, 3 min, 4 logsumexp).
 */
export function reduceKernel(this: KernelThis, x: number[], code: number, length: number, inner: number): number {
  const o = Math.floor((this.thread.x + 0.5) / inner);
  const i = this.thread.x - o * inner;
  const start = o * length * inner + i;
  if (code < 0.5) {
    let sum = 0;
    for (let j0 = 0; j0 < length; j0++) sum += x[start + j0 * inner];
    return sum;
  }
  if (code < 1.5) {
    let product = 1;
    for (let j1 = 0; j1 < length; j1++) product *= x[start + j1 * inner];
    return product;
  }
  if (code < 2.5) {
    let best = -Infinity;
    for (let j2 = 0; j2 < length; j2++) best = Math.max(best, x[start + j2 * inner]);
    return best;
  }
  if (code < 3.5) {
    let best = Infinity;
    for (let j3 = 0; j3 < length; j3++) best = Math.min(best, x[start + j3 * inner]);
    return best;
  }
  let max = -Infinity;
  for (let j4 = 0; j4 < length; j4++) max = Math.max(max, x[start + j4 * inner]);
  if (max === -Infinity || max === Infinity) return max;
  let total = 0;
  for (let j5 = 0; j5 < length; j5++) total += Math.exp(x[start + j5 * inner] - max);
  return max + Math.log(total);
}

/** Softmax (`log` = 0) or log-softmax (`log` = 1) along the middle axis, one thread per element. */
export function softmaxKernel(this: KernelThis, x: number[], length: number, inner: number, log: number): number {
  const row = Math.floor((this.thread.x + 0.5) / inner);
  const i = this.thread.x - row * inner;
  const o = Math.floor((row + 0.5) / length);
  const start = o * length * inner + i;
  let max = -Infinity;
  for (let j6 = 0; j6 < length; j6++) max = Math.max(max, x[start + j6 * inner]);
  if (max === -Infinity) max = 0;
  let total = 0;
  for (let j7 = 0; j7 < length; j7++) total += Math.exp(x[start + j7 * inner] - max);
  const v = x[this.thread.x];
  if (log > 0.5) return v - max - Math.log(total);
  return Math.exp(v - max) / total;
}

/** Helper functions every kernel may call, registered with `gpu.addFunction` in this order. */
export const kernelHelpers = [sigmoidOf, tanhOf, gateOf, gateSlopeOf, roundHalfEven, unaryOf, binaryOf] as const;
