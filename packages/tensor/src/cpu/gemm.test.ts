import { describe, expect, it } from 'vitest';
import type { GemmArgs } from '../backend.js';
import { Generator } from '../random.js';
import { cpuKernels } from './cpuBackend.js';
import { checkGemmArgs, gemm, gemmOn, hasWasmGemm } from './gemm.js';
import { gemmBlocked } from './gemmBlocked.js';
import { gemmReference } from './gemmReference.js';
import { createWasmGemm } from './gemmWasm.js';
import { hasFusedGemm } from '../wasm/gemmKernelModule.js';

type Gemm = (args: GemmArgs) => void;
type FloatArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

interface Case {
  m: number; n: number; k: number; transA: boolean; transB: boolean;
  alpha?: number; beta?: number;
  /** Extra columns of each stored matrix (leading dimension past the matrix) and leading offsets. */
  pad?: number; offset?: number;
}

const sentinel = 7.25;

/** A gemm call on random arrays, each with `offset` leading and `pad` trailing columns of sentinels. */
function makeArgs(generator: Generator, spec: Case, type: FloatArrayConstructor = Float32Array): GemmArgs {
  const { m, n, k, transA, transB, pad = 0, offset = 0 } = spec;
  const matrix = (rows: number, columns: number, random: boolean) => {
    const ld = columns + pad;
    const data = new type(offset + rows * ld + pad).fill(sentinel);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < columns; j++) data[offset + r * ld + j] = random ? generator.uniformIn(-1, 1) : sentinel;
    }
    return { data, ld };
  };
  const a = matrix(transA ? k : m, transA ? m : k, true);
  const b = matrix(transB ? n : k, transB ? k : n, true);
  const c = matrix(m, n, true);
  return {
    transA, transB, m, n, k, alpha: spec.alpha ?? 1, beta: spec.beta ?? 0,
    a: a.data, aOffset: offset, lda: a.ld, b: b.data, bOffset: offset, ldb: b.ld, c: c.data, cOffset: offset, ldc: c.ld,
  };
}

const toFloat64 = (x: Float32Array | Float64Array) => Float64Array.from(x);
const absolute = (x: Float32Array | Float64Array) => Float64Array.from(x, Math.abs);

/**
 * Runs `run` and the float64 reference on copies of `args`, and checks every element of C against
 * the reference within `relative` of the magnitude of its sum, Σ|alpha·a·b| + |beta·c|.
 * Elements of C outside the m × n block must keep their value.
 */
function expectMatchesReference(run: Gemm, args: GemmArgs, relative: number): void {
  const want = { ...args, a: toFloat64(args.a), b: toFloat64(args.b), c: toFloat64(args.c) };
  gemmReference(want);
  const bound = { ...args, alpha: Math.abs(args.alpha), beta: Math.abs(args.beta), a: absolute(args.a), b: absolute(args.b), c: absolute(args.c) };
  gemmReference(bound);
  const got = { ...args, c: args.c.slice() };
  run(got);
  for (let index = 0; index < got.c.length; index++) {
    const expected = want.c[index];
    const actual = got.c[index];
    if (Number.isNaN(expected) || !Number.isFinite(expected)) {
      expect(actual, `C[${index}]`).toBe(expected);
    } else if (Math.abs(actual - expected) > relative * bound.c[index] + 1e-30) {
      expect.fail(`C[${index}] = ${actual}, expected ${expected} (magnitude ${bound.c[index]}, ${JSON.stringify({ ...args, a: 0, b: 0, c: 0 })})`);
    }
  }
}

describe('which kernel runs', () => {
  it('the fused (relaxed SIMD) one in the browser (chromium ships relaxed SIMD), the plain one in Node 20 without its flag', () => {
    const browser = typeof navigator !== 'undefined' && typeof process === 'undefined';
    const nodeWithRelaxedSimd = !browser && (process.execArgv.includes('--experimental-wasm-relaxed-simd') || Number(process.versions.node.split('.')[0]) > 21);
    expect(hasFusedGemm()).toBe(browser || nodeWithRelaxedSimd);
  });
});

