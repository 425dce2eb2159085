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
 * - LSTM `[dgates 4H | carry H]`: pre-activation gate gradients `i, f, g, o`, then `∂L/∂c_{t−1}`;
 *   with a projection of size `R` also `[… | dh R | m H]`: `∂L/∂h_t` and `o·tanh(c_t)`.
 * - GRU `[dx-gates 3H | dh-gates 3H | dh·z H]`: gradients of `W_ih x + b_ih` and of `W_hh h + b_hh`
 *   per gate `r, z, n` (they differ for `n`: `r` multiplies the hidden part), then the direct
 *   part of `∂L/∂h_{t−1}`. In the reset-before form the dh-gates of `n` are `da_n` (the gradient of
 *   `W_hn (r ⊙ h)`) and the direct part also holds `r ⊙ W_hnᵀ da_n`.
 * - Elman `[da H]`: gradient of the pre-activation.
 */

/** Backward history with row `T` = `carry` (`rowSize` values), zeros elsewhere. */
export function initialBackwardKernel(this: KernelThis, carry: number[], rowSize: number, steps: number): number {
  const start = steps * rowSize;
  if (this.thread.x >= start) return carry[this.thread.x - start];
  return 0;
}

/**
 * `∂L/∂h_t` `[B, R]` of a projected LSTM at step `t`: `dOutput_t + W_hhᵀ · dgates_{t+1}` (`dOutput
 * [T, B, R]` already holds `∂L/∂h_n` in its last step, `whh` is `[4H, R]`, backward rows `width` wide).
 */
export function lstmHiddenGradientKernel(
  this: KernelThis, backward: number[], weights: number[], dOutput: number[], t: number, batch: number, hidden: number,
  projSize: number, width: number,
): number {
  const b = Math.floor((this.thread.x + 0.5) / projSize);
  const p = this.thread.x - b * projSize;
  const next = (t + 1) * batch * width + b * width;
  let dh = dOutput[(t * batch + b) * projSize + p];
  for (let m = 0; m < 4 * hidden; m++) dh += backward[next + m] * weights[m * projSize + p];
  return dh;
}

/**
 * One LSTM backward step `t`: row `t` of the backward history, `[dgates 4H | carry H]`, and with a
 * projection `[… | dh R | m H]` (`∂L/∂h_t` from `dHidden`, and `m = o·tanh(c_t)`, for `dW_hr`).
 * `dOutput [T, B, H]` already holds `∂L/∂h_n` in its last step; with a projection
 * `∂L/∂m = W_hrᵀ dHidden` instead. The carry is `∂L/∂c_{t−1} = dc·f + w_ci·di + w_cf·df`, with
 * `dc = ∂L/∂m·o·(1 − tanh²c_t) + carry_{t+1} + w_co·do` (`d·` the pre-activation gradients);
 * `weights` as in `lstmCellKernel`.
 */
