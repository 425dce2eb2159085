import { binaryOps, cpuKernels, reduceOps, unaryOps, type GemmArgs, type Strided } from '@recurrent/tensor';
import type { GpujsBackend } from '../src/index.js';
import type { Limits } from './recurrentVectorCase.js';

/** The parts of a test framework the checks use (vitest's `describe`, `it`, `expect`). */
export interface Harness {
  describe: (name: string, body: () => void) => void;
  it: (name: string, body: () => void) => void;
  expect: (value: unknown) => {
    toBe(expected: unknown): void; toEqual(expected: unknown): void; toBeLessThanOrEqual(expected: number): void; toThrow(message: string): void;
  };
}

/** Seeded uniform values in `[low, high)` (xorshift), so every run checks the same numbers. */
export function seeded(length: number, seed: number, low = -2, high = 2): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = low + ((state >>> 0) / 4294967296) * (high - low);
  }
  return out;
}

/** Largest `|a − b| / (absolute + relative·|b|)`: at most 1 when `a` matches `b` within limits. */
export function worstRatio(a: Float32Array, b: Float32Array, limits: Limits): number {
  let worst = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    const ratio = a[i] === b[i] ? 0 : Math.abs(a[i] - b[i]) / (limits.absolute + limits.relative * Math.abs(b[i]));
    if (!(ratio <= worst)) worst = ratio; // NaN counts as a mismatch
  }
  return worst;
}

const inputFor = (op: string, x: Float32Array): Float32Array =>
  ['log', 'sqrt', 'rsqrt', 'log1p'].includes(op) ? x.map((v) => Math.abs(v) + 0.1) : op === 'reciprocal' ? x.map((v) => v + 3) : x;

/**
 * Checks every kernel the gpu.js backend runs on the device against the CPU kernels on seeded
 * data: unary and binary ops (with broadcasting and transposed views), gather and scatterAdd
 * (and that copy stays on the host), gemm in the four
 * transposition cases with offsets and leading dimensions, every reduction and (log-)softmax.
 */
