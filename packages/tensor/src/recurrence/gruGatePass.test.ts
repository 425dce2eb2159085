import { describe, expect, it } from 'vitest';
import { Generator, cpuKernels } from '@recurrent/tensor';
import { expectClose, testWorkspace } from '../../test/recurrence.js';
import { GruGatePass } from './gruGatePass.js';
import { gruBackward, gruForward } from './gruSequence.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** Within 2e-6 + 1e-5·|expected|: float32 results against float64 references. */
const close = (got: ArrayLike<number>, expected: ArrayLike<number>, what: string, abs = 2e-6, rel = 1e-5) => expectClose(what, got, expected, abs, rel);

describe('GruGatePass (WebAssembly SIMD) against float64 references', () => {
  it.each([1, 3, 4, 5, 257])('forward and backward of one step (reset-after), hidden size %i', (H) => {
    const g = new Generator(100 + H);
    const B = 3;
    const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => g.uniformIn(-scale, scale));
    const input = random(B * 3 * H, 12);
    const recurrent = random(B * 3 * H, 4);
    const hidden = new Float32Array(2 * B * H);
    hidden.set(random(B * H, 1));
    const pass = GruGatePass.create(testWorkspace(), B, H)!;
    expect(pass).not.toBeNull();
    const gates = input.slice();
    const recurrentN = new Float32Array(B * H);
    pass.forward(0, B, null, true, gates, 0, recurrent, hidden, 0, B * H, recurrentN, 0);
    const expectedGates = new Float64Array(B * 3 * H);
    const expectedH = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const at = (q: number) => b * 3 * H + q * H + j;
        const r = sigmoid(input[at(0)] + recurrent[at(0)]);
        const z = sigmoid(input[at(1)] + recurrent[at(1)]);
        const n = Math.tanh(input[at(2)] + r * recurrent[at(2)]);
        [r, z, n].forEach((v, q) => { expectedGates[at(q)] = v; });
        expectedH[b * H + j] = (1 - z) * n + z * hidden[b * H + j];
      }
    }
    close(gates, expectedGates, 'gates');
    close(hidden.subarray(B * H), expectedH, 'h');
    close(recurrentN, Array.from({ length: B * H }, (_, k) => recurrent[Math.floor(k / H) * 3 * H + 2 * H + (k % H)]), 'recurrentN');

    const dh = random(B * H, 1);
    const [dInput, dRecurrent, direct] = [new Float32Array(B * 3 * H), new Float32Array(B * 3 * H), new Float32Array(B * H)];
    pass.backward(0, B, null, gates, 0, hidden, 0, recurrentN, 0, dh, dInput, dRecurrent, direct);
    const expected = { dInput: new Float64Array(B * 3 * H), dRecurrent: new Float64Array(B * 3 * H), direct: new Float64Array(B * H) };
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const at = (q: number) => b * 3 * H + q * H + j;
        const [r, z, n] = [gates[at(0)], gates[at(1)], gates[at(2)]];
        const dhv = dh[b * H + j];
        const dn = dhv * (1 - z) * (1 - n * n);
        const dz = dhv * (hidden[b * H + j] - n) * z * (1 - z);
        const dr = dn * recurrentN[b * H + j] * r * (1 - r);
        [dr, dz, dn].forEach((v, q) => { expected.dInput[at(q)] = v; });
        [dr, dz, dn * r].forEach((v, q) => { expected.dRecurrent[at(q)] = v; });
        expected.direct[b * H + j] = z * dhv;
      }
    }
    close(dInput, expected.dInput, 'dInput');
    close(dRecurrent, expected.dRecurrent, 'dRecurrent');
    close(direct, expected.direct, 'direct');
  });
});

describe('gruForward / gruBackward on SIMD equal their scalar loops', () => {
  const cases = [
    { H: 5, resetAfter: true, reverse: false, lengths: null },
    { H: 8, resetAfter: true, reverse: true, lengths: [4, 2, 3] },
    { H: 3, resetAfter: true, reverse: false, lengths: [4, 3, 1] },
    { H: 4, resetAfter: false, reverse: false, lengths: [2, 4, 3] },
  ];
  it.each(cases)('hidden $H, resetAfter $resetAfter, reverse $reverse, lengths $lengths', ({ H, resetAfter, reverse, lengths }) => {
    const g = new Generator(11);
    const [T, B, I] = [4, 3, 2];
    const random = (n: number) => Float32Array.from({ length: n }, () => g.uniformIn(-1, 1));
    const run = {
      gemm: cpuKernels.gemm, workspace: testWorkspace(), steps: T, batch: B, inputSize: I, hiddenSize: H, x: random(T * B * I), h0: random(B * H),
      weightIh: random(3 * H * I), weightHh: random(3 * H * H), biasIh: random(3 * H), biasHh: random(3 * H),
      resetAfter, reverse, lengths: lengths ? Int32Array.from(lengths) : null,
    };
    const dOutput = random(T * B * H);
    const dhN = random(B * H);
    const [simd, scalar] = [true, false].map((on) => {
      run.workspace = testWorkspace(on);
      const result = gruForward(run);
      const inference = gruForward({ ...run, keepTape: false });
      return { result, inference, gradients: gruBackward(result.tape, dOutput, dhN) };
    });
    for (const key of ['output', 'hN'] as const) {
      close(simd.result[key], scalar.result[key], key);
      close(simd.inference[key], scalar.result[key], `${key} (keepTape false)`);
    }
    for (const key of ['dx', 'dh0', 'dWeightIh', 'dWeightHh', 'dBiasIh', 'dBiasHh'] as const) {
      close(simd.gradients[key]!, scalar.gradients[key]!, key, 1e-5, 1e-5);
    }
  });
});
