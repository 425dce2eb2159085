import type { KernelThis } from './kernelSources.js';

/*
 * Backpropagation through time for the fused sequence kernels (plain gpu.js functions). The
 * forward history `[T + 1, B, forwardWidth]` stays on the device; the backward history
 * `[T + 1, B, width]` runs the other way: row `t` holds the gradients of step `t`, row `T` the
 * carry into the last step. A step kernel recomputes its step's gates from the forward history
 * (cheaper than storing them) and computes row `t` `[B, width]` from row `t + 1`; `appendRowKernel`
 * then writes it into a new backward history.
 *
 * Row layouts (H hidden units):
 * - LSTM `[dgates 4H | dc·f H]`: pre-activation gate gradients `i, f, g, o`, then `∂L/∂c_{t−1}`.
 * - GRU `[dx-gates 3H | dh-gates 3H | dh·z H]`: gradients of `W_ih x + b_ih` and of `W_hh h + b_hh`
 *   per gate `r, z, n` (they differ for `n`: `r` multiplies the hidden part), then the direct
 *   part of `∂L/∂h_{t−1}`.
 * - Elman `[da H]`: gradient of the pre-activation.
 */

/** Backward history with row `T` = `carry` (`rowSize` values), zeros elsewhere. */
export function initialBackwardKernel(this: KernelThis, carry: number[], rowSize: number, steps: number): number {
  const start = steps * rowSize;
  if (this.thread.x >= start) return carry[this.thread.x - start];
  return 0;
}

/** One LSTM backward step `t`: row `t` of the backward history; `dOutput [T, B, H]` already holds `∂L/∂h_n` in its last step. */
export function lstmBackwardKernel(
  this: KernelThis, backward: number[], history: number[], xProjection: number[], whh: number[], dOutput: number[],
  t: number, batch: number, hidden: number,
): number {
  const width = 5 * hidden;
  const rowSize = batch * width;
  const within = this.thread.x;
  const b = Math.floor((within + 0.5) / width);
  const col = within - b * width;
  const gate = Math.floor((col + 0.5) / hidden);
  const j = col - gate * hidden;
  const stateWidth = 2 * hidden;
  const previous = t * batch * stateWidth + b * stateWidth;
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
  const i = sigmoidOf(si);
  const f = sigmoidOf(sf);
  const g = tanhOf(sg);
  const o = sigmoidOf(so);
  const cPrevious = history[previous + hidden + j];
  const tanhC = tanhOf(f * cPrevious + i * g);
  // ∂L/∂h_t = ∂L/∂output_t + W_hhᵀ · dgates_{t+1}
  const next = (t + 1) * rowSize + b * width;
  let dh = dOutput[(t * batch + b) * hidden + j];
  for (let m = 0; m < 4 * hidden; m++) dh += backward[next + m] * whh[m * hidden + j];
  const dc = dh * o * (1 - tanhC * tanhC) + backward[next + 4 * hidden + j];
  if (gate < 0.5) return dc * g * i * (1 - i);
  if (gate < 1.5) return dc * cPrevious * f * (1 - f);
  if (gate < 2.5) return dc * i * (1 - g * g);
  if (gate < 3.5) return dh * tanhC * o * (1 - o);
  return dc * f;
}

/** One GRU backward step `t`: row `t` of the backward history (layout in the file comment). */
export function gruBackwardKernel(
  this: KernelThis, backward: number[], history: number[], xProjection: number[], whh: number[], bhh: number[],
  dOutput: number[], t: number, batch: number, hidden: number,
): number {
  const width = 7 * hidden;
  const rowSize = batch * width;
  const within = this.thread.x;
  const b = Math.floor((within + 0.5) / width);
  const col = within - b * width;
  const block = Math.floor((col + 0.5) / hidden);
  const j = col - block * hidden;
  const previous = t * batch * hidden + b * hidden;
  const projection = (t * batch + b) * 3 * hidden;
  let hr = bhh[j];
  let hz = bhh[hidden + j];
  let hn = bhh[2 * hidden + j];
  for (let k = 0; k < hidden; k++) {
    const h = history[previous + k];
    hr += whh[j * hidden + k] * h;
    hz += whh[(hidden + j) * hidden + k] * h;
    hn += whh[(2 * hidden + j) * hidden + k] * h;
  }
  const r = sigmoidOf(xProjection[projection + j] + hr);
  const z = sigmoidOf(xProjection[projection + hidden + j] + hz);
  const n = tanhOf(xProjection[projection + 2 * hidden + j] + r * hn);
  const next = (t + 1) * rowSize + b * width;
  let dh = dOutput[(t * batch + b) * hidden + j] + backward[next + 6 * hidden + j];
  for (let m = 0; m < 3 * hidden; m++) dh += backward[next + 3 * hidden + m] * whh[m * hidden + j];
  // h' = (1 − z)·n + z·h
  const dan = dh * (1 - z) * (1 - n * n);
  const daz = dh * (history[previous + j] - n) * z * (1 - z);
  const dar = dan * hn * r * (1 - r);
  if (block < 0.5) return dar;
  if (block < 1.5) return daz;
  if (block < 2.5) return dan;
  if (block < 3.5) return dar;
  if (block < 4.5) return daz;
  if (block < 5.5) return dan * r;
  return dh * z;
}