export function lstmBackwardKernel(
  this: KernelThis, backward: number[], history: number[], xProjection: number[], weights: number[], dOutput: number[],
  dHidden: number[], t: number, batch: number, hidden: number, projSize: number, hard: number,
): number {
  let recurrentWidth = hidden;
  let width = 5 * hidden;
  if (projSize > 0.5) {
    recurrentWidth = projSize;
    width = 6 * hidden + projSize;
  }
  const rowSize = batch * width;
  const b = Math.floor((this.thread.x + 0.5) / width);
  const col = this.thread.x - b * width;
  if (col >= 5 * hidden && col < 5 * hidden + recurrentWidth) return dHidden[b * recurrentWidth + col - 5 * hidden];
  let gate = Math.floor((col + 0.5) / hidden);
  if (gate > 4.5) gate = 5;
  let j = col - gate * hidden;
  if (col >= 5 * hidden) j = col - 5 * hidden - recurrentWidth;
  const stateWidth = recurrentWidth + hidden;
  const previous = t * batch * stateWidth + b * stateWidth;
  const projection = (t * batch + b) * 4 * hidden;
  const peephole = 4 * hidden * recurrentWidth;
  let si = xProjection[projection + j];
  let sf = xProjection[projection + hidden + j];
  let sg = xProjection[projection + 2 * hidden + j];
  let so = xProjection[projection + 3 * hidden + j];
  for (let k = 0; k < recurrentWidth; k++) {
    const h = history[previous + k];
    si += weights[j * recurrentWidth + k] * h;
    sf += weights[(hidden + j) * recurrentWidth + k] * h;
    sg += weights[(2 * hidden + j) * recurrentWidth + k] * h;
    so += weights[(3 * hidden + j) * recurrentWidth + k] * h;
  }
  const cPrevious = history[previous + recurrentWidth + j];
  const c = history[previous + batch * stateWidth + recurrentWidth + j];
  const i = gateOf(si + weights[peephole + j] * cPrevious, hard);
  const f = gateOf(sf + weights[peephole + hidden + j] * cPrevious, hard);
  const g = tanhOf(sg);
  const o = gateOf(so + weights[peephole + 2 * hidden + j] * c, hard);
  const tanhC = tanhOf(c);
  if (gate > 4.5) return o * tanhC;
  // ∂L/∂m_t: W_hrᵀ ∂L/∂h_t with a projection, else ∂L/∂output_t + W_hhᵀ · dgates_{t+1}
  const next = (t + 1) * rowSize + b * width;
  let dm = 0;
  if (projSize > 0.5) {
    for (let p = 0; p < projSize; p++) dm += weights[peephole + 3 * hidden + p * hidden + j] * dHidden[b * projSize + p];
  } else {
    dm = dOutput[(t * batch + b) * hidden + j];
    for (let m = 0; m < 4 * hidden; m++) dm += backward[next + m] * weights[m * hidden + j];
  }
  const dPreO = dm * tanhC * gateSlopeOf(o, hard);
  const dc = dm * o * (1 - tanhC * tanhC) + backward[next + 4 * hidden + j] + dPreO * weights[peephole + 2 * hidden + j];
  const dPreI = dc * g * gateSlopeOf(i, hard);
  const dPreF = dc * cPrevious * gateSlopeOf(f, hard);
  if (gate < 0.5) return dPreI;
  if (gate < 1.5) return dPreF;
  if (gate < 2.5) return dc * i * (1 - g * g);
  if (gate < 3.5) return dPreO;
  return dc * f + dPreI * weights[peephole + j] + dPreF * weights[peephole + hidden + j];
}

/** One GRU backward step `t` (reset after, PyTorch's form): row `t` of the backward history (layout in the file comment). */
export function gruBackwardKernel(
  this: KernelThis, backward: number[], history: number[], xProjection: number[], whh: number[], bhh: number[],
  dOutput: number[], t: number, batch: number, hidden: number, hard: number,
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
  const r = gateOf(xProjection[projection + j] + hr, hard);
  const z = gateOf(xProjection[projection + hidden + j] + hz, hard);
  const n = tanhOf(xProjection[projection + 2 * hidden + j] + r * hn);
  const next = (t + 1) * rowSize + b * width;
  let dh = dOutput[(t * batch + b) * hidden + j] + backward[next + 6 * hidden + j];
  for (let m = 0; m < 3 * hidden; m++) dh += backward[next + 3 * hidden + m] * whh[m * hidden + j];
  // h' = (1 − z)·n + z·h
  const dan = dh * (1 - z) * (1 - n * n);
  const daz = dh * (history[previous + j] - n) * gateSlopeOf(z, hard);
  const dar = dan * hn * gateSlopeOf(r, hard);
  if (block < 0.5) return dar;
  if (block < 1.5) return daz;
  if (block < 2.5) return dan;
  if (block < 3.5) return dar;
  if (block < 4.5) return daz;
  if (block < 5.5) return dan * r;
  return dh * z;
}