const wasm = createWasmGemm();
// Tiny blocks reach every tiling edge (several blocks of k, rows, column tiles, row tiles) on small matrices.
const wasmTiny = createWasmGemm({ depth: 8, rows: 8, columns: 16, tileFloats: 64 });

const float32Gemms: [string, Gemm][] = [
  ['gemm', gemm],
  ['gemmBlocked', gemmBlocked],
  ...(wasm && wasmTiny ? [['WasmGemm', (args: GemmArgs) => wasm.gemm(args)], ['WasmGemm, tiny blocks', (args: GemmArgs) => wasmTiny.gemm(args)]] as [string, Gemm][] : []),
];

const shapes: [number, number, number][] = [
  [1, 1, 1], [17, 33, 5], [5, 17, 33], [33, 5, 17], [1, 40, 70], [40, 1, 70], [64, 64, 64], [70, 130, 300], [3, 200, 2],
];
const transposes = [[false, false], [false, true], [true, false], [true, true]] as const;

describe.each(float32Gemms)('%s (float32) against the plain-loop reference', (_, run) => {
  it.each(transposes)('random shapes, transA %s, transB %s', (transA, transB) => {
    const generator = new Generator(11);
    for (const [m, n, k] of shapes) expectMatchesReference(run, makeArgs(generator, { m, n, k, transA, transB }), 2e-6);
  });

  it.each(transposes)('offsets and leading dimensions past the matrix, alpha and beta, transA %s, transB %s', (transA, transB) => {
    const generator = new Generator(12);
    for (const [alpha, beta] of [[1, 1], [2.5, 0], [-0.5, 0.75], [1, -1], [0.25, 1]]) {
      for (const [m, n, k] of [[9, 13, 21], [20, 19, 18]]) {
        expectMatchesReference(run, makeArgs(generator, { m, n, k, transA, transB, alpha, beta, pad: 3, offset: 5 }), 2e-6);
      }
    }
  });

  it('beta = 0 overwrites C: NaN and Inf already in C do not leak into the result', () => {
    for (const [transA, transB] of transposes) {
      const args = makeArgs(new Generator(13), { m: 10, n: 12, k: 7, transA, transB });
      args.c.fill(Number.NaN, 0, args.c.length / 2).fill(Number.POSITIVE_INFINITY, args.c.length / 2);
      const copy = { ...args, c: args.c.slice() };
      run(copy);
      for (let i = 0; i < args.m * args.n; i++) expect(Number.isFinite(copy.c[i])).toBe(true);
      expectMatchesReference(run, args, 2e-6);
    }
  });

  it('k = 0 and alpha = 0 scale C by beta; m = 0 or n = 0 touch nothing', () => {
    const generator = new Generator(14);
    for (const [transA, transB] of transposes) {
      for (const beta of [0, 1, -2]) {
        expectMatchesReference(run, makeArgs(generator, { m: 6, n: 9, k: 0, transA, transB, beta, pad: 2, offset: 1 }), 0);
        const args = makeArgs(generator, { m: 6, n: 9, k: 4, transA, transB, beta, alpha: 0 });
        args.a[0] = Number.NaN; // alpha = 0 ignores A and B, as BLAS does
        expectMatchesReference(run, args, 0);
      }
      for (const [m, n] of [[0, 5], [5, 0]]) {
        const args = makeArgs(generator, { m, n, k: 3, transA, transB, beta: 0 });
        const before = args.c.slice();
        run(args);
        expect(args.c).toEqual(before);
      }
    }
  });

  it('propagates NaN and Inf as IEEE says (0·Inf = NaN)', () => {
    for (const [transA, transB] of transposes) {
      const args = makeArgs(new Generator(15), { m: 9, n: 11, k: 13, transA, transB, beta: 1 });
      const setA = (i: number, p: number, value: number) => { args.a[transA ? p * args.lda + i : i * args.lda + p] = value; };
      const setB = (p: number, j: number, value: number) => { args.b[transB ? j * args.ldb + p : p * args.ldb + j] = value; };
      setA(2, 4, Number.POSITIVE_INFINITY); // row 2 of C: +Inf·b, and NaN where b is 0
      setB(4, 3, 0);
      setA(5, 1, Number.NaN); // row 5 of C: NaN everywhere
      setB(7, 8, Number.NEGATIVE_INFINITY); // column 8: -Inf·a
      args.c[0] = Number.NaN; // beta = 1 keeps NaN from C
      expectMatchesReference(run, args, 2e-6);
      run(args);
      expect(args.c[2 * args.ldc + 3]).toBeNaN();
      expect(args.c[5 * args.ldc + 6]).toBeNaN();
      expect(args.c[0]).toBeNaN();
    }
  });
});