/** One Elman backward step `t` (row `t` of the backward history): `da = ∂L/∂h_t · act′`, with `act′` read from `h_t`. */
export function rnnBackwardKernel(
  this: KernelThis, backward: number[], history: number[], whh: number[], dOutput: number[],
  t: number, batch: number, hidden: number, relu: number,
): number {
  const rowSize = batch * hidden;
  const within = this.thread.x;
  const b = Math.floor((within + 0.5) / hidden);
  const j = within - b * hidden;
  const next = (t + 1) * rowSize + b * hidden;
  let dh = dOutput[(t * batch + b) * hidden + j];
  for (let m = 0; m < hidden; m++) dh += backward[next + m] * whh[m * hidden + j];
  const h = history[(t + 1) * rowSize + b * hidden + j];
  if (relu > 0.5) {
    if (h > 0) return dh;
    return 0;
  }
  return dh * (1 - h * h);
}

/**
 * Every result of a backward pass in one buffer, so one download returns them all. Segments, in
 * order (ends given cumulatively in `ends`): `dx [T, B, I]`, `dW_ih [GH, I]`, `dW_hh [GH, H]`,
 * `db_ih [GH]`, `db_hh [GH]`, `dh0 [B, H]`, `dc0 [B, H]`, `output [T, B, H]`, `h_n [B, H]`,
 * `c_n [B, H]`. `sizes` = `[T, B, I, H, GH, width, forwardWidth, xOffset, hOffset, directOffset,
 * cellOffset]` (an offset of −1: absent).
 */
export function gatherGradientsKernel(
  this: KernelThis, backward: number[], history: number[], x: number[], wih: number[], whh: number[],
  ends: number[], sizes: number[],
): number {
  const T = sizes[0];
  const B = sizes[1];
  const I = sizes[2];
  const H = sizes[3];
  const GH = sizes[4];
  const width = sizes[5];
  const forwardWidth = sizes[6];
  const xOffset = sizes[7];
  const hOffset = sizes[8];
  const index = this.thread.x;
  if (index < ends[0]) {
    const step = Math.floor((index + 0.5) / I);
    const p = index - step * I;
    let sum = 0;
    for (let m = 0; m < GH; m++) sum += backward[step * width + xOffset + m] * wih[m * I + p];
    return sum;
  }
  if (index < ends[1]) {
    const within = index - ends[0];
    const m = Math.floor((within + 0.5) / I);
    const p = within - m * I;
    let sum = 0;
    for (let s = 0; s < T * B; s++) sum += backward[s * width + xOffset + m] * x[s * I + p];
    return sum;
  }
  if (index < ends[2]) {
    const within = index - ends[1];
    const m = Math.floor((within + 0.5) / H);
    const k = within - m * H;
    let sum = 0;
    for (let s2 = 0; s2 < T * B; s2++) sum += backward[s2 * width + hOffset + m] * history[s2 * forwardWidth + k];
    return sum;
  }
  if (index < ends[3]) {
    const m = index - ends[2];
    let sum = 0;
    for (let s3 = 0; s3 < T * B; s3++) sum += backward[s3 * width + xOffset + m];
    return sum;
  }
  if (index < ends[4]) {
    const m = index - ends[3];
    let sum = 0;
    for (let s4 = 0; s4 < T * B; s4++) sum += backward[s4 * width + hOffset + m];
    return sum;
  }
  if (index < ends[5]) {
    const within = index - ends[4];
    const b = Math.floor((within + 0.5) / H);
    const j = within - b * H;
    let sum = 0;
    if (sizes[9] >= 0) sum = backward[b * width + sizes[9] + j];
    for (let m2 = 0; m2 < GH; m2++) sum += backward[b * width + hOffset + m2] * whh[m2 * H + j];
    return sum;
  }
  if (index < ends[6]) {
    const within = index - ends[5];
    const b = Math.floor((within + 0.5) / H);
    const j = within - b * H;
    if (sizes[10] >= 0) return backward[b * width + sizes[10] + j];
    return 0;
  }
  if (index < ends[7]) {
    const within = index - ends[6];
    const s5 = Math.floor((within + 0.5) / H);
    const j = within - s5 * H;
    return history[(s5 + B) * forwardWidth + j];
  }
  if (index < ends[8]) {
    const within = index - ends[7];
    const b = Math.floor((within + 0.5) / H);
    const j = within - b * H;
    return history[(T * B + b) * forwardWidth + j];
  }
  const within = index - ends[8];
  const b = Math.floor((within + 0.5) / H);
  const j = within - b * H;
  if (forwardWidth > H) return history[(T * B + b) * forwardWidth + H + j];
  return 0;
}

// Helpers registered with gpu.js by name (see recurrentSources.ts).
declare function sigmoidOf(v: number): number;
declare function tanhOf(v: number): number;
