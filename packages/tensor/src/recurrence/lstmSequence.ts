import {
  type SequenceRun, addOutputGradient, biasSum, loopOperand, releaseOperands, carryInactive, gatherOutput, operand, passInactive,
  previousSlot, product, reusableStates, stateBuffer, sigmoidRange, tanh, tanhRange, sigmoid, stateSlot, timeOf, hardSigmoid, gateSlope,
} from './common.js';
import { SequenceRows } from './sequenceRows.js';
import { LstmGatePass } from './lstmGatePass.js';

// Module-local references, so that the gate loops call the activations directly.
const tanhOf = tanh;
const sigmoidOf = sigmoid;

/** Weights of an LSTM direction, PyTorch layout, gates `i, f, g, o` stacked by rows. */
export interface LstmWeights {
  /** `[4H, I]`. */
  weightIh: Float32Array;
  /** `[4H, R]` with `R = P` when projecting, else `H`. */
  weightHh: Float32Array;
  /** `[4H]` or null. */
  biasIh: Float32Array | null;
  /** `[4H]` or null. */
  biasHh: Float32Array | null;
  /** Projection `[P, H]` (LSTMP) or null. */
  weightHr: Float32Array | null;
  /** Peephole weights `w_ci, w_cf, w_co`, `[H]` each, or null. */
  peephole: [Float32Array, Float32Array, Float32Array] | null;
}

/** A forward run of an LSTM direction. */
export interface LstmRun extends SequenceRun, LstmWeights {
  /** Projection size `P` (0: none). */
  projSize: number;
  /** Initial cell state `[B, H]` (zeros when null). */
  c0: Float32Array | null;
}

/** What backward needs from forward: activated gates and the states of every step. */
export interface LstmTape {
  run: LstmRun;
  /** Activated gates `i, f, g, o` per step, `[T, B, 4H]`. */
  gates: Float32Array;
  /** Hidden states, `T + 1` slots of `[B, R]` (see `stateSlot`). */
  hidden: Float32Array;
  /** Cell states, `T + 1` slots of `[B, H]`. */
  cells: Float32Array;
  /** `tanh(c_t)`, `[T, B, H]`. */
  tanhCells: Float32Array;
  /** Unprojected `o ⊙ tanh(c)` per step `[T, B, H]` (projection only; 0 past each length). */
  unprojected: Float32Array | null;
}

/** Results of {@link lstmForward}. */
export interface LstmResult {
  /** `[T, B, R]`, 0 past each length. */
  output: Float32Array;
  /** Final hidden state `[B, R]`. */
  hN: Float32Array;
  /** Final cell state `[B, H]`. */
  cN: Float32Array;
  tape: LstmTape;
}

/**
 * LSTM over a whole sequence (one step when `steps = 1`): one gemm for the input projection of all
 * steps, then per step one gemm `h_{t−1}·W_hhᵀ` and one fused pass computing
 * `c = σ(f)⊙c_{t−1} + σ(i)⊙tanh(g)`, `h = σ(o)⊙tanh(c)` (and `h = W_hr h` with a projection).
 * The fused pass runs on WebAssembly SIMD (`LstmGatePass`), with scalar loops as the fallback
 * where SIMD is unavailable and for the peephole variant.
 *
 * Shapes: `x [T, B, I]` time-major, `h0 [B, R]`, `c0 [B, H]` → `output [T, B, R]`, `hN [B, R]`,
 * `cN [B, H]` (`R = projSize || hiddenSize`).
 *
 * @example
 * const { output, hN, cN, tape } = lstmForward({ gemm: cpu.kernels.gemm, steps: 5, batch: 2, inputSize: 3,
 *   hiddenSize: 4, projSize: 0, x, h0: null, c0: null, weightIh, weightHh, biasIh, biasHh,
 *   weightHr: null, peephole: null, reverse: false, lengths: null });
 */
