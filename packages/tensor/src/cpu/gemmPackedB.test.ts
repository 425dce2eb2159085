import { describe, expect, it } from 'vitest';
import type { GemmArgs, PackBArgs } from '../backend.js';
import { Generator } from '../random.js';
import { cpuKernels } from './cpuBackend.js';
import { gemm, packB, packBOn } from './gemm.js';
import { createWasmGemm, type WasmGemm } from './gemmWasm.js';

const random = (generator: Generator, size: number) => Float32Array.from({ length: size }, () => generator.uniformIn(-1, 1));

/** A step-like product `C ← A·op(B) + beta·C` with B stored at an offset and a padded row stride. */
function stepArgs(generator: Generator, m: number, n: number, k: number, transB: boolean, b: Float32Array, beta = 1): GemmArgs {
  return {
    transA: false, transB, m, n, k, alpha: 1, a: random(generator, m * k), aOffset: 0, lda: k,
    b, bOffset: 3, ldb: (transB ? k : n) + 2, beta, c: random(generator, m * n), cOffset: 0, ldc: n,
  };
}

const bFor = (generator: Generator, k: number, n: number, transB: boolean) => random(generator, 3 + (transB ? n * (k + 2) : k * (n + 2)));
const packArgs = (args: GemmArgs): PackBArgs => ({ transB: args.transB, k: args.k, n: args.n, b: args.b, bOffset: args.bOffset, ldb: args.ldb });

function unpacked(run: (args: GemmArgs) => void, args: GemmArgs): Float32Array {
  const copy = { ...args, c: args.c.slice() };
  run(copy);
  return copy.c as Float32Array;
}

const gemms: [string, WasmGemm][] = [
  ['default blocks', createWasmGemm()!],
  // several column tiles, several blocks of k and row blocks on small matrices
  ['tiny blocks', createWasmGemm({ depth: 8, rows: 8, columns: 16, tileFloats: 64 })!],
];

describe.each(gemms)('WasmGemm.packB (%s)', (_, fast) => {
  it.each([false, true])('products reading the packed B equal those that pack it (bit for bit), transB %s', (transB) => {
    const generator = new Generator(31);
    for (const [m, n, k] of [[1, 1, 1], [4, 37, 19], [9, 64, 40], [32, 100, 70], [3, 5, 300]]) {
      const b = bFor(generator, k, n, transB);
      const packed = fast.packB(packArgs(stepArgs(generator, m, n, k, transB, b)));
      expect(packed).not.toBeNull();
      for (let step = 0; step < 3; step++) {
        const args = stepArgs(generator, m, n, k, transB, b, step === 0 ? 0 : 1);
        const want = unpacked((a) => fast.gemm(a), args);
        fast.gemm({ ...args, packedB: packed });
        expect(args.c).toEqual(want);
      }
      packed!.release();
    }
  });

  it('keeps several packed operands at once, released in any order, and reuses the memory', () => {
    const generator = new Generator(32);
    const [m, n, k] = [8, 48, 24];
    const first = bFor(generator, k, n, true);
    const second = bFor(generator, k, n, false);
    const packedFirst = fast.packB(packArgs(stepArgs(generator, m, n, k, true, first)))!;
    const packedSecond = fast.packB(packArgs(stepArgs(generator, m, n, k, false, second)))!;
    const check = () => {
      const a = stepArgs(generator, m, n, k, true, first);
      const wantA = unpacked((x) => fast.gemm(x), a);
      fast.gemm({ ...a, packedB: packedFirst });
      expect(a.c).toEqual(wantA);
      const b = stepArgs(generator, m, n, k, false, second);
      const wantB = unpacked((x) => fast.gemm(x), b);
      fast.gemm({ ...b, packedB: packedSecond });
      expect(b.c).toEqual(wantB);
    };
    check();
    // releasing the older one first keeps the newer one valid
    packedFirst.release();
    packedFirst.release();
    const args = stepArgs(generator, m, n, k, false, second);
    const want = unpacked((x) => fast.gemm(x), args);
    fast.gemm({ ...args, packedB: packedSecond });
    expect(args.c).toEqual(want);
    packedSecond.release();
    // a new pack after both releases starts where the first one did: memory does not grow
    const bytes = fast.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) fast.packB(packArgs(stepArgs(generator, m, n, k, true, first)))!.release();
    expect(fast.memory.buffer.byteLength).toBe(bytes);
  });

  it('ignores a handle that does not fit the call: released, other offset, other k, another gemm', () => {
    const generator = new Generator(33);
    const [m, n, k] = [6, 40, 30];
    const b = bFor(generator, k, n, true);
    const packed = fast.packB(packArgs(stepArgs(generator, m, n, k, true, b)))!;
    const other = gemms.find(([, g]) => g !== fast)![1].packB(packArgs(stepArgs(generator, m, n, k, true, b)))!;
    const cases: GemmArgs[] = [
      { ...stepArgs(generator, m, n, k, true, b), bOffset: 2 },
      { ...stepArgs(generator, m, n, k - 1, true, b), lda: k - 1 },
      { ...stepArgs(generator, m, n, k, true, b.slice()) },
    ];
    for (const args of cases) {
      const want = unpacked((x) => fast.gemm(x), args);
      fast.gemm({ ...args, packedB: packed });
      expect(args.c).toEqual(want);
    }
    const args = stepArgs(generator, m, n, k, true, b);
    const want = unpacked((x) => fast.gemm(x), args);
    fast.gemm({ ...args, packedB: other });
    expect(args.c).toEqual(want);
    other.release();
    packed.release();
    // after release, a changed b is read again
    b.fill(0.5);
    const after = stepArgs(generator, m, n, k, true, b);
    const wantAfter = unpacked((x) => fast.gemm(x), after);
    fast.gemm({ ...after, packedB: packed });
    expect(after.c).toEqual(wantAfter);
  });
});

