import {
  type SequenceRun, addOutputGradient, loopOperand, releaseOperands, biasSum, carryInactive, gatherOutput, operand, passInactive,
  previousSlot, product, reusableStates, stateBuffer, stateSlot, tanhRange, timeOf,
} from './common.js';
import { SequenceRows } from './sequenceRows.js';
import { RnnGatePass } from './rnnGatePass.js';

/** A forward run of an Elman RNN direction, PyTorch layout. */
export interface RnnRun extends SequenceRun {
  /** `[H, I]`. */
  weightIh: Float32Array;
  /** `[H, H]`. */
  weightHh: Float32Array;
  /** `[H]` or null. */
  biasIh: Float32Array | null;
  /** `[H]` or null. */
  biasHh: Float32Array | null;
  /** `tanh` or `relu`. */
  nonlinearity: 'tanh' | 'relu';
}

/** What backward needs from forward: the states of every step. */
export interface RnnTape {
  run: RnnRun;
  /** Hidden states, `T + 1` slots of `[B, H]`. */
  hidden: Float32Array;
}

/** Results of {@link rnnForward}. */
export interface RnnResult {
  output: Float32Array;
  hN: Float32Array;
  tape: RnnTape;
}

/**
 * Elman RNN over a whole sequence: `h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)`, the
 * input projection of all steps in one gemm, one gemm and one pass per step (tanh on WebAssembly
 * SIMD, `RnnGatePass`, with the scalar loop as the fallback; relu stays scalar).
 *
 * Shapes: `x [T, B, I]` time-major, `h0 [B, H]` → `output [T, B, H]`, `hN [B, H]`.
 *
 * @example
 * const { output, hN, tape } = rnnForward({ gemm: cpu.kernels.gemm, steps: 5, batch: 2, inputSize: 3,
 *   hiddenSize: 4, x, h0: null, weightIh, weightHh, biasIh: null, biasHh: null, nonlinearity: 'tanh',
 *   reverse: false, lengths: null });
 */
export function rnnForward(run: RnnRun): RnnResult {
  const { gemm, steps: T, batch: B, inputSize: I, hiddenSize: H, x, weightIh, weightHh, lengths } = run;
  const relu = run.nonlinearity === 'relu';
  const hidden = stateBuffer(run, H, 'rnn.hidden');
  // pre-activations live only inside this call (the tape keeps the states): all written below
  const pre = run.workspace.scratch('rnn.pre', T * B * H);
  // b_ih + b_hh is added by the step pass, so the projection overwrites pre without reading it
  const bias = biasSum(run.biasIh, run.biasHh);
  const rows = new SequenceRows(run);
  rows.project(x, weightIh, true, I, H, 0, pre);
  if (run.h0) hidden.set(run.h0, (run.reverse ? T : 0) * B * H);
  const recurrentWeight = loopOperand(run, weightHh, 0, H, true, H, H); // packed once for every step
  // tanh on WebAssembly SIMD (null where unavailable, and for relu: the loop below)
  const pass = relu ? null : RnnGatePass.create(run.workspace, B, H, bias);
  try {
    for (let s = 0; s < T; s++) {
      const t = timeOf(run, s);
      const previous = previousSlot(run, t);
      const current = stateSlot(run, t);
      const active = rows.active(t);
      product(gemm, active, H, H, operand(hidden, previous * B * H, H), recurrentWeight, 1, pre, t * B * H);
      if (pass) pass.forward(t, active, lengths, pre, t * B * H, hidden, current * B * H);
      for (let b = 0; pass === null && b < B; b++) {
        if (lengths !== null && t >= lengths[b]) continue;
        const from = (t * B + b) * H;
        const to = (current * B + b) * H;
        if (relu) for (let j = 0; j < H; j++) hidden[to + j] = Math.max(pre[from + j] + (bias ? bias[j] : 0), 0);
        else tanhRange(pre, from, hidden, to, H, bias, 0);
      }
      carryInactive(run, t, hidden, H, previous, current);
    }
  } finally {
    releaseOperands(recurrentWeight);
  }
  const last = run.reverse ? 0 : T;
  return { output: gatherOutput(run, hidden, H), hN: hidden.slice(last * B * H, (last + 1) * B * H), tape: { run, hidden } };
}