/**
 * The first half of a reset-before GRU backward step `t` (`n = tanh(x_n + W_hn (r ⊙ h) + b_hn)`):
 * `[B, 3H]` rows `[da_n | da_z | dh·z]`, with `dh = ∂L/∂h_t` gathered from row `t + 1` of the
 * backward history (`dOutput` + the direct part + `W_hr`, `W_hz` rows' products; the `n` path
 * through `h` is in the direct part). The forward history rows are `[h | r]`.
 */
export function gruResetBeforeDeltaKernel(
  this: KernelThis, backward: number[], history: number[], xProjection: number[], whh: number[], bhh: number[],
  dOutput: number[], t: number, batch: number, hidden: number, hard: number,
): number {
  const b = Math.floor((this.thread.x + 0.5) / (3 * hidden));
  const col = this.thread.x - b * 3 * hidden;
  const block = Math.floor((col + 0.5) / hidden);
  const j = col - block * hidden;
  const stateWidth = 2 * hidden;
  const previous = t * batch * stateWidth + b * stateWidth;
  const current = previous + batch * stateWidth;
  const projection = (t * batch + b) * 3 * hidden;
  let hz = bhh[hidden + j];
  let hn = bhh[2 * hidden + j];
  for (let k = 0; k < hidden; k++) {
    const h = history[previous + k];
    hz += whh[(hidden + j) * hidden + k] * h;
    hn += whh[(2 * hidden + j) * hidden + k] * history[current + hidden + k] * h;
  }
  const z = gateOf(xProjection[projection + hidden + j] + hz, hard);
  const n = tanhOf(xProjection[projection + 2 * hidden + j] + hn);
  const width = 7 * hidden;
  const next = (t + 1) * batch * width + b * width;
  let dh = dOutput[(t * batch + b) * hidden + j] + backward[next + 6 * hidden + j];
  for (let m = 0; m < 2 * hidden; m++) dh += backward[next + 3 * hidden + m] * whh[m * hidden + j];
  if (block < 0.5) return dh * (1 - z) * (1 - n * n);
  if (block < 1.5) return dh * (history[previous + j] - n) * gateSlopeOf(z, hard);
  return dh * z;
}

/**
 * The second half of a reset-before GRU backward step `t`: row `t` of the backward history
 * `[dx-gates r, z, n | dh-gates r, z, n | direct]` from `delta` (`gruResetBeforeDeltaKernel`), with
 * `u = W_hnᵀ da_n`: `da_r = u·h·σ′(r)` and the direct part of `∂L/∂h_{t−1}` = `dh·z + r·u`. The
 * `n` entry of the dh-gates is `da_n` itself (the gradient of `W_hn (r ⊙ h)`).
 */
