import { describe, expect, it } from 'vitest';
import { testWorkspace } from '../../test/recurrence.js';
import { Generator, cpu } from '@recurrent/tensor';
import type { SequenceRun } from './common.js';
import { gruBackward, gruForward } from './gruSequence.js';
import { lstmBackward, lstmForward } from './lstmSequence.js';
import { rnnBackward, rnnForward } from './rnnSequence.js';
import { SequenceRows } from './sequenceRows.js';

const [T, B, I, H] = [7, 5, 6, 12];
const generator = new Generator(71);
const random = (size: number) => Float32Array.from({ length: size }, () => generator.uniformIn(-0.8, 0.8));
const sortedLengths = [7, 6, 6, 3, 1];
// the same sequences in another batch order: unsorted, so every product covers all T·B rows
const order = [3, 0, 4, 2, 1];

/** `[T, B, width]` rows (or `[B, width]` when `steps` is 1) reordered so that row b holds row order[b]. */
function permuteRows(values: Float32Array, steps: number, width: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < B; b++) out.set(values.subarray((t * B + order[b]) * width, (t * B + order[b] + 1) * width), (t * B + b) * width);
  }
  return out;
}

function expectClose(label: string, actual: Float32Array, expected: Float32Array): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= 1e-6 + 1e-5 * Math.abs(expected[i]))) expect.fail(`${label}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Runs a kernel on the sorted batch and on the unsorted one, and compares every result. */
function compareOrders(kernel: (run: Pick<SequenceRun, 'x' | 'h0' | 'lengths'>, dOutput: Float32Array) => Record<string, Float32Array>) {
  const x = random(T * B * I);
  const h0 = random(B * H);
  const dOutput = random(T * B * H);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t >= sortedLengths[b]) dOutput.fill(0, (t * B + b) * H, (t * B + b + 1) * H);
  const sorted = kernel({ x, h0, lengths: Int32Array.from(sortedLengths) }, dOutput);
  const unsorted = kernel({ x: permuteRows(x, T, I), h0: permuteRows(h0, 1, H), lengths: Int32Array.from(order, (b) => sortedLengths[b]) }, permuteRows(dOutput, T, H));
  for (const [name, values] of Object.entries(sorted)) {
    const perStep = values.length === T * B * I ? I : values.length === T * B * H ? H : 0;
    const expected = perStep ? permuteRows(values, T, perStep) : name === 'dh0' || name === 'hN' ? permuteRows(values, 1, H) : values;
    expectClose(name, unsorted[name], expected);
  }
}

describe('SequenceRows', () => {
  it('counts the running rows of each step for sorted padded lengths, and all rows otherwise', () => {
    const run = (lengths: number[] | null) => ({ gemm: cpu.kernels.gemm, workspace: testWorkspace(), steps: T, batch: B, inputSize: I, hiddenSize: H, x: new Float32Array(0), h0: null, reverse: false, lengths: lengths && Int32Array.from(lengths) });
    const rows = new SequenceRows(run(sortedLengths));
    expect(Array.from(rows.counts!)).toEqual([5, 4, 4, 3, 3, 3, 1]);
    expect(rows.count).toBe(23);
    expect(new SequenceRows(run([7, 7, 7, 7, 7])).counts).toBeNull();
    expect(new SequenceRows(run(order.map((b) => sortedLengths[b]))).count).toBe(T * B);
    expect(new SequenceRows(run(null)).count).toBe(T * B);
    // gathered rows: step after step, the leading rows of each
    const source = Float32Array.from({ length: T * B * 2 }, (_, i) => i);
    const gathered = rows.gather('test.rows', source, 0, 2);
    expect(Array.from(gathered.data.subarray(0, 2 * 9))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  });

  for (const reverse of [false, true]) {
    it(`LSTM, GRU and Elman skip the padding of sorted batches: the same as covering every row (reverse ${reverse})`, () => {
      const base = { gemm: cpu.kernels.gemm, workspace: testWorkspace(), packB: cpu.kernels.packB, steps: T, batch: B, inputSize: I, hiddenSize: H, reverse };
      const lstm = { weightIh: random(4 * H * I), weightHh: random(4 * H * H), biasIh: random(4 * H), biasHh: random(4 * H), weightHr: null, peephole: null, c0: null, projSize: 0 };
      compareOrders((run, dOutput) => {
        const { output, hN, tape } = lstmForward({ ...base, ...lstm, ...run });
        const { dx, dh0, dWeightIh, dWeightHh, dBias } = lstmBackward(tape, dOutput, null, null);
        return { output, hN, dx: dx!, dh0, dWeightIh, dWeightHh, dBias };
      });
      for (const resetAfter of [true, false]) {
        const gru = { weightIh: random(3 * H * I), weightHh: random(3 * H * H), biasIh: random(3 * H), biasHh: random(3 * H), resetAfter };
        compareOrders((run, dOutput) => {
          const { output, hN, tape } = gruForward({ ...base, ...gru, ...run });
          const { dx, dh0, dWeightIh, dWeightHh, dBiasIh, dBiasHh } = gruBackward(tape, dOutput, null);
          return { output, hN, dx: dx!, dh0, dWeightIh, dWeightHh, dBiasIh, dBiasHh };
        });
      }
      const elman = { weightIh: random(H * I), weightHh: random(H * H), biasIh: random(H), biasHh: random(H), nonlinearity: 'tanh' as const };
      compareOrders((run, dOutput) => {
        const { output, hN, tape } = rnnForward({ ...base, ...elman, ...run });
        const { dx, dh0, dWeightIh, dWeightHh, dBias } = rnnBackward(tape, dOutput, null);
        return { output, hN, dx: dx!, dh0, dWeightIh, dWeightHh, dBias };
      });
    });
  }
});