describe('packB', () => {
  it('is the CPU backend kernel; float64 operands and empty ones are not packed', () => {
    expect(cpuKernels.packB).toBe(packB);
    expect(packB({ transB: false, k: 2, n: 2, b: new Float64Array(4), bOffset: 0, ldb: 2 })).toBeNull();
    expect(packB({ transB: false, k: 0, n: 2, b: new Float32Array(0), bOffset: 0, ldb: 2 })).toBeNull();
    expect(packBOn(null, { transB: false, k: 2, n: 2, b: new Float32Array(4), bOffset: 0, ldb: 2 })).toBeNull();
  });

  it('checks sizes and bounds like gemm', () => {
    const b = new Float32Array(12);
    expect(() => packB({ transB: false, k: -1, n: 3, b, bOffset: 0, ldb: 3 })).toThrow('packB: expected k a non-negative integer, got -1');
    expect(() => packB({ transB: true, k: 4, n: 3, b, bOffset: 0, ldb: 3 })).toThrow('packB: expected ldb ≥ 4 (columns of the stored B), got ldb 3');
    expect(() => packB({ transB: false, k: 4, n: 3, b, bOffset: 1, ldb: 3 })).toThrow('packB: expected B [4, 3] (ldb 3, offset 1) inside its array of 12, got an end at 13');
  });

  it('gemm with a packed W_hh over a whole "sequence" gives the same states as without', () => {
    const generator = new Generator(34);
    const [batch, hidden, steps] = [5, 24, 6];
    const weight = random(generator, 4 * hidden * hidden);
    const run = (packed: boolean) => {
      const h = new Float32Array(batch * hidden).fill(0.1);
      const gates = new Float32Array(batch * 4 * hidden);
      const handle = packed ? packB({ transB: true, k: hidden, n: 4 * hidden, b: weight, bOffset: 0, ldb: hidden }) : null;
      try {
        for (let t = 0; t < steps; t++) {
          gemm({ transA: false, transB: true, m: batch, n: 4 * hidden, k: hidden, alpha: 1, a: h, aOffset: 0, lda: hidden,
            b: weight, bOffset: 0, ldb: hidden, beta: 0, c: gates, cOffset: 0, ldc: 4 * hidden, packedB: handle });
          for (let r = 0; r < batch; r++) for (let j = 0; j < hidden; j++) h[r * hidden + j] = Math.tanh(gates[r * 4 * hidden + j]);
        }
      } finally {
        handle?.release();
      }
      return h;
    };
    expect(run(true)).toEqual(run(false));
  });
});
