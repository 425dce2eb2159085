import {
  type SequenceRun, addOutputGradient, loopOperand, releaseOperands, carryInactive, columnSums, fillRows, gatherOutput, operand, passInactive,
  previousSlot, product, reusableStates, stateBuffer, sigmoidRange, tanhRange, sigmoid, stateSlot, timeOf, hardSigmoid, gateSlope,
} from './common.js';
import { SequenceRows } from './sequenceRows.js';
import { GruGatePass } from './gruGatePass.js';

// A module-local reference, so that the reset-before loop calls the activation directly.
const sigmoidOf = sigmoid;

/** A forward run of a GRU direction, PyTorch layout, gates `r, z, n` stacked by rows. */
export interface GruRun extends SequenceRun {
  /** `[3H, I]`. */
  weightIh: Float32Array;
  /** `[3H, H]`. */
  weightHh: Float32Array;
  /** `[3H]` or null. */
  biasIh: Float32Array | null;
  /** `[3H]` or null. */
  biasHh: Float32Array | null;
  /** PyTorch/cuDNN form `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))` when true; Keras's
   * `n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)` when false. */
  resetAfter: boolean;
}

/** What backward needs from forward. */
export interface GruTape {
  run: GruRun;
  /** Activated `r, z, n` per step `[T, B, 3H]`. */
  gates: Float32Array;
  /** `W_hn h + b_hn` per step `[T, B, H]` (reset-after form) or `r ⊙ h` (reset-before form). */
  recurrentN: Float32Array;
  /** Hidden states, `T + 1` slots of `[B, H]`. */
  hidden: Float32Array;
}

/** Results of {@link gruForward}. */
export interface GruResult {
  output: Float32Array;
  hN: Float32Array;
  tape: GruTape;
}

/**
 * GRU over a whole sequence: the input projection `X·W_ihᵀ + b_ih` of all steps in one gemm, then
 * per step `h_{t−1}·W_hhᵀ + b_hh` (one gemm; two in the reset-before form) and one fused pass for
 * `r, z, n` and `h = (1 − z) ⊙ n + z ⊙ h_{t−1}`. The fused pass of the reset-after form runs on
 * WebAssembly SIMD (`GruGatePass`), with scalar loops as the fallback and for the reset-before form.
 *
 * Shapes: `x [T, B, I]` time-major, `h0 [B, H]` → `output [T, B, H]`, `hN [B, H]`.
 *
 * @example
 * const { output, hN, tape } = gruForward({ gemm: cpu.kernels.gemm, steps: 5, batch: 2, inputSize: 3,
 *   hiddenSize: 4, x, h0: null, weightIh, weightHh, biasIh, biasHh, resetAfter: true,
 *   reverse: false, lengths: null });
 */
