import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { GemmArgs } from '../backend.js';
import { Generator } from '../random.js';
import { createCpuBackend } from './cpuBackend.js';
import { gemmReference } from './gemmReference.js';
import { createThreadedGemm } from './gemmThreaded.js';

function randomArgs(generator: Generator, m: number, n: number, k: number, transA: boolean, transB: boolean, beta = 0): GemmArgs {
  const random = (size: number) => Float32Array.from({ length: size }, () => generator.uniformIn(-1, 1));
  return {
    transA, transB, m, n, k, alpha: 1.25, a: random(m * k), aOffset: 0, lda: transA ? m : k,
    b: random(k * n), bOffset: 0, ldb: transB ? k : n, beta, c: random(m * n), cOffset: 0, ldc: n,
  };
}

/** Max |got − want| over C, relative to the largest |want|, against the float64 reference. */
function relativeError(run: (args: GemmArgs) => void, args: GemmArgs): number {
  const want = { ...args, a: Float64Array.from(args.a), b: Float64Array.from(args.b), c: Float64Array.from(args.c) };
  gemmReference(want);
  const got = { ...args, c: args.c.slice() };
  run(got);
  let error = 0;
  let scale = 0;
  for (let i = 0; i < want.c.length; i++) {
    error = Math.max(error, Math.abs(got.c[i] - want.c[i]));
    scale = Math.max(scale, Math.abs(want.c[i]));
  }
  return error / scale;
}

describe('createThreadedGemm', async () => {
  const threaded = await createThreadedGemm({ threads: 2 });
  afterAll(() => threaded.dispose());

  it('starts a worker and matches the reference, split by columns and by rows, every transpose case', () => {
    expect(threaded.threads).toBe(2);
    const generator = new Generator(21);
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        // [96 × 200]: split by columns; [520 × 24]: split by rows; [13 × 1030] with k over two blocks.
        for (const [m, n, k, beta, split] of [[96, 200, 70, 0, true], [520, 24, 256, 0.5, true], [13, 1030, 300, 1, true], [3, 5, 7, 0, false]] as const) {
          const before = threaded.splits;
          expect(relativeError(threaded.gemm, randomArgs(generator, m, n, k, transA, transB, beta))).toBeLessThan(1e-5);
          expect(threaded.splits > before).toBe(split);
        }
      }
    }
  });

  it('runs float64 products on the calling thread, and checks its arguments', () => {
    const generator = new Generator(22);
    const args = randomArgs(generator, 20, 30, 40, true, false, 0.5);
    const float64 = { ...args, a: Float64Array.from(args.a), b: Float64Array.from(args.b), c: Float64Array.from(args.c) };
    expect(relativeError(threaded.gemm, float64)).toBeLessThan(1e-13);
    expect(() => threaded.gemm({ ...args, lda: 3 })).toThrow('gemm: expected lda ≥ 20 (columns of the stored A), got lda 3');
  });

  it('plugs into a CPU backend', () => {
    const backend = createCpuBackend({ kernels: threaded.kernels, name: 'cpu-2-threads' });
    expect(backend.kernels.packB).toBe(threaded.packB);
    expect(relativeError(backend.kernels.gemm, randomArgs(new Generator(23), 64, 128, 96, false, true))).toBeLessThan(1e-5);
  });

  it('splits products that read a packed B between threads, with the same result as packing each time', () => {
    const generator = new Generator(25);
    for (const transB of [false, true]) {
      // a recurrent step: batch 32, W_hh of [4·256, 256] packed once, used at several steps
      const template = randomArgs(generator, 32, 1024, 256, false, transB, 1);
      const packed = threaded.packB({ transB, k: 256, n: 1024, b: template.b, bOffset: 0, ldb: template.ldb })!;
      expect(packed).not.toBeNull();
      for (let step = 0; step < 3; step++) {
        const args = { ...randomArgs(generator, 32, 1024, 256, false, transB, 1), b: template.b };
        const want = { ...args, c: args.c.slice() };
        threaded.gemm(want);
        const before = threaded.splits;
        threaded.gemm({ ...args, packedB: packed });
        expect(threaded.splits).toBeGreaterThan(before);
        expect(args.c).toEqual(want.c);
      }
      packed.release();
    }
  });

  it('with threads: 1 runs on the calling thread; rejects a bad thread count; refuses work after dispose()', async () => {
    const single = await createThreadedGemm({ threads: 1 });
    expect(single.threads).toBe(1);
    expect(relativeError(single.gemm, randomArgs(new Generator(24), 40, 50, 60, false, false))).toBeLessThan(1e-5);
    single.dispose();
    expect(() => single.gemm(randomArgs(new Generator(24), 2, 2, 2, false, false))).toThrow('ThreadedGemm: expected a live gemm, got one used after dispose()');
    await expect(createThreadedGemm({ threads: 0 })).rejects.toThrow('createThreadedGemm: expected threads an integer from 1 to 16, got 0');
    const disposable = await createThreadedGemm({ threads: 2 });
    disposable.dispose();
    expect(() => disposable.gemm(randomArgs(new Generator(25), 2, 2, 2, false, false))).toThrow('ThreadedGemm: expected a live gemm, got one used after dispose()');
  });

  it('lets a Node process exit without dispose()', () => {
    const folder = mkdtempSync(join(tmpdir(), 'recurrent-gemm-'));
    const script = join(folder, 'exit.mts');
    const module = fileURLToPath(new URL('./gemmThreaded.ts', import.meta.url));
    writeFileSync(script, [
      `import { createThreadedGemm } from ${JSON.stringify(module)};`,
      'const threaded = await createThreadedGemm({ threads: 2 });',
      'const size = 256;',
      'const a = new Float32Array(size * size).fill(1);',
      'const c = new Float32Array(size * size);',
      'threaded.gemm({ transA: false, transB: false, m: size, n: size, k: size, alpha: 1, a, aOffset: 0, lda: size, b: a, bOffset: 0, ldb: size, beta: 0, c, cOffset: 0, ldc: size });',
      'console.log(threaded.threads, c[0], c[size * size - 1]);',
    ].join('\n'));
    try {
      const result = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8', timeout: 45_000 });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('2 256 256');
      expect(result.status).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
