import type { KernelThis } from './kernelSources.js';

/*
 * Fused recurrent kernels for gpu.js (plain functions; helpers `sigmoidOf` and `tanhOf` come
 * through `addFunction`). A sequence keeps one device buffer, the history, laid out as
 * `[T + 1, B, stateWidth]`: row 0 is the initial state, row `t + 1` the state after step `t`.
 * Each step is three launches: the recurrent product `W_hh h_{t−1}` (one thread per gate value),
 * the gate arithmetic of the new state row (one thread per state value), and the append of that
 * row to a new history (a copy). The data never leaves the device between steps and one download
 * returns every output. The copy is kept apart because the `webasm` backend runs both sides of a
 * branch under SIMD: a kernel that both copied and computed would pay the computation on every
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
 * The recurrent product of step `t`: `out[b, m] = Σ_k W_hh[m, k]·h_{t−1}[b, k]` for `m < gateWidth`
 * (`[B, G·H]`), with `h_{t−1}` the first `hidden` values of history row `t` (rows `stateWidth` wide).
 * One thread per gate value: the only product left inside the time loop.
 */
export function recurrentProductKernel(
  this: KernelThis, history: number[], whh: number[], t: number, batch: number, hidden: number, stateWidth: number,
  gateWidth: number,
): number {
  const b = Math.floor((this.thread.x + 0.5) / gateWidth);
  const m = this.thread.x - b * gateWidth;
  const previous = (t * batch + b) * stateWidth;
  let sum = 0;
  for (let k = 0; k < hidden; k++) sum += whh[m * hidden + k] * history[previous + k];
  return sum;
}

/**
 * The LSTM state after step `t`, `[B, 2H]` (`[h | c]` per batch row), gates `i, f, g, o`
 * in PyTorch's order, `[i, f, g, o] = xProjection_t + W_hh h` (`xProjection [T, B, 4H]` holds
 * `W_ih x + b_ih + b_hh`, `gates [B, 4H]` the recurrent product), `c' = σ(f)·c + σ(i)·tanh(g)`,
 * `h' = σ(o)·tanh(c')`; `c` is read from history row `t`.
 */
export function lstmCellKernel(
  this: KernelThis, history: number[], xProjection: number[], gates: number[], t: number, batch: number, hidden: number,
): number {
  const width = 2 * hidden;
  const rowSize = batch * width;
  const within = this.thread.x;
  const b = Math.floor((within + 0.5) / width);
  const col = within - b * width;
  let j = col;
  if (col >= hidden) j = col - hidden;
  const projection = (t * batch + b) * 4 * hidden + j;
  const gate = b * 4 * hidden + j;
  const i = sigmoidOf(xProjection[projection] + gates[gate]);
  const f = sigmoidOf(xProjection[projection + hidden] + gates[gate + hidden]);
  const g = tanhOf(xProjection[projection + 2 * hidden] + gates[gate + 2 * hidden]);
  const c = f * history[t * rowSize + b * width + hidden + j] + i * g;
  if (col >= hidden) return c;
  return sigmoidOf(xProjection[projection + 3 * hidden] + gates[gate + 3 * hidden]) * tanhOf(c);
}

/**
 * The GRU state after step `t`, `[B, H]` (`h` read from history row `t`), gates `r, z, n` in PyTorch's order:
 * `r = σ(x_r + W_hr h + b_hr)`, `z = σ(x_z + W_hz h + b_hz)`, `n = tanh(x_n + r·(W_hn h + b_hn))`,
 * `h' = (1 − z)·n + z·h`. `xProjection [T, B, 3H]` holds `W_ih x + b_ih`, `gates [B, 3H]` the
 * recurrent product and `bhh [3H]` is `b_hh`, kept apart because `r` multiplies `W_hn h + b_hn`.
 */
export function gruCellKernel(
  this: KernelThis, history: number[], xProjection: number[], gates: number[], bhh: number[], t: number, batch: number,
  hidden: number,
): number {
  const rowSize = batch * hidden;
  const within = this.thread.x;
  const b = Math.floor((within + 0.5) / hidden);
  const j = within - b * hidden;
  const projection = (t * batch + b) * 3 * hidden + j;
  const gate = b * 3 * hidden + j;
  const r = sigmoidOf(xProjection[projection] + gates[gate] + bhh[j]);
  const z = sigmoidOf(xProjection[projection + hidden] + gates[gate + hidden] + bhh[hidden + j]);
  const n = tanhOf(xProjection[projection + 2 * hidden] + r * (gates[gate + 2 * hidden] + bhh[2 * hidden + j]));
  return (1 - z) * n + z * history[t * rowSize + within];
}

/**
 * The Elman state after step `t`, `[B, H]`: `h' = act(xProjection_t + W_hh h)` with
 * `act = tanh` (`relu` = 0) or `relu` (`relu` = 1); `xProjection [T, B, H]` holds
 * `W_ih x + b_ih + b_hh`, `gates [B, H]` the recurrent product.
 */
export function rnnCellKernel(
  this: KernelThis, history: number[], xProjection: number[], gates: number[], t: number, batch: number, hidden: number,
  relu: number,
): number {
  const rowSize = batch * hidden;
  const within = this.thread.x;
  const sum = xProjection[t * rowSize + within] + gates[within];
  if (relu > 0.5) return Math.max(sum, 0);
  return tanhOf(sum);
}

// The helpers are registered with gpu.js by name (`addFunction`); declared rather than imported so
// the kernel source text keeps the bare names whatever a module loader does to imports.
declare function sigmoidOf(v: number): number;
declare function tanhOf(v: number): number;