export function gruForward(run: GruRun): GruResult {
  const { gemm, steps: T, batch: B, inputSize: I, hiddenSize: H, x, weightIh, weightHh, biasHh, resetAfter, lengths } = run;
  const G = 3 * H;
  const keep = run.keepTape !== false;
  const gates = keep ? run.workspace.tape(T * B * G) : run.workspace.scratch('gru.gates', T * B * G);
  const hasBias = fillRows(gates, T * B, G, run.biasIh, null);
  const rows = new SequenceRows(run);
  rows.project(x, weightIh, true, I, G, hasBias ? 1 : 0, gates);
  const hidden = stateBuffer(run, H, 'gru.hidden');
  if (run.h0) hidden.set(run.h0, (run.reverse ? T : 0) * B * H);
  const recurrentN = keep ? run.workspace.tape(T * B * H) : run.workspace.scratch('gru.recurrentN', T * B * H);
  // every step writes all of it: the bias rows, then the gemm over them
  const recurrent = run.workspace.scratch('gru.recurrent', B * G);
  const withBias = biasHh !== null;
  // reset-before needs r before the n product, so only the r, z rows of W_hh go in first
  const width = resetAfter ? G : 2 * H;
  // the rows of W_hh that each step multiplies, packed once for every step
  const recurrentWeight = loopOperand(run, weightHh, 0, H, true, H, width);
  const resetWeight = resetAfter ? null : loopOperand(run, weightHh, 2 * H * H, H, true, H, H);
  // the gate pass on WebAssembly SIMD (null where unavailable, and in the reset-before form: the loops below)
  const hard = run.hardSigmoid === true;
  const gateOf = hard ? hardSigmoid : sigmoidOf;
  const pass = resetAfter && !hard ? GruGatePass.create(run.workspace, B, H) : null;
  try {
    for (let s = 0; s < T; s++) {
      const t = timeOf(run, s);
      const previous = previousSlot(run, t);
      const current = stateSlot(run, t);
      const active = rows.active(t);
      if (biasHh) for (let b = 0; b < active; b++) recurrent.set(biasHh, b * G);
      product(gemm, active, width, H, operand(hidden, previous * B * H, H), recurrentWeight, withBias ? 1 : 0, recurrent, 0, G);
      if (!resetAfter) {
        for (let b = 0; b < B; b++) {
          const gate = (t * B + b) * G;
          const hp = (previous * B + b) * H;
          if (b >= active) {
            // a finished sequence: its product rows were not computed; r ⊙ h is never read
            recurrentN.fill(0, (t * B + b) * H, (t * B + b + 1) * H);
            continue;
          }
          for (let j = 0; j < H; j++) {
            const r = gateOf(gates[gate + j] + recurrent[b * G + j]);
            gates[gate + j] = r;
            recurrentN[(t * B + b) * H + j] = r * hidden[hp + j];
          }
        }
        product(gemm, active, H, H, operand(recurrentN, t * B * H, H), resetWeight!, withBias ? 1 : 0, recurrent, 2 * H, G);
      }
      if (pass) pass.forward(t, active, lengths, keep, gates, t * B * G, recurrent, hidden, previous * B * H, current * B * H, recurrentN, t * B * H);
      for (let b = 0; pass === null && b < B; b++) {
        if (lengths !== null && t >= lengths[b]) continue;
        const gate = (t * B + b) * G;
        const rec = b * G;
        const hp = (previous * B + b) * H;
        const hc = (current * B + b) * H;
        const step = (t * B + b) * H;
        // r and z (r already activated in the reset-before form), then n, then h, each one pass
        const start = resetAfter ? 0 : H;
        for (let j = start; j < 2 * H; j++) gates[gate + j] += recurrent[rec + j];
        if (hard) for (let j = start; j < 2 * H; j++) gates[gate + j] = hardSigmoid(gates[gate + j]);
        else sigmoidRange(gates, gate + start, gates, gate + start, 2 * H - start);
        if (resetAfter) {
          for (let j = 0; j < H; j++) {
            const hn = recurrent[rec + 2 * H + j];
            recurrentN[step + j] = hn;
            gates[gate + 2 * H + j] += gates[gate + j] * hn;
          }
        } else {
          for (let j = 0; j < H; j++) gates[gate + 2 * H + j] += recurrent[rec + 2 * H + j];
        }
        tanhRange(gates, gate + 2 * H, gates, gate + 2 * H, H);
        for (let j = 0; j < H; j++) {
          const z = gates[gate + H + j];
          hidden[hc + j] = (1 - z) * gates[gate + 2 * H + j] + z * hidden[hp + j];
        }
      }
      carryInactive(run, t, hidden, H, previous, current);
    }
  } finally {
    releaseOperands(recurrentWeight, ...(resetWeight ? [resetWeight] : []));
  }
  const last = run.reverse ? 0 : T;
  return {
    output: gatherOutput(run, hidden, H),
    hN: hidden.slice(last * B * H, (last + 1) * B * H),
    tape: { run, gates, recurrentN, hidden },
  };
}

/** Hands the tape's work buffers back for reuse by later forwards ({@link tapeBuffer}); call it
 * once backward has run, when nothing reads the tape any more (its outputs stay valid). */
export function releaseGruTape(tape: GruTape): void {
  tape.run.workspace.releaseTapes(tape.gates, tape.recurrentN, reusableStates(tape.run, tape.hidden));
}

/** Gradients from {@link gruBackward}. */
export interface GruGradients {
  /** Input gradient `[T, B, I]`, null when not asked for. */
  dx: Float32Array | null;
  dh0: Float32Array;
  dWeightIh: Float32Array;
  dWeightHh: Float32Array;
  dBiasIh: Float32Array;
  dBiasHh: Float32Array;
}

/**
 * Backpropagation through time for {@link gruForward}: gate gradients of the input side (`dGi`)
 * and the recurrent side (`dGh`, which differs in the `n` block: `r ⊙ dn`) collected over the
 * whole sequence, one gemm per step for `dh_{t−1}`, weight and input gradients after the loop.
 * The gate gradients of the reset-after form run on WebAssembly SIMD (`GruGatePass`), with scalar
 * loops as the fallback and for the reset-before form.
 *
 * Shapes: `dOutput [T, B, H]`, `dhN [B, H]` (either may be null) → gradients of every input of
 * {@link gruForward}.
 *
 * @example
 * const { dx, dh0, dWeightIh, dWeightHh, dBiasIh, dBiasHh } = gruBackward(tape, dOutput, dhN);
 */