export function lstmForward(run: LstmRun): LstmResult {
  const { gemm, steps: T, batch: B, inputSize: I, hiddenSize: H, projSize: P, x, weightIh, weightHh, weightHr, peephole } = run;
  const R = P > 0 ? P : H;
  const G = 4 * H;
  const keep = run.keepTape !== false;
  const gates = keep ? run.workspace.tape(T * B * G) : run.workspace.scratch('lstm.gates', T * B * G);
  // b_ih + b_hh is added by the gate pass, so the projection overwrites gates without reading them
  const bias = biasSum(run.biasIh, run.biasHh);
  const rows = new SequenceRows(run);
  rows.project(x, weightIh, true, I, G, 0, gates);
  const hidden = stateBuffer(run, R, 'lstm.hidden');
  const cells = keep ? run.workspace.tape((T + 1) * B * H) : run.workspace.scratch('lstm.cells', (T + 1) * B * H);
  const first = run.reverse ? T : 0;
  if (run.h0) hidden.set(run.h0, first * B * R);
  if (run.c0) cells.set(run.c0, first * B * H);
  else cells.fill(0, first * B * H, (first + 1) * B * H);
  const tanhCells = keep ? run.workspace.tape(T * B * H) : run.workspace.scratch('lstm.tanhCells', T * B * H);
  // rows past their length must read 0 in the dW_hr product of backward
  const unprojected = P > 0 ? (keep ? run.workspace.tape(T * B * H) : run.workspace.scratch('lstm.unprojected', T * B * H)) : null;
  const lengths = run.lengths;
  if (unprojected && lengths !== null) unprojected.fill(0);
  // the gate pass on WebAssembly SIMD (null where unavailable, and with peepholes: the loops below)
  const hard = run.hardSigmoid === true;
  const gateOf = hard ? hardSigmoid : sigmoidOf;
  const pass = peephole || hard ? null : LstmGatePass.create(run.workspace, B, H, bias);
  // W_hh (and W_hr) packed once for the products of every step
  const recurrentWeight = loopOperand(run, weightHh, 0, R, true, R, G);
  const projectionWeight = unprojected && weightHr ? loopOperand(run, weightHr, 0, H, true, H, P) : null;
  try {
    for (let s = 0; s < T; s++) {
      const t = timeOf(run, s);
      const previous = previousSlot(run, t);
      const current = stateSlot(run, t);
      const active = rows.active(t);
      product(gemm, active, G, R, operand(hidden, previous * B * R, R), recurrentWeight, 1, gates, t * B * G);
      if (pass) {
        pass.forward(t, active, lengths, keep, gates, t * B * G, cells, previous * B * H, current * B * H, tanhCells, t * B * H,
          unprojected ?? hidden, unprojected ? t * B * H : current * B * R);
      }
      for (let b = 0; pass === null && b < B; b++) {
        if (lengths !== null && t >= lengths[b]) continue;
        const gate = (t * B + b) * G;
        const cPrevious = (previous * B + b) * H;
        const cCurrent = (current * B + b) * H;
        const step = (t * B + b) * H;
        const hOut = unprojected ?? hidden;
        const hOffset = unprojected ? step : (current * B + b) * R;
        if (!peephole && !hard) {
          // i, f (one block), g and o activated in place, then c, tanh(c) and h
          sigmoidRange(gates, gate, gates, gate, 2 * H, bias, 0);
          tanhRange(gates, gate + 2 * H, gates, gate + 2 * H, H, bias, 2 * H);
          sigmoidRange(gates, gate + 3 * H, gates, gate + 3 * H, H, bias, 3 * H);
          for (let j = 0; j < H; j++) cells[cCurrent + j] = gates[gate + H + j] * cells[cPrevious + j] + gates[gate + j] * gates[gate + 2 * H + j];
          tanhRange(cells, cCurrent, tanhCells, step, H);
          for (let j = 0; j < H; j++) hOut[hOffset + j] = gates[gate + 3 * H + j] * tanhCells[step + j];
          continue;
        }
        for (let j = 0; j < H; j++) {
          const cp = cells[cPrevious + j];
          let iPre = gates[gate + j] + (bias ? bias[j] : 0);
          let fPre = gates[gate + H + j] + (bias ? bias[H + j] : 0);
          if (peephole) {
            iPre += peephole[0][j] * cp;
            fPre += peephole[1][j] * cp;
          }
          const i = gateOf(iPre);
          const f = gateOf(fPre);
          const g = tanhOf(gates[gate + 2 * H + j] + (bias ? bias[2 * H + j] : 0));
          const c = f * cp + i * g;
          const o = gateOf(gates[gate + 3 * H + j] + (bias ? bias[3 * H + j] : 0) + (peephole ? peephole[2][j] * c : 0));
          const tc = tanhOf(c);
          gates[gate + j] = i;
          gates[gate + H + j] = f;
          gates[gate + 2 * H + j] = g;
          gates[gate + 3 * H + j] = o;
          cells[cCurrent + j] = c;
          tanhCells[step + j] = tc;
          hOut[hOffset + j] = o * tc;
        }
      }
      if (projectionWeight) {
        product(gemm, active, P, H, operand(unprojected!, t * B * H, H), projectionWeight, 0, hidden, current * B * R);
      }
      carryInactive(run, t, hidden, R, previous, current);
      carryInactive(run, t, cells, H, previous, current);
    }
  } finally {
    releaseOperands(recurrentWeight, ...(projectionWeight ? [projectionWeight] : []));
  }
  const last = run.reverse ? 0 : T;
  return {
    output: gatherOutput(run, hidden, R),
    hN: hidden.slice(last * B * R, (last + 1) * B * R),
    cN: cells.slice(last * B * H, (last + 1) * B * H),
    tape: { run, gates, hidden, cells, tanhCells, unprojected },
  };
}

