import { describe, expect, it } from 'vitest';
import { Generator, cpuKernels } from '@recurrent/tensor';
import { expectClose, testWorkspace } from '../../test/recurrence.js';
import { RnnGatePass } from './rnnGatePass.js';
import { rnnBackward, rnnForward } from './rnnSequence.js';

/** Within 2e-6 + 1e-5·|expected|: float32 results against float64 references. */
const close = (got: ArrayLike<number>, expected: ArrayLike<number>, what: string, abs = 2e-6, rel = 1e-5) => expectClose(what, got, expected, abs, rel);

describe('RnnGatePass (WebAssembly SIMD) against float64 references', () => {
  it.each([1, 3, 4, 5, 257])('tanh forward and backward of one step, hidden size %i', (H) => {
    const g = new Generator(200 + H);
    const B = 3;
    const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => g.uniformIn(-scale, scale));
    const pre = random(B * H, 10);
    const bias = random(H, 1);
    const pass = RnnGatePass.create(testWorkspace(), B, H, bias)!;
    expect(pass).not.toBeNull();
    const hidden = new Float32Array(2 * B * H);
    pass.forward(0, B, null, pre, 0, hidden, B * H);
    close(hidden.subarray(B * H), Array.from({ length: B * H }, (_, k) => Math.tanh(pre[k] + bias[k % H])), 'h');
    const dh = random(B * H, 1);
    const dPre = new Float32Array(B * H);
    pass.backward(0, B, null, hidden, B * H, dh, dPre, 0);
    close(dPre, Array.from({ length: B * H }, (_, k) => (1 - hidden[B * H + k] ** 2) * dh[k]), 'dPre');
  });
});

describe('rnnForward / rnnBackward on SIMD equal their scalar loops', () => {
  const cases = [
    { H: 5, nonlinearity: 'tanh' as const, reverse: false, lengths: null },
    { H: 8, nonlinearity: 'tanh' as const, reverse: true, lengths: [4, 2, 3] },
    { H: 3, nonlinearity: 'tanh' as const, reverse: false, lengths: [4, 3, 1] },
    { H: 4, nonlinearity: 'relu' as const, reverse: false, lengths: [2, 4, 3] },
  ];
  it.each(cases)('hidden $H, $nonlinearity, reverse $reverse, lengths $lengths', ({ H, nonlinearity, reverse, lengths }) => {
    const g = new Generator(13);
    const [T, B, I] = [4, 3, 2];
    const random = (n: number) => Float32Array.from({ length: n }, () => g.uniformIn(-1, 1));
    const run = {
      gemm: cpuKernels.gemm, workspace: testWorkspace(), steps: T, batch: B, inputSize: I, hiddenSize: H, x: random(T * B * I), h0: random(B * H),
      weightIh: random(H * I), weightHh: random(H * H), biasIh: random(H), biasHh: random(H),
      nonlinearity, reverse, lengths: lengths ? Int32Array.from(lengths) : null,
    };
    const dOutput = random(T * B * H);
    const dhN = random(B * H);
    const [simd, scalar] = [true, false].map((on) => {
      run.workspace = testWorkspace(on);
      const result = rnnForward(run);
      return { result, gradients: rnnBackward(result.tape, dOutput, dhN) };
    });
    for (const key of ['output', 'hN'] as const) close(simd.result[key], scalar.result[key], key);
    for (const key of ['dx', 'dh0', 'dWeightIh', 'dWeightHh', 'dBias'] as const) {
      close(simd.gradients[key]!, scalar.gradients[key]!, key, 1e-5, 1e-5);
    }
  });
});
