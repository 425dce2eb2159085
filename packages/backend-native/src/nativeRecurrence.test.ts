import { describe, expect, it } from 'vitest';
import {
  type Backend, Generator, createCpuBackend, randn, type RecurrentForwardArgs, type RecurrentMode, type RecurrentWeights,
} from '@recurrent/tensor';
import { Variable, backward, mul, sum } from '@recurrent/autograd';
import { GRU, LSTM } from '@recurrent/layers';
import { createNativeBackend } from './index.js';

// The native recurrence against the CPU backend's (the TypeScript kernels of @recurrent/tensor's
// recurrence, themselves checked against PyTorch) on random data: every mode and variant, with
// lengths (sorted and unsorted), reverse, initial states, on each instruction set this CPU runs.
const cpu = createCpuBackend();
const isas = (['avx512', 'avx2', 'scalar'] as const).filter((isa) => {
  try {
    createNativeBackend({ isa, threads: 1 });
    return true;
  } catch {
    return false;
  }
});

interface Variant { mode: RecurrentMode; projSize?: number; peephole?: boolean; resetAfter?: boolean; hard?: boolean }
const variants: Variant[] = [
  { mode: 'RNN_TANH' }, { mode: 'RNN_RELU' }, { mode: 'LSTM' }, { mode: 'LSTM', projSize: 3 }, { mode: 'LSTM', peephole: true },
  { mode: 'GRU', resetAfter: true }, { mode: 'GRU', resetAfter: false },
  { mode: 'LSTM', peephole: true, hard: true }, { mode: 'GRU', resetAfter: false, hard: true }, { mode: 'GRU', hard: true },
];
const runs = [
  { label: 'forward, all rows', reverse: false, lengths: null },
  { label: 'reverse, sorted lengths', reverse: true, lengths: [5, 3, 1] },
  { label: 'forward, unsorted lengths', reverse: false, lengths: [2, 5, 4] },
];

interface Sizes { T: number; B: number; I: number; H: number }

function makeArgs(variant: Variant, run: { reverse: boolean; lengths: number[] | null }, seed: number, sizes: Sizes = { T: 5, B: 3, I: 4, H: 6 }): RecurrentForwardArgs {
  const generator = new Generator(seed);
  const random = (n: number, scale = 0.5) => Float32Array.from({ length: n }, () => generator.uniformIn(-scale, scale));
  const { T, B, I, H } = sizes;
  const P = variant.projSize ?? 0;
  const R = P || H;
  const G = (variant.mode === 'LSTM' ? 4 : variant.mode === 'GRU' ? 3 : 1) * H;
  // PyTorch's initial scale 1/√H from 16 units on (larger random weights make a 100-unit RNN chaotic,
  // and float32 sums in another order then differ beyond the tolerance)
  const scale = Math.min(0.5, 2 / Math.sqrt(H));
  const weights: RecurrentWeights = {
    weightIh: random(G * I, scale), weightHh: random(G * R, scale), biasIh: random(G), biasHh: random(G), weightHr: P ? random(P * H, scale) : null,
    weightCi: variant.peephole ? random(H) : null, weightCf: variant.peephole ? random(H) : null, weightCo: variant.peephole ? random(H) : null,
  };
  return {
    mode: variant.mode, steps: T, batch: B, inputSize: I, hiddenSize: H, projSize: P, resetAfter: variant.resetAfter ?? true,
    recurrentActivation: variant.hard ? 'hardSigmoid' : 'sigmoid', x: random(T * B * I, 1), h0: random(B * R), c0: variant.mode === 'LSTM' ? random(B * H) : null, weights,
    reverse: run.reverse, lengths: run.lengths ? Int32Array.from(run.lengths) : null, keepTape: true,
  };
}