/** Hands the tape's work buffers back for reuse by later forwards ({@link tapeBuffer}); call it
 * once backward has run, when nothing reads the tape any more (its outputs stay valid). */
export function releaseLstmTape(tape: LstmTape): void {
  tape.run.workspace.releaseTapes(tape.gates, tape.cells, tape.tanhCells, tape.unprojected, reusableStates(tape.run, tape.hidden));
}

/** Gradients from {@link lstmBackward}. */
export interface LstmGradients {
  /** Input gradient `[T, B, I]`, null when not asked for. */
  dx: Float32Array | null;
  dh0: Float32Array;
  dc0: Float32Array;
  dWeightIh: Float32Array;
  dWeightHh: Float32Array;
  /** Gradient of both `b_ih` and `b_hh` (they enter the gates as one sum). */
  dBias: Float32Array;
  dWeightHr: Float32Array | null;
  dPeephole: [Float32Array, Float32Array, Float32Array] | null;
}

/**
 * Backpropagation through time for {@link lstmForward}: steps run in reverse processing order,
 * gate gradients go into one whole-sequence buffer `dG [T, B, 4H]` with one gemm per step for
 * `dh_{t−1} = dG_t·W_hh`; then `dW_ih = dGᵀ·X`, `dW_hh = dGᵀ·H_prev`, `dX = dG·W_ih` and the bias
 * gradients come from a few large products after the loop. The gate gradients of a step run on
 * WebAssembly SIMD (`LstmGatePass`), with the scalar loops as the fallback and for peepholes.
 *
 * Shapes: `dOutput [T, B, R]`, `dhN [B, R]`, `dcN [B, H]` (any may be null: zero) → gradients of
 * every input of {@link lstmForward}, `dx` only when `inputGradient`.
 *
 * @example
 * const { dx, dh0, dc0, dWeightIh, dWeightHh, dBias } = lstmBackward(tape, dOutput, null, null);
 */
