import { describe, expect, it } from 'vitest';
import { testWorkspace } from '../../test/recurrence.js';
import { Generator } from '@recurrent/tensor';
import { sigmoid, sigmoidRange, tanh, tanhRange } from './common.js';
import { lstmForward } from './lstmSequence.js';
import { cpuKernels } from '@recurrent/tensor';

describe('gate activations', () => {
  it('tanh is within 3e-7 of Math.tanh, exact in the tails, NaN-preserving', () => {
    let worst = 0;
    for (let i = -200000; i <= 200000; i++) {
      const x = i * 1e-4;
      worst = Math.max(worst, Math.abs(tanh(x) - Math.tanh(x)));
    }
    expect(worst).toBeLessThan(3e-7);
    expect(tanh(20)).toBe(1);
    expect(tanh(-Infinity)).toBe(-1);
    expect(tanh(0)).toBe(0);
    expect(Number.isNaN(tanh(NaN))).toBe(true);
  });

  it('sigmoid keeps relative error below 1e-5, even for small gate values', () => {
    let worst = 0;
    for (let i = -300000; i <= 300000; i++) {
      const x = i * 1e-4;
      const exact = 1 / (1 + Math.exp(-x));
      worst = Math.max(worst, Math.abs(sigmoid(x) - exact) / exact);
    }
    expect(worst).toBeLessThan(1e-5);
    expect(sigmoid(-Infinity)).toBe(0);
    expect(sigmoid(Infinity)).toBe(1);
    expect(Number.isNaN(sigmoid(NaN))).toBe(true);
  });
});

describe('sequence kernels', () => {
  it('a whole sequence equals its steps chained one at a time (both directions, with lengths)', () => {
    const g = new Generator(3);
    const random = (n: number) => Float32Array.from({ length: n }, () => g.uniformIn(-0.5, 0.5));
    const [T, B, I, H] = [5, 3, 2, 4];
    const weights = { weightIh: random(4 * H * I), weightHh: random(4 * H * H), biasIh: random(4 * H), biasHh: random(4 * H), weightHr: null, peephole: null };
    const x = random(T * B * I);
    const lengths = Int32Array.from([5, 2, 3]);
    for (const reverse of [false, true]) {
      const whole = lstmForward({ gemm: cpuKernels.gemm, workspace: testWorkspace(), steps: T, batch: B, inputSize: I, hiddenSize: H, projSize: 0, x, h0: null, c0: null, reverse, lengths, ...weights });
      for (let b = 0; b < B; b++) {
        let h: Float32Array | null = null;
        let c: Float32Array | null = null;
        for (let s = 0; s < lengths[b]; s++) {
          const t = reverse ? lengths[b] - 1 - s : s;
          const step = lstmForward({ gemm: cpuKernels.gemm, workspace: testWorkspace(), steps: 1, batch: 1, inputSize: I, hiddenSize: H, projSize: 0, x: x.slice((t * B + b) * I, (t * B + b + 1) * I), h0: h, c0: c, reverse: false, lengths: null, ...weights });
          h = step.hN;
          c = step.cN;
          for (let j = 0; j < H; j++) expect(whole.output[(t * B + b) * H + j]).toBeCloseTo(h[j], 6);
        }
        for (let j = 0; j < H; j++) {
          expect(whole.hN[b * H + j]).toBeCloseTo(h![j], 6);
          expect(whole.cN[b * H + j]).toBeCloseTo(c![j], 6);
        }
        for (let t = lengths[b]; t < T; t++) for (let j = 0; j < H; j++) expect(whole.output[(t * B + b) * H + j]).toBe(0);
      }
    }
  });
});

describe('activation ranges', () => {
  it('sigmoidRange and tanhRange apply sigmoid and tanh element by element, in place or not', () => {
    const values = Float32Array.from({ length: 41 }, (_, i) => (i - 20) * 0.7);
    const out = new Float32Array(45);
    sigmoidRange(values, 1, out, 3, 39);
    for (let j = 0; j < 39; j++) expect(out[3 + j]).toBe(Math.fround(sigmoid(values[1 + j])));
    expect([out[0], out[1], out[2], out[42]]).toEqual([0, 0, 0, 0]);
    const inPlace = values.slice();
    tanhRange(inPlace, 0, inPlace, 0, 41);
    for (let j = 0; j < 41; j++) expect(inPlace[j]).toBe(Math.fround(tanh(values[j])));
  });
});