/** Hands the tape's state buffer back for reuse by later forwards when it is not the output's
 * storage (with lengths); call it once backward has run (its outputs stay valid). */
export function releaseRnnTape(tape: RnnTape): void {
  tape.run.workspace.releaseTapes(reusableStates(tape.run, tape.hidden));
}

/** Gradients from {@link rnnBackward}. */
export interface RnnGradients {
  /** Input gradient `[T, B, I]`, null when not asked for. */
  dx: Float32Array | null;
  dh0: Float32Array;
  dWeightIh: Float32Array;
  dWeightHh: Float32Array;
  /** Gradient of both `b_ih` and `b_hh`. */
  dBias: Float32Array;
}

/** Backpropagation through time for {@link rnnForward} (one gemm per step, weights after the loop;
 * the tanh derivative on WebAssembly SIMD with the scalar loop as the fallback).
 *
 * Shapes: `dOutput [T, B, H]`, `dhN [B, H]` (either may be null) → gradients of every input of
 * {@link rnnForward}.
 *
 * @example
 * const { dx, dh0, dWeightIh, dWeightHh, dBias } = rnnBackward(tape, dOutput, null);
 */
export function rnnBackward(tape: RnnTape, dOutput: Float32Array | null, dhN: Float32Array | null, inputGradient = true): RnnGradients {
  const { run, hidden } = tape;
  const { gemm, steps: T, batch: B, hiddenSize: H, weightIh, weightHh, lengths } = run;
  const relu = run.nonlinearity === 'relu';
  const rows = new SequenceRows(run);
  // every element is written for rows inside their sequence; rows past it are 0 where read
  const dPre = run.workspace.scratch('rnn.dPre', T * B * H, rows.readsPadding);
  let dh = run.workspace.array(B * H);
  let dhNext = run.workspace.array(B * H);
  if (dhN) dh.set(dhN);
  const recurrentWeight = loopOperand(run, weightHh, 0, H, false, H, H); // packed once for every step
  const pass = relu ? null : RnnGatePass.create(run.workspace, B, H, null);
  try {
    for (let s = T - 1; s >= 0; s--) {
      const t = timeOf(run, s);
      const current = stateSlot(run, t);
      const active = rows.active(t);
      addOutputGradient(run, t, dOutput, dh, H);
      if (pass) pass.backward(t, active, lengths, hidden, current * B * H, dh, dPre, t * B * H);
      for (let b = 0; pass === null && b < B; b++) {
        if (lengths !== null && t >= lengths[b]) continue;
        const to = (t * B + b) * H;
        const from = (current * B + b) * H;
        for (let j = 0; j < H; j++) {
          const h = hidden[from + j];
          // d tanh = (1 − h²)·dh;  d relu = dh where h > 0
          dPre[to + j] = relu ? (h > 0 ? dh[b * H + j] : 0) : (1 - h * h) * dh[b * H + j];
        }
      }
      product(gemm, active, H, H, operand(dPre, t * B * H, H), recurrentWeight, 0, dhNext, 0);
      passInactive(run, t, dh, dhNext, H);
      [dh, dhNext] = [dhNext, dh];
    }
  } finally {
    releaseOperands(recurrentWeight);
  }
  // the weight and input gradients over the rows inside their sequences (all rows without padding)
  const { gathered: preGradients, dWeightIh, dBias, dx } = rows.inputGradients('rnn.dPreRows', dPre, H, weightIh, inputGradient);
  const dWeightHh = run.workspace.array(H * H);
  product(gemm, H, H, rows.count, preGradients, rows.previousStates('rnn.hiddenRows', hidden, H), 0, dWeightHh, 0);
  return { dx, dh0: dh, dWeightIh, dWeightHh, dBias };
}