describe('float64 and mixed dtypes run in TypeScript with float64 accuracy', () => {
  it.each([['gemm', gemm], ['gemmBlocked', gemmBlocked]] as [string, Gemm][])('%s', (_, run) => {
    const generator = new Generator(16);
    for (const [transA, transB] of transposes) {
      for (const [m, n, k] of [[1, 1, 1], [17, 33, 5], [70, 300, 130]]) {
        expectMatchesReference(run, makeArgs(generator, { m, n, k, transA, transB, alpha: 1.5, beta: 0.5, pad: 1, offset: 2 }, Float64Array), 1e-13);
      }
    }
    const mixed = makeArgs(generator, { m: 20, n: 30, k: 40, transA: false, transB: true });
    mixed.c = Float64Array.from(mixed.c);
    expectMatchesReference(run, mixed, 2e-6);
  });
});

describe('gemm', () => {
  it('is the CPU backend kernel, and this runtime has WebAssembly SIMD', () => {
    expect(cpuKernels.gemm).toBe(gemm);
    expect(hasWasmGemm()).toBe(true);
  });

  it('runs float32 in TypeScript where WebAssembly SIMD is missing', () => {
    const generator = new Generator(19);
    for (const [transA, transB] of transposes) {
      expectMatchesReference((args) => gemmOn(null, args), makeArgs(generator, { m: 30, n: 40, k: 50, transA, transB, beta: 0.5 }), 2e-6);
    }
  });

  it('accumulates over several blocks of k (k = 600) and large n, every transpose case', () => {
    const generator = new Generator(17);
    for (const [transA, transB] of transposes) {
      expectMatchesReference(gemm, makeArgs(generator, { m: 12, n: 520, k: 600, transA, transB, beta: 1 }), 2e-6);
    }
  });

  it('checks sizes, leading dimensions and array bounds', () => {
    const args = makeArgs(new Generator(18), { m: 4, n: 5, k: 6, transA: false, transB: false });
    const bad = (change: Partial<GemmArgs>) => () => checkGemmArgs({ ...args, ...change });
    expect(bad({ m: -1 })).toThrow('gemm: expected m a non-negative integer, got -1');
    expect(bad({ k: 1.5 })).toThrow('gemm: expected k a non-negative integer, got 1.5');
    expect(bad({ lda: 5 })).toThrow('gemm: expected lda ≥ 6 (columns of the stored A), got lda 5');
    expect(bad({ transB: true, ldb: 5 })).toThrow('gemm: expected ldb ≥ 6 (columns of the stored B), got ldb 5');
    expect(bad({ cOffset: 1 })).toThrow('gemm: expected C [4, 5] (ldc 5, offset 1) inside its array of 20, got an end at 21');
    expect(bad({ aOffset: -2 })).toThrow('gemm: expected A offset a non-negative integer, got -2');
    expect(() => gemm({ ...args, b: new Float32Array(29) })).toThrow('gemm: expected B [6, 5] (ldb 5, offset 0) inside its array of 29, got an end at 30');
    expect(bad({ m: 0, c: new Float32Array(0) })).not.toThrow();
  });
});