export function lstmBackward(tape: LstmTape, dOutput: Float32Array | null, dhN: Float32Array | null, dcN: Float32Array | null, inputGradient = true): LstmGradients {
  const { run, gates, hidden, cells, tanhCells, unprojected } = tape;
  const { gemm, steps: T, batch: B, hiddenSize: H, projSize: P, weightIh, weightHh, weightHr, peephole, lengths } = run;
  const R = P > 0 ? P : H;
  const G = 4 * H;
  const rows = new SequenceRows(run);
  // every element of dGates is written for rows inside their sequence; rows past it are 0 where read
  const dGates = run.workspace.scratch('lstm.dGates', T * B * G, rows.readsPadding);
  let dh = run.workspace.array(B * R);
  let dhNext = run.workspace.array(B * R);
  const dc = run.workspace.array(B * H);
  if (dhN) dh.set(dhN);
  if (dcN) dc.set(dcN);
  const dHidden = P > 0 ? run.workspace.scratch('lstm.dHidden', T * B * P, rows.readsPadding) : null;
  const dm = P > 0 ? run.workspace.scratch('lstm.dm', B * H) : null;
  const dPeephole: [Float32Array, Float32Array, Float32Array] | null = peephole
    ? [run.workspace.array(H), run.workspace.array(H), run.workspace.array(H)]
    : null;
  const hard = run.hardSigmoid === true;
  const pass = peephole || hard ? null : LstmGatePass.create(run.workspace, B, H, null);
  // W_hh (and W_hr) packed once for the products of every step
  const recurrentWeight = loopOperand(run, weightHh, 0, R, false, G, R);
  const projectionWeight = dHidden && weightHr ? loopOperand(run, weightHr, 0, H, false, P, H) : null;
  try {
    for (let s = T - 1; s >= 0; s--) {
      const t = timeOf(run, s);
      const previous = previousSlot(run, t);
      const current = stateSlot(run, t);
      const active = rows.active(t);
      addOutputGradient(run, t, dOutput, dh, R);
      if (dHidden && dm && projectionWeight) {
        for (let b = 0; b < B; b++) {
          if (lengths === null || t < lengths[b]) dHidden.set(dh.subarray(b * P, (b + 1) * P), (t * B + b) * P);
        }
        product(gemm, active, H, P, operand(dh, 0, P), projectionWeight, 0, dm, 0);
      }
      if (pass) pass.backward(t, active, lengths, gates, t * B * G, tanhCells, t * B * H, cells, previous * B * H, dm ?? dh, dc, dGates);
      for (let b = 0; pass === null && b < B; b++) {
        if (lengths !== null && t >= lengths[b]) continue;
        const gate = (t * B + b) * G;
        const cPrevious = (previous * B + b) * H;
        const cCurrent = (current * B + b) * H;
        const step = (t * B + b) * H;
        const dmSource = dm ?? dh;
        const dmOffset = b * (dm ? H : R);
        const dcOffset = b * H;
        if (!peephole && !hard) {
          // the same equations as below without the peephole terms, in one tight loop
          for (let j = 0; j < H; j++) {
            const i = gates[gate + j];
            const f = gates[gate + H + j];
            const g = gates[gate + 2 * H + j];
            const o = gates[gate + 3 * H + j];
            const tc = tanhCells[step + j];
            const dmv = dmSource[dmOffset + j];
            const dcv = dc[dcOffset + j] + dmv * o * (1 - tc * tc);
            dc[dcOffset + j] = dcv * f;
            dGates[gate + j] = dcv * g * i * (1 - i);
            dGates[gate + H + j] = dcv * cells[cPrevious + j] * f * (1 - f);
            dGates[gate + 2 * H + j] = dcv * i * (1 - g * g);
            dGates[gate + 3 * H + j] = dmv * tc * o * (1 - o);
          }
          continue;
        }
        for (let j = 0; j < H; j++) {
          const i = gates[gate + j];
          const f = gates[gate + H + j];
          const g = gates[gate + 2 * H + j];
          const o = gates[gate + 3 * H + j];
          const tc = tanhCells[step + j];
          const cp = cells[cPrevious + j];
          const dmv = dmSource[dmOffset + j];
          const dOPre = dmv * tc * gateSlope(o, hard); // d σ = σ(1 − σ)
          let dcv = dc[b * H + j] + dmv * o * (1 - tc * tc); // d tanh = 1 − tanh²
          if (peephole && dPeephole) {
            dcv += dOPre * peephole[2][j];
            dPeephole[2][j] += dOPre * cells[cCurrent + j];
          }
          const dIPre = dcv * g * gateSlope(i, hard);
          const dFPre = dcv * cp * gateSlope(f, hard);
          const dGPre = dcv * i * (1 - g * g);
          let dcPrevious = dcv * f;
          if (peephole && dPeephole) {
            dcPrevious += dIPre * peephole[0][j] + dFPre * peephole[1][j];
            dPeephole[0][j] += dIPre * cp;
            dPeephole[1][j] += dFPre * cp;
          }
          dc[b * H + j] = dcPrevious;
          dGates[gate + j] = dIPre;
          dGates[gate + H + j] = dFPre;
          dGates[gate + 2 * H + j] = dGPre;
          dGates[gate + 3 * H + j] = dOPre;
        }
      }
      product(gemm, active, R, G, operand(dGates, t * B * G, G), recurrentWeight, 0, dhNext, 0);
      passInactive(run, t, dh, dhNext, R);
      [dh, dhNext] = [dhNext, dh];
    }
  } finally {
    releaseOperands(recurrentWeight, ...(projectionWeight ? [projectionWeight] : []));
  }
  // the weight and input gradients over the rows inside their sequences (all rows without padding)
  const { gathered: gateGradients, dWeightIh, dBias, dx } = rows.inputGradients('lstm.dGatesRows', dGates, G, weightIh, inputGradient);
  const dWeightHh = run.workspace.array(G * R);
  product(gemm, G, R, rows.count, gateGradients, rows.previousStates('lstm.hiddenRows', hidden, R), 0, dWeightHh, 0);
  let dWeightHr: Float32Array | null = null;
  if (dHidden && unprojected) {
    dWeightHr = run.workspace.array(P * H);
    product(gemm, P, H, rows.count, rows.gather('lstm.dHiddenRows', dHidden, 0, P, true), rows.gather('lstm.unprojectedRows', unprojected, 0, H), 0, dWeightHr, 0);
  }
  return { dx, dh0: dh, dc0: dc, dWeightIh, dWeightHh, dBias, dWeightHr, dPeephole };
}