export function checkKernels(backend: GpujsBackend, { describe, it, expect }: Harness, limits: Limits): void {
  const k = backend.kernels;
  describe(`kernels on gpu.js ${backend.mode}`, () => {
    const x = seeded(60, 1);
    it('unary ops match the CPU kernels', () => {
      for (const op of unaryOps) {
        const input = inputFor(op, x);
        const actual = new Float32Array(input.length);
        const expected = new Float32Array(input.length);
        k.unary(op, input, actual);
        cpuKernels.unary(op, input, expected);
        expect(`${op} ${worstRatio(actual, expected, limits) <= 1}`).toBe(`${op} true`);
      }
    });
    it('affine matches the CPU kernel', () => {
      const actual = new Float32Array(60);
      const expected = new Float32Array(60);
      k.affine(x, 1.5, -0.25, actual);
      cpuKernels.affine(x, 1.5, -0.25, expected);
      expect(worstRatio(actual, expected, limits)).toBeLessThanOrEqual(1);
    });
    it('binary ops match the CPU kernels with broadcasting and strided views', () => {
      const shape = [3, 4, 5];
      const a: Strided = { data: x, offset: 0, strides: [20, 5, 1] };
      const row: Strided = { data: seeded(5, 2, 0.5, 2), offset: 0, strides: [0, 0, 1] };
      const transposed: Strided = { data: seeded(61, 3), offset: 1, strides: [1, 15, 3] };
      // pow of a negative base is left undefined by GLSL: bases are positive here
      const positive = (view: Strided): Strided => ({ ...view, data: view.data.map((v) => Math.abs(v) + 0.1) });
      for (const op of binaryOps) {
        const views = [[a, row], [transposed, a], [row, transposed]] as const;
        for (const [left, right] of op === 'pow' ? views.map(([l, r]) => [positive(l), r] as const) : views) {
          const actual = new Float32Array(60);
          const expected = new Float32Array(60);
          k.binary(op, left, right, actual, shape);
          cpuKernels.binary(op, left, right, expected, shape);
          expect(`${op} ${worstRatio(actual, expected, limits) <= 1}`).toBe(`${op} true`);
        }
      }
    });
    it('gather and scatterAdd match the CPU kernels (repeated indices; −0 kept); copy is the host\'s strided copy', () => {
      const before = ['gather', 'scatterAdd'].map((name) => backend.fallbacks.get(name) ?? 0);
      const same = (actual: Float32Array, expected: Float32Array) => actual.every((v, i) => Object.is(v, expected[i]));
      // storage is a host array: a strided copy runs on the host, launching nothing on the device
      const launches = backend.device.launches;
      const view: Strided = { data: x, offset: 59, strides: [-20, -5, -1] };
      const copied = new Float32Array(60);
      k.copy(view, copied, [3, 4, 5]);
      expect(same(copied, x.slice().reverse())).toBe(true);
      expect(backend.device.launches).toBe(launches);
      const layout = { outer: 3, length: 4, inner: 5 };
      const indices = Int32Array.from([2, 0, 2, 3, 3, 3]);
      const gathered = new Float32Array(90);
      const gatheredOnCpu = new Float32Array(90);
      k.gather(x, layout, indices, gathered);
      cpuKernels.gather(x, layout, indices, gatheredOnCpu);
      expect(same(gathered, gatheredOnCpu)).toBe(true);
      // distinct indices into −0 place values exactly (how concat and stack use it; rows no index
      // reaches stay −0); repeated indices into data accumulate (rounded once on some devices)
      const placed = new Float32Array(60).fill(-0);
      const placedOnCpu = placed.slice();
      const distinct = Int32Array.from([3, 1]);
      k.scatterAdd(seeded(30, 8), layout, distinct, placed);
      cpuKernels.scatterAdd(seeded(30, 8), layout, distinct, placedOnCpu);
      expect(same(placed, placedOnCpu)).toBe(true);
      const summed = seeded(60, 9);
      const summedOnCpu = summed.slice();
      k.scatterAdd(seeded(90, 8), layout, indices, summed);
      cpuKernels.scatterAdd(seeded(90, 8), layout, indices, summedOnCpu);
      expect(worstRatio(summed, summedOnCpu, limits)).toBeLessThanOrEqual(1);
      expect(['gather', 'scatterAdd'].map((name) => backend.fallbacks.get(name) ?? 0)).toEqual(before);
    });
    it('gemm matches the CPU kernel with transposes, offsets, leading dimensions, alpha and beta', () => {
      const m = 5, n = 7, depth = 9;
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const lda = (transA ? m : depth) + 2;
          const ldb = (transB ? depth : n) + 1;
          const ldc = n + 3;
          const args: GemmArgs = {
            transA, transB, m, n, k: depth, alpha: 0.75, beta: 0.5,
            a: seeded(3 + lda * (transA ? depth : m), 4), aOffset: 3, lda,
            b: seeded(2 + ldb * (transB ? n : depth), 5), bOffset: 2, ldb,
            c: seeded(1 + ldc * m, 6), cOffset: 1, ldc,
          };
          const expected = { ...args, c: args.c.slice() };
          k.gemm(args);
          cpuKernels.gemm(expected);
          expect(worstRatio(args.c as Float32Array, expected.c as Float32Array, limits)).toBeLessThanOrEqual(1);
        }
      }
    });
    it('reductions and softmax match the CPU kernels', () => {
      const layout = { outer: 3, length: 4, inner: 5 };
      for (const op of reduceOps) {
        const input = op === 'prod' ? seeded(60, 7, 0.5, 1.5) : x;
        const actual = new Float32Array(15);
        const expected = new Float32Array(15);
        k.reduce(op, input, layout, actual);
        cpuKernels.reduce(op, input, layout, expected);
        expect(`${op} ${worstRatio(actual, expected, limits) <= 1}`).toBe(`${op} true`);
      }
      for (const log of [false, true]) {
        const actual = new Float32Array(60);
        const expected = new Float32Array(60);
        k.softmax(x, layout, log, actual);
        cpuKernels.softmax(x, layout, log, expected);
        expect(worstRatio(actual, expected, limits)).toBeLessThanOrEqual(1);
      }
    });
    it('float64 and int32 data, and kernels not on the device, fall back to the CPU and are counted', () => {
      const before = backend.fallbacks.get('unary') ?? 0;
      const doubles = new Float64Array([1, -2, 3]);
      const out = new Float64Array(3);
      k.unary('abs', doubles, out);
      expect(Array.from(out).join()).toBe('1,2,3');
      expect(backend.fallbacks.get('unary')).toBe(before + 1);
      const cumulative = new Float32Array(3);
      k.cumsum(new Float32Array([1, 2, 3]), { outer: 1, length: 3, inner: 1 }, cumulative);
      expect(Array.from(cumulative).join()).toBe('1,3,6');
      expect((backend.fallbacks.get('cumsum') ?? 0) >= 1).toBe(true);
    });
  });
}
