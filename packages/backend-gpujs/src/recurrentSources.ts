import type { KernelThis } from './kernelSources.js';

/*
 * Fused recurrent kernels for gpu.js (plain functions; helpers `sigmoidOf` and `tanhOf` come
 * through `addFunction`). A sequence keeps one device buffer, the history, laid out as
 * `[T + 1, B, stateWidth]`: row 0 is the initial state, row `t + 1` the state after step `t`.
 * Each step is two launches: a step kernel computes the new state row `[B, stateWidth]` from
 * history row `t`, and {@link appendRowKernel} writes it into row `t + 1` of a new history (a
 * copy). The data never leaves the device between steps and one download returns every output.
 * The step is kept apart from the copy because the `webasm` backend runs both sides of a branch
 * under SIMD: a kernel that both copied and computed would pay the step's arithmetic on every
 * element of the history.
 * The state row of an LSTM is `[h | c]` (width 2H); of a GRU or an Elman network, `h` (width H).
 */

/** `out[i] = x[i]`: the upload of a host array into a device buffer. */
export function uploadKernel(this: KernelThis, x: number[]): number {
  return x[this.thread.x];
}

/** History with row 0 = `state` (`rowSize` values) and zeros after it. */
export function initialHistoryKernel(this: KernelThis, state: number[], rowSize: number): number {
  if (this.thread.x < rowSize) return state[this.thread.x];
  return 0;
}

/**
 * `history` with row `rowIndex` (of `span` values) replaced by `values`. (gpu.js names the size
 * of an array argument `a` as `aSize` in GLSL: argument names must not collide with that.)
 */
export function appendRowKernel(this: KernelThis, history: number[], values: number[], rowIndex: number, span: number): number {
  const start = rowIndex * span;
  if (this.thread.x >= start && this.thread.x < start + span) return values[this.thread.x - start];
  return history[this.thread.x];
}

/**
 * Input projection of all time steps at once: `out[row, col] = Σ_p x[row, p]·w[col, p] + bias[col]`
 * for `x [rows, inputSize]`, `w [width, inputSize]` (PyTorch's `weight_ih`), `bias [width]`.
 */
export function projectionKernel(this: KernelThis, x: number[], w: number[], bias: number[], inputSize: number, width: number): number {
  const row = Math.floor((this.thread.x + 0.5) / width);
  const col = this.thread.x - row * width;
  let sum = bias[col];
  for (let p = 0; p < inputSize; p++) sum += x[row * inputSize + p] * w[col * inputSize + p];
  return sum;
}

/**
 * One LSTM step `t`: the state row `[B, 2H]` (`[h | c]` per batch row) after step `t`, read from
 * history row `t`, gates `i, f, g, o` in PyTorch's order:
 * `[i, f, g, o] = xProjection_t + W_hh h`, `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`.
 * `xProjection [T, B, 4H]` already holds `W_ih x + b_ih + b_hh`.
 */
export function lstmStepKernel(
  this: KernelThis, history: number[], xProjection: number[], whh: number[], t: number, batch: number, hidden: number,
): number {
  const width = 2 * hidden;
  const rowSize = batch * width;
  const within = this.thread.x;
  const b = Math.floor((within + 0.5) / width);
  const col = within - b * width;
  let j = col;
  if (col >= hidden) j = col - hidden;
  const previous = t * rowSize + b * width;
  const projection = (t * batch + b) * 4 * hidden;
  let si = xProjection[projection + j];
  let sf = xProjection[projection + hidden + j];
  let sg = xProjection[projection + 2 * hidden + j];
  let so = xProjection[projection + 3 * hidden + j];
  for (let k = 0; k < hidden; k++) {
    const h = history[previous + k];
    si += whh[j * hidden + k] * h;
    sf += whh[(hidden + j) * hidden + k] * h;
    sg += whh[(2 * hidden + j) * hidden + k] * h;
    so += whh[(3 * hidden + j) * hidden + k] * h;
  }
  const c = sigmoidOf(sf) * history[previous + hidden + j] + sigmoidOf(si) * tanhOf(sg);
  if (col >= hidden) return c;
  return sigmoidOf(so) * tanhOf(c);
}

/**
 * One GRU step `t`: the state row `[B, H]` after step `t`, read from history row `t`, gates `r, z, n` in PyTorch's order:
 * `r = σ(x_r + W_hr h + b_hr)`, `z = σ(x_z + W_hz h + b_hz)`, `n = tanh(x_n + r·(W_hn h + b_hn))`,
 * `h' = (1 − z)·n + z·h`. `xProjection [T, B, 3H]` holds `W_ih x + b_ih`; `bhh [3H]` is `b_hh`.
 */
export function gruStepKernel(
  this: KernelThis, history: number[], xProjection: number[], whh: number[], bhh: number[],
  t: number, batch: number, hidden: number,
): number {
  const rowSize = batch * hidden;
  const within = this.thread.x;
  const b = Math.floor((within + 0.5) / hidden);
  const j = within - b * hidden;
  const previous = t * rowSize + b * hidden;
  const projection = (t * batch + b) * 3 * hidden;
  let sr = bhh[j];
  let sz = bhh[hidden + j];
  let sn = bhh[2 * hidden + j];
  for (let k = 0; k < hidden; k++) {
    const h = history[previous + k];
    sr += whh[j * hidden + k] * h;
    sz += whh[(hidden + j) * hidden + k] * h;
    sn += whh[(2 * hidden + j) * hidden + k] * h;
  }
  const r = sigmoidOf(xProjection[projection + j] + sr);
  const z = sigmoidOf(xProjection[projection + hidden + j] + sz);
  const n = tanhOf(xProjection[projection + 2 * hidden + j] + r * sn);
  return (1 - z) * n + z * history[previous + j];
}

/**
 * One Elman step `t`: the state row `[B, H]` after step `t`, read from history row `t`: `h' = act(xProjection_t + W_hh h)` with
 * `act = tanh` (`relu` = 0) or `relu` (`relu` = 1); `xProjection [T, B, H]` holds
 * `W_ih x + b_ih + b_hh`.
 */
export function rnnStepKernel(
  this: KernelThis, history: number[], xProjection: number[], whh: number[], t: number, batch: number, hidden: number,
  relu: number,
): number {
  const rowSize = batch * hidden;
  const within = this.thread.x;
  const b = Math.floor((within + 0.5) / hidden);
  const j = within - b * hidden;
  const previous = t * rowSize + b * hidden;
  let sum = xProjection[(t * batch + b) * hidden + j];
  for (let k = 0; k < hidden; k++) sum += whh[j * hidden + k] * history[previous + k];
  if (relu > 0.5) return Math.max(sum, 0);
  return tanhOf(sum);
}

// The helpers are registered with gpu.js by name (`addFunction`); declared rather than imported so
// the kernel source text keeps the bare names whatever a module loader does to imports.
declare function sigmoidOf(v: number): number;
declare function tanhOf(v: number): number;
