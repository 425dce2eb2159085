import type { KernelThis } from './kernelSources.js';

/*
 * Fused recurrent kernels for gpu.js (plain functions; helpers `sigmoidOf` and `tanhOf` come
 * through `addFunction`). A sequence keeps one device buffer, the history, laid out as
 * `[T + 1, B, stateWidth]`: row 0 is the initial state, row `t + 1` the state after step `t`.
 * Each step is three launches: the recurrent product `W_hh h_{t−1}` (one thread per gate value),
 * the gate arithmetic of the new state row (one thread per state value), and the append of that
 * row to a new history (a copy); a projected LSTM adds a fourth, `h = W_hr m`. The data never leaves the device between steps and one download
 * returns every output. The copy is kept apart because the `webasm` backend runs both sides of a
 * branch under SIMD: a kernel that both copied and computed would pay the computation on every
 * element of the history.
 * The state row of an LSTM is `[h | c]` (width R + H, `R` the projection size or H); of a GRU `h`
 * (width H), or `[h | r]` (2H) in the reset-before form; of an Elman network `h` (H).
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
 * (`[B, G·H]`), with `h_{t−1}` the first `recurrentWidth` values of history row `t` (rows
 * `stateWidth` wide; `recurrentWidth` is `R`, the projection size of a projected LSTM, else `H`).
 * One thread per gate value: the only product left inside the time loop.
 */
export function recurrentProductKernel(
  this: KernelThis, history: number[], whh: number[], t: number, batch: number, recurrentWidth: number, stateWidth: number,
  gateWidth: number,
): number {
  const b = Math.floor((this.thread.x + 0.5) / gateWidth);
  const m = this.thread.x - b * gateWidth;
  const previous = (t * batch + b) * stateWidth;
  let sum = 0;
  for (let k = 0; k < recurrentWidth; k++) sum += whh[m * recurrentWidth + k] * history[previous + k];
  return sum;
}

/**
 * The LSTM cell after step `t`, `[B, 2H]` (`[m | c]` per batch row), gates `i, f, g, o` in
 * PyTorch's order: `[i, f, g, o] = xProjection_t + W_hh h` (`xProjection [T, B, 4H]` holds
 * `W_ih x + b_ih + b_hh`, `gates [B, 4H]` the recurrent product), `i = σ(i + w_ci ⊙ c)`,
 * `f = σ(f + w_cf ⊙ c)`, `c' = f·c + i·tanh(g)`, `o = σ(o + w_co ⊙ c')`, `m = o·tanh(c')`.
 * Without a projection `m` is `h'` and the row is the new state; with one, `lstmProjectKernel`
 * forms `h' = W_hr m`. `c` is read from history row `t` (rows `[h | c]`, `h` `recurrentWidth`
 * wide). `weights` holds `[W_hh (4H·R) | w_ci, w_cf, w_co (3H, zeros without peepholes) | W_hr]`;
 * `σ` is the hard sigmoid when `hard` = 1.
 */
export function lstmCellKernel(
  this: KernelThis, history: number[], xProjection: number[], gates: number[], weights: number[], t: number, batch: number,
  hidden: number, recurrentWidth: number, hard: number,
): number {
  const width = 2 * hidden;
  const b = Math.floor((this.thread.x + 0.5) / width);
  const col = this.thread.x - b * width;
  let j = col;
  if (col >= hidden) j = col - hidden;
  const peephole = 4 * hidden * recurrentWidth;
  const stateWidth = recurrentWidth + hidden;
  const cPrevious = history[t * batch * stateWidth + b * stateWidth + recurrentWidth + j];
  const projection = (t * batch + b) * 4 * hidden + j;
  const gate = b * 4 * hidden + j;
  const i = gateOf(xProjection[projection] + gates[gate] + weights[peephole + j] * cPrevious, hard);
  const f = gateOf(xProjection[projection + hidden] + gates[gate + hidden] + weights[peephole + hidden + j] * cPrevious, hard);
  const c = f * cPrevious + i * tanhOf(xProjection[projection + 2 * hidden] + gates[gate + 2 * hidden]);
  if (col >= hidden) return c;
  return gateOf(xProjection[projection + 3 * hidden] + gates[gate + 3 * hidden] + weights[peephole + 2 * hidden + j] * c, hard) * tanhOf(c);
}

/**
 * The projected LSTM state `[B, P + H]` (`[h | c]`) from a cell row `[m | c]` of `lstmCellKernel`:
 * `h = W_hr m` (`W_hr [P, H]` at `offset` of `weights`), `c` copied.
 */
export function lstmProjectKernel(this: KernelThis, cell: number[], weights: number[], hidden: number, projSize: number, offset: number): number {
  const width = projSize + hidden;
  const b = Math.floor((this.thread.x + 0.5) / width);
  const col = this.thread.x - b * width;
  const row = b * 2 * hidden;
  if (col >= projSize) return cell[row + hidden + col - projSize];
  let sum = 0;
  for (let j = 0; j < hidden; j++) sum += weights[offset + col * hidden + j] * cell[row + j];
  return sum;
}

/**
 * The GRU state after step `t`, gates `r, z, n` in PyTorch's order: `r = σ(x_r + W_hr h + b_hr)`,
 * `z = σ(x_z + W_hz h + b_hz)`, `h' = (1 − z)·n + z·h`, with `n = tanh(x_n + r·(W_hn h + b_hn))`
 * (`resetAfter` = 1, PyTorch's) or `n = tanh(x_n + W_hn (r ⊙ h) + b_hn)` (`resetAfter` = 0, Keras's
 * `reset_after=False`; one thread per `h'` value forms its `H` products). `xProjection [T, B, 3H]`
 * holds `W_ih x + b_ih`, `gates [B, 3H]` the recurrent product and `bhh [3H]` is `b_hh`, kept apart
 * because `r` multiplies `W_hn h + b_hn`. The state row is `h` `[B, H]` after the reset form, and
 * `[h | r]` `[B, 2H]` before it (the backward pass reads `r` back). `σ` is the hard sigmoid when `hard` = 1.
 */
export function gruCellKernel(
  this: KernelThis, history: number[], xProjection: number[], gates: number[], bhh: number[], whh: number[], t: number,
  batch: number, hidden: number, resetAfter: number, hard: number,
): number {
  let width = 2 * hidden;
  if (resetAfter > 0.5) width = hidden;
  const rowSize = batch * width;
  const b = Math.floor((this.thread.x + 0.5) / width);
  const col = this.thread.x - b * width;
  let j = col;
  if (col >= hidden) j = col - hidden;
  const projection = (t * batch + b) * 3 * hidden;
  const gate = b * 3 * hidden;
  const r = gateOf(xProjection[projection + j] + gates[gate + j] + bhh[j], hard);
  if (col >= hidden) return r;
  const z = gateOf(xProjection[projection + hidden + j] + gates[gate + hidden + j] + bhh[hidden + j], hard);
  const previous = t * rowSize + b * width;
  let hn = r * (gates[gate + 2 * hidden + j] + bhh[2 * hidden + j]);
  let count = hidden;
  if (resetAfter > 0.5) count = 0;
  if (count > 0.5) hn = bhh[2 * hidden + j];
  for (let k = 0; k < count; k++) {
    const rk = gateOf(xProjection[projection + k] + gates[gate + k] + bhh[k], hard);
    hn += whh[(2 * hidden + j) * hidden + k] * rk * history[previous + k];
  }
  const n = tanhOf(xProjection[projection + 2 * hidden + j] + hn);
  return (1 - z) * n + z * history[previous + j];
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
declare function gateOf(v: number, hard: number): number;
declare function tanhOf(v: number): number;