function expectClose(label: string, actual: Float32Array | null, expected: Float32Array | null): void {
  expect(actual === null, `${label}: null`).toBe(expected === null);
  if (!actual || !expected) return;
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= 1e-5 + 1e-4 * Math.abs(expected[i]))) expect.fail(`${label}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

const variantName = (variant: Variant) =>
  `${variant.mode}${variant.projSize ? ' projection' : ''}${variant.peephole ? ' peephole' : ''}${variant.resetAfter === false ? ' reset-before' : ''}${variant.hard ? ' hard sigmoid' : ''}`;

/** [T, B, F] → [B, T, F] (or back, with the two leading sizes given the other way round). */
function swapLeading(values: Float32Array, first: number, second: number): Float32Array {
  const features = values.length / (first * second);
  const out = new Float32Array(values.length);
  for (let i = 0; i < first; i++) {
    for (let j = 0; j < second; j++) out.set(values.subarray((i * second + j) * features, (i * second + j + 1) * features), (j * first + i) * features);
  }
  return out;
}

/** Forward and backward of one case on both backends, every result and gradient compared; the
 * native side runs it twice, time-major and batch-first (`batchFirst: true`, its arrays swapped). */
function compare(native: ReturnType<typeof createNativeBackend>, args: RecurrentForwardArgs): void {
  const ours = native.kernels.recurrent!.forward(args);
  const theirs = cpu.kernels.recurrent!.forward(args);
  for (const key of ['output', 'hN', 'cN'] as const) expectClose(key, ours[key], theirs[key]);
  // inference (no tape: the work buffers of the other path) gives the same results
  const inference = native.kernels.recurrent!.forward({ ...args, keepTape: false });
  for (const key of ['output', 'hN', 'cN'] as const) expectClose(`${key} without a tape`, inference[key], theirs[key]);
  const generator = new Generator(99);
  const random = (n: number) => Float32Array.from({ length: n }, () => generator.uniformIn(-1, 1));
  const grads = { dOutput: random(ours.output.length), dhN: random(ours.hN.length), dcN: ours.cN ? random(ours.cN.length) : null };
  const needs = { x: true, h0: true, c0: true, weights: true };
  const a = native.kernels.recurrent!.backward({ tape: ours.tape!, ...grads, needs });
  const b = cpu.kernels.recurrent!.backward({ tape: theirs.tape!, ...grads, needs });
  for (const key of Object.keys(b) as (keyof typeof b)[]) expectClose(key, a[key], b[key]);
  // batch-first: the same numbers, with x, output, dOutput and ∂L/∂x as [B, T, ·]
  const { steps: T, batch: B } = args;
  const batchFirst = native.kernels.recurrent!.forward({ ...args, x: swapLeading(args.x, T, B), batchFirst: true });
  expectClose('batch-first output', swapLeading(batchFirst.output, B, T), theirs.output);
  for (const key of ['hN', 'cN'] as const) expectClose(`batch-first ${key}`, batchFirst[key], theirs[key]);
  const batchFirstInference = native.kernels.recurrent!.forward({ ...args, x: swapLeading(args.x, T, B), batchFirst: true, keepTape: false });
  expectClose('batch-first output without a tape', swapLeading(batchFirstInference.output, B, T), theirs.output);
  const c = native.kernels.recurrent!.backward({ tape: batchFirst.tape!, ...grads, dOutput: swapLeading(grads.dOutput, T, B), needs });
  for (const key of Object.keys(b) as (keyof typeof b)[]) {
    expectClose(`batch-first ${key}`, key === 'x' && c.x ? swapLeading(c.x, B, T) : c[key], b[key]);
  }
  native.kernels.recurrent!.releaseTape(batchFirst.tape!);
  native.kernels.recurrent!.releaseTape(ours.tape!);
  cpu.kernels.recurrent!.releaseTape(theirs.tape!);
}

// Three threads on sizes large enough to be shared (100 hidden units: shares of 48, 48 and 4; a
// projection of 40: 16, 16 and 8), so every barrier and every split product is exercised.
describe('native recurrence on three threads against the CPU recurrence', () => {
  const native = createNativeBackend({ threads: 3 });
  const sizes = { T: 6, B: 32, I: 8, H: 100 };
  const lengths = Array.from({ length: sizes.B }, (_, b) => 1 + ((b * 7) % sizes.T));
  const threadRuns = [
    { label: 'forward, all rows', reverse: false, lengths: null },
    { label: 'reverse, unsorted lengths', reverse: true, lengths },
    // sorted longest first (packed): each step's products take only the rows still running
    { label: 'forward, sorted lengths', reverse: false, lengths: [...lengths].sort((a, b) => b - a) },
  ];
  variants.forEach((variant, v) => {
    threadRuns.forEach((run, r) => {
      it(`${variantName(variant)}: ${run.label}`, () => {
        const projected = variant.projSize ? { ...variant, projSize: 40 } : variant;
        compare(native, makeArgs(projected, run, 100 + 10 * v + r, sizes));
      });
    });
  });
});

for (const isa of isas) {
  describe(`native recurrence (${isa}) against the CPU recurrence`, () => {
    const native = createNativeBackend({ isa, threads: 1 });
    variants.forEach((variant, v) => {
      runs.forEach((run, r) => {
        it(`${variantName(variant)}: ${run.label}`, () => {
          compare(native, makeArgs(variant, run, 10 * v + r));
        });
      });
    });
  });
}

describe('native recurrence', () => {
  const native = createNativeBackend({ threads: 1 });
  it('hard sigmoid: backward matches finite differences of forward', () => {
    for (const mode of ['LSTM', 'GRU'] as const) {
      const args = { ...makeArgs({ mode }, runs[0], 7), recurrentActivation: 'hardSigmoid' as const };
      const loss = (x: Float32Array) => native.kernels.recurrent!.forward({ ...args, x, keepTape: false }).output.reduce((s, v) => s + v * v, 0);
      const { output, tape } = native.kernels.recurrent!.forward(args);
      const { x: dx } = native.kernels.recurrent!.backward({ tape: tape!, dOutput: output.map((v) => 2 * v), dhN: null, dcN: null,
        needs: { x: true, h0: false, c0: false, weights: false } });
      for (const i of [0, 7, 31, 55]) {
        const step = 1e-2;
        const plus = Float32Array.from(args.x);
        const minus = Float32Array.from(args.x);
        plus[i] += step;
        minus[i] -= step;
        const numeric = (loss(plus) - loss(minus)) / (2 * step);
        expect(Math.abs(numeric - dx![i]), `${mode} dx[${i}]`).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
      }
    }
  });
  it('names a bad size the way the CPU recurrence does', () => {
    const args = makeArgs({ mode: 'GRU' }, runs[0], 1);
    const bad = { ...args, x: new Float32Array(3) };
    let cpuMessage = '';
    try {
      cpu.kernels.recurrent!.forward(bad);
    } catch (error) {
      cpuMessage = (error as Error).message;
    }
    expect(cpuMessage.length).toBeGreaterThan(0);
    expect(() => native.kernels.recurrent!.forward(bad)).toThrow(cpuMessage);
  });
  it('returns gradients only where asked (h0, c0, weights)', () => {
    const args = makeArgs({ mode: 'LSTM' }, runs[0], 2);
    const { tape } = native.kernels.recurrent!.forward(args);
    const g = native.kernels.recurrent!.backward({ tape: tape!, dOutput: null, dhN: new Float32Array(3 * 6).fill(1), dcN: null,
      needs: { x: false, h0: true, c0: false, weights: false } });
    expect([g.x, g.c0, g.weightIh, g.biasHh]).toEqual([null, null, null, null]);
    expect(g.h0!.some((v) => v !== 0)).toBe(true);
  });
});

describe('the native recurrence workspace', () => {
  it('keeps released tapes for the next forward, counted in workspaceFloats, freed by releaseWorkspace', () => {
    const native = createNativeBackend({ threads: 1 });
    const recurrence = native.kernels.recurrent!;
    const args = makeArgs({ mode: 'LSTM' }, runs[0], 3);
    const first = recurrence.forward(args);
    const before = native.stats.workspaceFloats;
    recurrence.releaseTape(first.tape!);
    const held = native.stats.workspaceFloats - before;
    expect(held).toBeGreaterThan(0);
    recurrence.releaseTape(first.tape!); // a second release does nothing
    expect(native.stats.workspaceFloats - before).toBe(held);
    const again = recurrence.forward(args);
    expect(native.stats.workspaceFloats - before).toBe(0);
    expect(Array.from(again.output)).toEqual(Array.from(first.output));
    expect(() => recurrence.backward({ tape: first.tape!, dOutput: null, dhN: null, dcN: null, needs: { x: true, h0: true, c0: true, weights: true } }))
      .toThrow('recurrent: expected a tape not yet released, got a released one');
    recurrence.releaseTape(again.tape!);
    recurrence.releaseWorkspace();
    expect(native.stats.workspaceFloats).toBeLessThanOrEqual(before);
  });
});

describe('batch-first sequences', () => {
  it('a time-major recurrence refuses batchFirst: true, naming it', () => {
    const args = makeArgs({ mode: 'LSTM' }, runs[0], 3);
    expect(() => cpu.kernels.recurrent!.forward({ ...args, batchFirst: true })).toThrow(/time-major arrays .* got batchFirst: true/);
    expect(cpu.kernels.recurrent!.batchFirst).toBeUndefined();
  });

  it.each([
    ['LSTM, two layers, bidirectional', { mode: 'lstm', numLayers: 2, bidirectional: true }],
    ['GRU with unsorted lengths', { mode: 'gru', numLayers: 1, bidirectional: false, lengths: [3, 5, 1, 4] }],
  ] as const)('%s: a batch-first layer hands its [B, T, I] input to the kernel as it is, with the CPU layer\'s numbers', (_name, c) => {
    const native = createNativeBackend({ threads: 2 });
    const recurrent = native.kernels.recurrent!;
    const layouts: (boolean | undefined)[] = [];
    const spied = { ...native, kernels: { ...native.kernels, recurrent: { ...recurrent, forward: (a: RecurrentForwardArgs) => (layouts.push(a.batchFirst), recurrent.forward(a)) } } };
    const run = (backend: Backend) => {
      const generator = new Generator(5);
      const options = { inputSize: 3, hiddenSize: 4, numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: true, generator, backend };
      const layer = c.mode === 'lstm' ? new LSTM(options) : new GRU(options);
      const x = new Variable(randn([4, 5, 3], new Generator(6), { backend }), { requiresGrad: true });
      const lengths = 'lengths' in c ? c.lengths : undefined;
      const { output, h_n } = layer.forward(x, lengths ? { lengths: [...lengths] } : undefined);
      backward(sum(mul(output, output)));
      return { output: output.value.data as Float32Array, hN: h_n.value.data as Float32Array, dx: x.grad!.data as Float32Array, dW: layer.parameters()[0].grad!.data as Float32Array };
    };
    const ours = run(spied);
    const theirs = run(cpu);
    expect(layouts.length).toBeGreaterThan(0);
    expect(layouts.every((l) => l === true)).toBe(true);
    for (const key of ['output', 'hN', 'dx', 'dW'] as const) expectClose(key, ours[key], theirs[key]);
  });
});

describe('the forward on several threads', () => {
  // large enough to be shared (batch × gates × hidden ≥ 2^18): chunks of 128, 64 or 43→48 units
  it.each(['RNN_TANH', 'LSTM', 'GRU'] as const)('%s: the same bits on 1, 2 and 3 threads', (mode) => {
    const sizes = { T: 12, B: 32, I: 16, H: 256 };
    const lengths = Array.from({ length: sizes.B }, (_, b) => 1 + ((b * 5) % sizes.T));
    const args = { ...makeArgs({ mode }, { reverse: false, lengths }, 5, sizes), keepTape: false };
    const [one, ...others] = [1, 2, 3].map((threads) => createNativeBackend({ threads }).kernels.recurrent!.forward(args));
    for (const other of others) {
      expect(Buffer.from(other.output.buffer).equals(Buffer.from(one.output.buffer))).toBe(true);
      expect(Buffer.from(other.hN.buffer).equals(Buffer.from(one.hN.buffer))).toBe(true);
    }
  });
});
