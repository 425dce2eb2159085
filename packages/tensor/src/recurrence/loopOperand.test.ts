import { describe, expect, it } from 'vitest';
import { testWorkspace } from '../../test/recurrence.js';
import { Generator, cpu } from '@recurrent/tensor';
import { activeRows, type SequenceRun } from './common.js';
import { gruBackward, gruForward } from './gruSequence.js';
import { lstmBackward, lstmForward } from './lstmSequence.js';
import { rnnBackward, rnnForward } from './rnnSequence.js';

const [T, B, I, H, P] = [7, 5, 6, 12, 5];
const generator = new Generator(61);
const random = (size: number) => Float32Array.from({ length: size }, () => generator.uniformIn(-0.8, 0.8));
const x = random(T * B * I);
const dOutput = random(T * B * H);
const base = { gemm: cpu.kernels.gemm, workspace: testWorkspace(), steps: T, batch: B, inputSize: I, hiddenSize: H, x, reverse: false };

/** Every kernel result with packed loop weights and without, over the given lengths and direction. */
function bothWays(run: (options: Partial<SequenceRun>) => Float32Array[]) {
  for (const reverse of [false, true]) {
    for (const lengths of [null, Int32Array.from([7, 7, 5, 2, 1]), Int32Array.from([2, 7, 1, 7, 5])]) {
      const plain = run({ reverse, lengths });
      const packed = run({ reverse, lengths, packB: cpu.kernels.packB });
      expect(packed.length).toBe(plain.length);
      packed.forEach((values, i) => expect(Array.from(values), `result ${i}, reverse ${reverse}, lengths ${lengths}`).toEqual(Array.from(plain[i])));
    }
  }
}

const list = (...values: (Float32Array | null)[]) => values.filter((v): v is Float32Array => v !== null);

describe('time loops with packed weights and longest-first batches', () => {
  it('activeRows counts the leading rows still running when lengths are sorted longest first, else the batch', () => {
    const run = (lengths: number[] | null) => ({ ...base, lengths: lengths && Int32Array.from(lengths), h0: null });
    expect([0, 1, 2, 5, 6].map((t) => activeRows(run([7, 7, 5, 2, 1]), t))).toEqual([5, 4, 3, 2, 2]);
    expect(activeRows(run([2, 7, 1, 7, 5]), 3)).toBe(B);
    expect(activeRows(run(null), 3)).toBe(B);
  });

  it('LSTM (with and without projection): the same outputs and gradients', () => {
    for (const projSize of [0, P]) {
      const R = projSize || H;
      const weights = {
        weightIh: random(4 * H * I), weightHh: random(4 * H * R), biasIh: random(4 * H), biasHh: random(4 * H),
        weightHr: projSize ? random(P * H) : null, peephole: null, h0: random(B * R), c0: random(B * H), projSize,
      };
      const gradient = dOutput.slice(0, T * B * R);
      bothWays((options) => {
        const { output, hN, cN, tape } = lstmForward({ ...base, lengths: null, ...weights, ...options });
        const g = lstmBackward(tape, gradient, null, null);
        return list(output, hN, cN, g.dx, g.dh0, g.dc0, g.dWeightIh, g.dWeightHh, g.dBias, g.dWeightHr);
      });
    }
  });

  it('GRU (reset after and before): the same outputs and gradients', () => {
    for (const resetAfter of [true, false]) {
      const weights = { weightIh: random(3 * H * I), weightHh: random(3 * H * H), biasIh: random(3 * H), biasHh: random(3 * H), h0: random(B * H), resetAfter };
      bothWays((options) => {
        const { output, hN, tape } = gruForward({ ...base, lengths: null, ...weights, ...options });
        const g = gruBackward(tape, dOutput, null);
        return list(output, hN, g.dx, g.dh0, g.dWeightIh, g.dWeightHh, g.dBiasIh, g.dBiasHh);
      });
    }
  });

  it('Elman (tanh and relu): the same outputs and gradients', () => {
    for (const nonlinearity of ['tanh', 'relu'] as const) {
      const weights = { weightIh: random(H * I), weightHh: random(H * H), biasIh: random(H), biasHh: random(H), h0: random(B * H), nonlinearity };
      bothWays((options) => {
        const { output, hN, tape } = rnnForward({ ...base, lengths: null, ...weights, ...options });
        const g = rnnBackward(tape, dOutput, null);
        return list(output, hN, g.dx, g.dh0, g.dWeightIh, g.dWeightHh, g.dBias);
      });
    }
  });
});
