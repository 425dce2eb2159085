import { describe, expect, it } from 'vitest';
import { Generator, cpuKernels } from '@recurrent/tensor';
import { expectClose, testWorkspace } from '../../test/recurrence.js';
import { LstmGatePass } from './lstmGatePass.js';
import { lstmBackward, lstmForward } from './lstmSequence.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** Within 2e-6 + 1e-5·|expected|: float32 results against float64 references. */
const close = (got: ArrayLike<number>, expected: ArrayLike<number>, what: string, abs = 2e-6, rel = 1e-5) => expectClose(what, got, expected, abs, rel);

describe('LstmGatePass (WebAssembly SIMD) against float64 references', () => {
  it.each([1, 3, 4, 5, 257])('forward and backward of one step, hidden size %i', (H) => {
    const g = new Generator(H);
    const B = 3;
    const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => g.uniformIn(-scale, scale));
    // pre-activations up to ±12 reach the saturated ends of σ and tanh
    const pre = random(B * 4 * H, 12);
    const bias = random(4 * H, 1);
    const cPrevious = random(B * H, 3);
    const pass = LstmGatePass.create(testWorkspace(), B, H, bias)!;
    expect(pass).not.toBeNull();
    const gates = pre.slice();
    const cells = new Float32Array(2 * B * H);
    cells.set(cPrevious);
    const tanhCells = new Float32Array(B * H);
    const h = new Float32Array(B * H);
    pass.forward(0, B, null, true, gates, 0, cells, 0, B * H, tanhCells, 0, h, 0);
    const expected = { gates: new Float64Array(B * 4 * H), c: new Float64Array(B * H), tanhC: new Float64Array(B * H), h: new Float64Array(B * H) };
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const at = (q: number) => pre[b * 4 * H + q * H + j] + bias[q * H + j];
        const [i, f, gg, o] = [sigmoid(at(0)), sigmoid(at(1)), Math.tanh(at(2)), sigmoid(at(3))];
        [i, f, gg, o].forEach((v, q) => { expected.gates[b * 4 * H + q * H + j] = v; });
        const c = f * cPrevious[b * H + j] + i * gg;
        expected.c[b * H + j] = c;
        expected.tanhC[b * H + j] = Math.tanh(c);
        expected.h[b * H + j] = o * Math.tanh(c);
      }
    }
    close(gates, expected.gates, 'gates');
    close(cells.subarray(B * H), expected.c, 'c');
    close(tanhCells, expected.tanhC, 'tanh(c)');
    close(h, expected.h, 'h');

    const dm = random(B * H, 1);
    const dc = random(B * H, 1);
    const dcIn = dc.slice();
    const dGates = new Float32Array(B * 4 * H);
    pass.backward(0, B, null, gates, 0, tanhCells, 0, cells, 0, dm, dc, dGates);
    const expectedDGates = new Float64Array(B * 4 * H);
    const expectedDc = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const [i, f, gg, o] = [0, 1, 2, 3].map((q) => gates[b * 4 * H + q * H + j]);
        const tc = tanhCells[b * H + j];
        const dmv = dm[b * H + j];
        const dcv = dcIn[b * H + j] + dmv * o * (1 - tc * tc);
        expectedDc[b * H + j] = dcv * f;
        expectedDGates[b * 4 * H + j] = dcv * gg * i * (1 - i);
        expectedDGates[b * 4 * H + H + j] = dcv * cPrevious[b * H + j] * f * (1 - f);
        expectedDGates[b * 4 * H + 2 * H + j] = dcv * i * (1 - gg * gg);
        expectedDGates[b * 4 * H + 3 * H + j] = dmv * tc * o * (1 - o);
      }
    }
    close(dGates, expectedDGates, 'dGates');
    close(dc, expectedDc, 'dc');
  });
});

describe('lstmForward / lstmBackward on SIMD equal their scalar loops', () => {
  const cases = [
    { H: 5, projSize: 0, reverse: false, lengths: null },
    { H: 8, projSize: 0, reverse: true, lengths: [4, 2, 3] },
    { H: 3, projSize: 2, reverse: false, lengths: [1, 4, 2] },
    { H: 4, projSize: 3, reverse: true, lengths: null },
  ];
  it.each(cases)('hidden $H, projection $projSize, reverse $reverse, lengths $lengths', ({ H, projSize, reverse, lengths }) => {
    const g = new Generator(7);
    const [T, B, I] = [4, 3, 2];
    const R = projSize || H;
    const random = (n: number) => Float32Array.from({ length: n }, () => g.uniformIn(-1, 1));
    const run = {
      gemm: cpuKernels.gemm, workspace: testWorkspace(), steps: T, batch: B, inputSize: I, hiddenSize: H, projSize, x: random(T * B * I), h0: random(B * R), c0: random(B * H),
      weightIh: random(4 * H * I), weightHh: random(4 * H * R), biasIh: random(4 * H), biasHh: random(4 * H),
      weightHr: projSize ? random(projSize * H) : null, peephole: null, reverse, lengths: lengths ? Int32Array.from(lengths) : null,
    };
    const dOutput = random(T * B * R);
    const dhN = random(B * R);
    const dcN = random(B * H);
    const both = [true, false].map((simd) => {
      run.workspace = testWorkspace(simd);
      const result = lstmForward(run);
      const inference = lstmForward({ ...run, keepTape: false });
      const gradients = lstmBackward(result.tape, dOutput, dhN, dcN);
      return { result, inference, gradients };
    });
    const [simd, scalar] = both;
    for (const key of ['output', 'hN', 'cN'] as const) {
      close(simd.result[key], scalar.result[key], key);
      close(simd.inference[key], scalar.result[key], `${key} (keepTape false)`);
    }
    for (const key of ['dx', 'dh0', 'dc0', 'dWeightIh', 'dWeightHh', 'dBias', 'dWeightHr'] as const) {
      if (scalar.gradients[key] === null) expect(simd.gradients[key]).toBeNull();
      else close(simd.gradients[key]!, scalar.gradients[key]!, key, 1e-5, 1e-5);
    }
  });
});
