import type { GpujsBackend, SequenceInput } from '../src/index.js';
import type { Harness } from './kernelChecks.js';
import { seeded } from './kernelChecks.js';

/**
 * Checks the device bookkeeping of the fused sequence kernels: launches, transfers and live
 * buffers per sequence, and a 1,000-step stateful loop (one step per call, the state fed back)
 * that must end with as many live device buffers as it started with. `textures`, when given,
 * counts the WebGL textures that exist right now (browser).
 */
export function checkRecurrentBookkeeping(backend: GpujsBackend, { describe, it, expect }: Harness, textures?: () => number): void {
  const B = 2, I = 3, H = 4;
  const lstm = (T: number, h0?: Float32Array, c0?: Float32Array): SequenceInput => ({
    x: seeded(T * B * I, 11), sequenceLength: T, batch: B, inputSize: I, hiddenSize: H,
    weightIh: seeded(4 * H * I, 12, -0.5, 0.5), weightHh: seeded(4 * H * H, 13, -0.5, 0.5),
    biasIh: seeded(4 * H, 14), biasHh: seeded(4 * H, 15), h0, c0,
  });
  describe(`fused sequences on gpu.js ${backend.mode}`, () => {
    it('one upload per array, three launches per step, one download per sequence, nothing left on the device', () => {
      for (const T of [1, 7]) {
        backend.recurrent.lstmSequence(lstm(T));
        // uploads of x, W_ih and W_hh, the projection, the initial state, then per step the
        // recurrent product, the gate arithmetic and the append
        expect(backend.recurrent.lastCost.launches).toBe(5 + 3 * T);
        // x, W_ih, the folded bias, W_hh, the initial state
        expect(backend.recurrent.lastCost.uploads).toBe(5);
        expect(backend.recurrent.lastCost.downloads).toBe(1);
        expect(backend.device.liveBuffers).toBe(0);
        backend.recurrent.lstmSequenceBackward(lstm(T), { dOutput: seeded(T * B * H, 16), dhN: seeded(B * H, 17), dcN: seeded(B * H, 18) });
        // the forward again, the dOutput upload, the initial carry, two launches per step, one gathering launch
        expect(backend.recurrent.lastCost.launches).toBe(5 + 3 * T + 3 + 2 * T);
        // the forward's five, dOutput, the carry of dc_n, the two index tables of the gathering launch
        expect(backend.recurrent.lastCost.uploads).toBe(9);
        expect(backend.recurrent.lastCost.downloads).toBe(1);
        expect(backend.device.liveBuffers).toBe(0);
      }
    });
    it('projection, peepholes, reset-before and hard-sigmoid gates stay on the device: O(1) launches per step, O(1) uploads', () => {
      const P = 2;
      for (const T of [1, 6]) {
        const projected: SequenceInput = { ...lstm(T), weightHh: seeded(4 * H * P, 13, -0.5, 0.5), projSize: P, weightHr: seeded(P * H, 20, -0.5, 0.5) };
        backend.recurrent.lstmSequence(projected);
        // h = W_hr m is a fourth launch per step; W_hr travels with W_hh
        expect(backend.recurrent.lastCost).toEqual({ launches: 5 + 4 * T, uploads: 5, downloads: 1 });
        backend.recurrent.lstmSequenceBackward(projected, { dOutput: seeded(T * B * P, 16), dhN: seeded(B * P, 17), dcN: seeded(B * H, 18) });
        // the forward again, then per step ∂L/∂h_t, the step's row and its append
        expect(backend.recurrent.lastCost).toEqual({ launches: 5 + 4 * T + 3 + 3 * T, uploads: 9, downloads: 1 });
        const peephole: SequenceInput = { ...lstm(T), weightCi: seeded(H, 21), weightCf: seeded(H, 22), weightCo: seeded(H, 23), recurrentActivation: 'hardSigmoid' };
        backend.recurrent.lstmSequence(peephole);
        expect(backend.recurrent.lastCost).toEqual({ launches: 5 + 3 * T, uploads: 5, downloads: 1 });
        const gru: SequenceInput = {
          ...lstm(T), weightIh: seeded(3 * H * I, 12, -0.5, 0.5), weightHh: seeded(3 * H * H, 13, -0.5, 0.5),
          biasIh: seeded(3 * H, 14), biasHh: seeded(3 * H, 15), resetAfter: false,
        };
        backend.recurrent.gruSequence(gru);
        expect(backend.recurrent.lastCost).toEqual({ launches: 6 + 3 * T, uploads: 6, downloads: 1 });
        backend.recurrent.gruSequenceBackward(gru, { dOutput: seeded(T * B * H, 16) });
        // per step da_n of every unit, then the row and its append
        expect(backend.recurrent.lastCost).toEqual({ launches: 6 + 3 * T + 3 + 3 * T, uploads: 10, downloads: 1 });
        expect(backend.device.liveBuffers).toBe(0);
      }
      expect(() => backend.recurrent.lstmSequence({ ...lstm(2), projSize: P })).toThrow('lstmSequence: expected weightHr [2, 4] with projSize 2, got no weightHr');
      expect(() => backend.recurrent.lstmSequence({ ...lstm(2), weightCi: seeded(H, 1) })).toThrow(
        'lstmSequence: expected all three peephole weights (weightCi, weightCf, weightCo) or none, got 1 of them',
      );
      expect(() => backend.recurrent.rnnSequence({ ...lstm(2), weightHh: seeded(H * H, 1), weightIh: seeded(H * I, 1), biasIh: undefined, biasHh: undefined, resetAfter: false })).toThrow(
        'rnnSequence: expected no resetAfter (only a GRU has one), got resetAfter false',
      );
    });
    it('a 1,000-step training loop (state carried, SGD on the weights) does not grow the live device buffers', () => {
      let h: Float32Array | undefined;
      let c: Float32Array | undefined;
      const startBuffers = backend.device.liveBuffers;
      const startTextures = textures?.();
      const created = backend.device.createdBuffers;
      const input = lstm(1);
      const target = seeded(B * H, 19, -0.5, 0.5);
      let firstLoss = 0;
      let lastLoss = 0;
      for (let step = 0; step < 1000; step++) {
        // loss = mean((h_1 − target)²), gradient 2(h_1 − target)/n
        const forward = backend.recurrent.lstmSequence({ ...input, h0: h, c0: c });
        const dOutput = forward.output.map((v, i) => (2 * (v - target[i])) / (B * H));
        const loss = forward.output.reduce((sum, v, i) => sum + (v - target[i]) ** 2, 0) / (B * H);
        // steps 0, 10, 20, … start from a zero state on the same input: comparable losses
        if (step === 0) firstLoss = loss;
        if (step % 10 === 0) lastLoss = loss;
        const grads = backend.recurrent.lstmSequenceBackward({ ...input, h0: h, c0: c }, { dOutput });
        for (const [weight, grad] of [[input.weightIh, grads.dWeightIh], [input.weightHh, grads.dWeightHh], [input.biasIh!, grads.dBiasIh], [input.biasHh!, grads.dBiasHh]]) {
          for (let i = 0; i < weight.length; i++) weight[i] -= 0.5 * grad[i];
        }
        h = step % 10 === 9 ? undefined : forward.hN; // truncated: a fresh state every 10 steps
        c = step % 10 === 9 ? undefined : forward.cN;
        if (step === 0 || step === 999) {
          expect(backend.device.liveBuffers).toBe(startBuffers);
          if (textures) expect(textures()).toBe(startTextures);
        }
      }
      // forward: x, W_ih, projection, W_hh, 2 histories, product, row; backward: those 8, dOutput, carry, row, history, gathered
      expect(backend.device.createdBuffers - created).toBe(21_000);
      // a wrong gradient would not make the loss fall by a quarter
      expect(lastLoss).toBeLessThanOrEqual(firstLoss * 0.75);
    });
    it('a run over 1,000 steps matches the same 1,000 steps run one call at a time', () => {
      const T = 1000;
      const whole = backend.recurrent.lstmSequence({ ...lstm(T), x: seeded(T * B * I, 21) });
      expect(backend.recurrent.lastCost.downloads).toBe(1);
      expect(backend.recurrent.lastCost.launches).toBe(5 + 3 * T);
      const x = seeded(T * B * I, 21);
      let h: Float32Array | undefined;
      let c: Float32Array | undefined;
      let worst = 0;
      for (const t of [0, 1, 2]) {
        const step = backend.recurrent.lstmSequence({ ...lstm(1, h, c), x: x.subarray(t * B * I, (t + 1) * B * I) });
        h = step.hN;
        c = step.cN;
        for (let i = 0; i < B * H; i++) worst = Math.max(worst, Math.abs(h[i] - whole.output[t * B * H + i]));
      }
      expect(worst).toBeLessThanOrEqual(1e-6);
    });
    it('names the op and the shapes on bad input', () => {
      expect(() => backend.recurrent.lstmSequence({ ...lstm(2), x: new Float32Array(5) })).toThrow(
        'lstmSequence: expected x [2, 2, 3] (12 values), got 5 values',
      );
      expect(() => backend.recurrent.gruSequence({ ...lstm(2), weightIh: seeded(3 * H * I, 1), weightHh: seeded(3 * H * H, 1), biasIh: undefined, biasHh: undefined, h0: undefined, c0: new Float32Array(B * H) })).toThrow(
        'gruSequence: expected no c0 (only an LSTM has a cell state), got c0 of length 8',
      );
      expect(() => backend.recurrent.rnnSequence({ ...lstm(2), hiddenSize: 0 })).toThrow(
        'rnnSequence: expected hiddenSize a positive integer, got 0',
      );
    });
  });
}