export function gruBackward(tape: GruTape, dOutput: Float32Array | null, dhN: Float32Array | null, inputGradient = true): GruGradients {
  const { run, gates, recurrentN, hidden } = tape;
  const { gemm, steps: T, batch: B, hiddenSize: H, weightIh, weightHh, resetAfter, lengths } = run;
  const G = 3 * H;
  const rows = new SequenceRows(run);
  // every element is written for rows inside their sequence; rows past it are 0 where read
  const dInput = run.workspace.scratch('gru.dInput', T * B * G, rows.readsPadding);
  const dRecurrent = run.workspace.scratch('gru.dRecurrent', T * B * G, rows.readsPadding);
  let dh = run.workspace.array(B * H);
  let dhNext = run.workspace.array(B * H);
  const dResetHidden = resetAfter ? null : run.workspace.scratch('gru.dResetHidden', B * H);
  if (dhN) dh.set(dhN);
  // the rows of W_hh of each step's products, packed once for every step
  const recurrentWeight = loopOperand(run, weightHh, 0, H, false, resetAfter ? G : 2 * H, H);
  const resetWeight = resetAfter ? null : loopOperand(run, weightHh, 2 * H * H, H, false, H, H);
  const hard = run.hardSigmoid === true;
  const pass = resetAfter && !hard ? GruGatePass.create(run.workspace, B, H) : null;
  try {
    for (let s = T - 1; s >= 0; s--) {
      const t = timeOf(run, s);
      const previous = previousSlot(run, t);
      const active = rows.active(t);
      addOutputGradient(run, t, dOutput, dh, H);
      // first pass: dn and dz, which need nothing from the n product's backward (on SIMD, dhNext
      // starts as z ⊙ dh, so the product below adds to it)
      if (pass) pass.backward(t, active, lengths, gates, t * B * G, hidden, previous * B * H, recurrentN, t * B * H, dh, dInput, dRecurrent, dhNext);
      for (let b = 0; pass === null && b < B; b++) {
        if (lengths !== null && t >= lengths[b]) continue;
        const gate = (t * B + b) * G;
        const hp = (previous * B + b) * H;
        for (let j = 0; j < H; j++) {
          const r = gates[gate + j];
          const z = gates[gate + H + j];
          const n = gates[gate + 2 * H + j];
          const dhv = dh[b * H + j];
          const dNPre = dhv * (1 - z) * (1 - n * n);
          const dZPre = dhv * (hidden[hp + j] - n) * gateSlope(z, hard);
          dInput[gate + H + j] = dZPre;
          dRecurrent[gate + H + j] = dZPre;
          dInput[gate + 2 * H + j] = dNPre;
          if (resetAfter) {
            const dRPre = dNPre * recurrentN[(t * B + b) * H + j] * gateSlope(r, hard);
            dInput[gate + j] = dRPre;
            dRecurrent[gate + j] = dRPre;
            dRecurrent[gate + 2 * H + j] = dNPre * r;
          } else {
            dRecurrent[gate + 2 * H + j] = dNPre;
          }
        }
      }
      if (dResetHidden) {
        // d(r ⊙ h) = dn·W_hn, then d r = d(r ⊙ h) ⊙ h and d h gets d(r ⊙ h) ⊙ r
        product(gemm, active, H, H, operand(dRecurrent, t * B * G + 2 * H, G), resetWeight!, 0, dResetHidden, 0);
        for (let b = 0; b < B; b++) {
          if (lengths !== null && t >= lengths[b]) continue;
          const gate = (t * B + b) * G;
          const hp = (previous * B + b) * H;
          for (let j = 0; j < H; j++) {
            const r = gates[gate + j];
            const drh = dResetHidden[b * H + j];
            const dRPre = drh * hidden[hp + j] * gateSlope(r, hard);
            dInput[gate + j] = dRPre;
            dRecurrent[gate + j] = dRPre;
          }
        }
      }
      // dh_{t−1} = z ⊙ dh (+ r ⊙ d(r ⊙ h)) + dGh·W_hh over the rows the step multiplied by h
      product(gemm, active, H, resetAfter ? G : 2 * H, operand(dRecurrent, t * B * G, G), recurrentWeight, pass ? 1 : 0, dhNext, 0);
      for (let b = 0; pass === null && b < B; b++) {
        if (lengths !== null && t >= lengths[b]) continue;
        const gate = (t * B + b) * G;
        for (let j = 0; j < H; j++) {
          let direct = dh[b * H + j] * gates[gate + H + j];
          if (dResetHidden) direct += dResetHidden[b * H + j] * gates[gate + j];
          dhNext[b * H + j] += direct;
        }
      }
      passInactive(run, t, dh, dhNext, H);
      [dh, dhNext] = [dhNext, dh];
    }
  } finally {
    releaseOperands(recurrentWeight, ...(resetWeight ? [resetWeight] : []));
  }
  // the weight and input gradients over the rows inside their sequences (all rows without padding)
  const { dWeightIh, dBias: dBiasIh, dx } = rows.inputGradients('gru.dInputRows', dInput, G, weightIh, inputGradient);
  const dWeightHh = run.workspace.array(G * H);
  const dBiasHh = run.workspace.array(G);
  const recurrentGradients = rows.gather('gru.dRecurrentRows', dRecurrent, 0, G, true);
  const previousStates = rows.previousStates('gru.hiddenRows', hidden, H);
  if (resetAfter) {
    product(gemm, G, H, rows.count, recurrentGradients, previousStates, 0, dWeightHh, 0);
  } else {
    const nGradients = operand(recurrentGradients.data, recurrentGradients.offset + 2 * H, G, true);
    product(gemm, 2 * H, H, rows.count, recurrentGradients, previousStates, 0, dWeightHh, 0);
    product(gemm, H, H, rows.count, nGradients, rows.gather('gru.resetHiddenRows', recurrentN, 0, H), 0, dWeightHh, 2 * H * H);
  }
  columnSums(recurrentGradients.data, rows.count, G, dBiasHh, recurrentGradients.offset);
  return { dx, dh0: dh, dWeightIh, dWeightHh, dBiasIh, dBiasHh };
}