export function gruResetBeforeBackwardKernel(
  this: KernelThis, delta: number[], history: number[], whh: number[], t: number, batch: number, hidden: number, hard: number,
): number {
  const width = 7 * hidden;
  const b = Math.floor((this.thread.x + 0.5) / width);
  const col = this.thread.x - b * width;
  const block = Math.floor((col + 0.5) / hidden);
  const j = col - block * hidden;
  const row = b * 3 * hidden;
  if (block > 0.5 && block < 2.5) return delta[row + (2 - block) * hidden + j];
  if (block > 3.5 && block < 5.5) return delta[row + (5 - block) * hidden + j];
  const stateWidth = 2 * hidden;
  const previous = t * batch * stateWidth + b * stateWidth;
  const r = history[previous + batch * stateWidth + hidden + j];
  let u = 0;
  for (let m = 0; m < hidden; m++) u += delta[row + m] * whh[(2 * hidden + m) * hidden + j];
  if (block > 5.5) return delta[row + 2 * hidden + j] + r * u;
  return u * history[previous + j] * gateSlopeOf(r, hard);
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
 * order (ends given cumulatively in `ends`): `dx [T, B, I]`, `dW_ih [GH, I]`, `dW_hh [GH, R]`,
 * `db_ih [GH]`, `db_hh [GH]`, `dh0 [B, R]`, `dc0 [B, H]`, `output [T, B, R]`, `h_n [B, R]`,
 * `c_n [B, H]`, `dW_hr [P, H]`, `dw_ci, dw_cf, dw_co [3H]` (LSTM; empty otherwise). `sizes` =
 * `[T, B, I, R, GH, width, forwardWidth, xOffset, hOffset, directOffset, cellOffset, H, hRows,
 * resetOffset, dhOffset, mOffset]` (an offset of −1: absent): `hRows` of the dh-gates reach
 * `h_{t−1}` through `W_hh` (all `GH`, or the `r`, `z` rows of a reset-before GRU, whose `n` rows
 * multiply `r ⊙ h`, with `r` at `resetOffset` of the forward row after the step); the LSTM's
 * `[h | c]` rows hold `c` at `R`, its backward rows `∂L/∂h_t` at `dhOffset` and `o·tanh(c_t)` at `mOffset`.
 */
export function gatherGradientsKernel(
  this: KernelThis, backward: number[], history: number[], x: number[], wih: number[], whh: number[],
  ends: number[], sizes: number[],
): number {
  const T = sizes[0];
  const B = sizes[1];
  const I = sizes[2];
  const R = sizes[3];
  const GH = sizes[4];
  const width = sizes[5];
  const forwardWidth = sizes[6];
  const xOffset = sizes[7];
  const hOffset = sizes[8];
  const H = sizes[11];
  const hRows = sizes[12];
  const resetOffset = sizes[13];
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
    const m = Math.floor((within + 0.5) / R);
    const k = within - m * R;
    let sum = 0;
    if (m >= hRows && resetOffset >= 0) {
      for (let s1 = 0; s1 < T * B; s1++) {
        sum += backward[s1 * width + hOffset + m] * history[s1 * forwardWidth + k] * history[(s1 + B) * forwardWidth + resetOffset + k];
      }
      return sum;
    }
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
    const b = Math.floor((within + 0.5) / R);
    const j = within - b * R;
    let sum = 0;
    if (sizes[9] >= 0) sum = backward[b * width + sizes[9] + j];
    for (let m2 = 0; m2 < hRows; m2++) sum += backward[b * width + hOffset + m2] * whh[m2 * R + j];
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
    const s5 = Math.floor((within + 0.5) / R);
    const j = within - s5 * R;
    return history[(s5 + B) * forwardWidth + j];
  }
  if (index < ends[8]) {
    const within = index - ends[7];
    const b = Math.floor((within + 0.5) / R);
    const j = within - b * R;
    return history[(T * B + b) * forwardWidth + j];
  }
  if (index < ends[9]) {
    const within = index - ends[8];
    const b = Math.floor((within + 0.5) / H);
    const j = within - b * H;
    if (sizes[10] >= 0) return history[(T * B + b) * forwardWidth + R + j];
    return 0;
  }
  if (index < ends[10]) {
    const within = index - ends[9];
    const p2 = Math.floor((within + 0.5) / H);
    const j = within - p2 * H;
    let sum = 0;
    for (let s6 = 0; s6 < T * B; s6++) sum += backward[s6 * width + sizes[14] + p2] * backward[s6 * width + sizes[15] + j];
    return sum;
  }
  // peephole gradients: Σ di·c_{t−1}, Σ df·c_{t−1}, Σ do·c_t
  const within = index - ends[10];
  const which = Math.floor((within + 0.5) / H);
  const j = within - which * H;
  let gateColumn = 3 * H;
  let after = B;
  if (which < 1.5) {
    gateColumn = which * H;
    after = 0;
  }
  let sum = 0;
  for (let s7 = 0; s7 < T * B; s7++) sum += backward[s7 * width + gateColumn + j] * history[(s7 + after) * forwardWidth + R + j];
  return sum;
}

// Helpers registered with gpu.js by name (see recurrentSources.ts).
declare function gateOf(v: number, hard: number): number;
declare function gateSlopeOf(y: number, hard: number): number;
declare function tanhOf(v: number): number;
