import type { Backend } from '../backend.js';
import type { DType } from '../dtype.js';
import { createCpuBackend } from '../cpu/cpuBackend.js';
import { gemmReference } from '../cpu/gemmReference.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { ConformanceCase } from './conformanceCase.js';
import { CaseContext } from './context.js';
import { elementwiseCases } from './elementwiseCases.js';
import { gemmCases } from './gemmCases.js';
import { structureCases } from './structureCases.js';

/** The parts of a test framework the suite needs: vitest's, jest's or mocha + chai's fit. */
export interface ConformanceHarness {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void): void;
  expect(actual: unknown): { toBe(expected: unknown): void };
}

/** How close the tested backend must come to the CPU reference. */
export interface ConformanceOptions {
  /** `|actual − expected| ≤ absolute + relative·|expected|`; non-finite values must match exactly.
   * Default `{ absolute: 1e-6, relative: 1e-5 }`. */
  tolerance?: { absolute: number; relative: number };
  /** Dtypes the backend supports (default all three); cases that need another are skipped. */
  dtypes?: readonly DType[];
}

/** Every conformance case, grouped by the kernel it exercises. */
export const conformanceCases: readonly ConformanceCase[] = [...elementwiseCases, ...structureCases, ...gemmCases];

/**
 * Registers one test per conformance case: each runs the case's ops on `backend` and on the CPU
 * reference backend (plain loops, `gemmReference`) with the same inputs and compares the results
 * (shape, dtype, values within the tolerance; NaN and ±∞ exactly). It does not import a test
 * framework: pass yours, so it runs in Node and in browser test runs alike.
 *
 * @example
 * import { describe, expect, it } from 'vitest';
 * import { defineConformanceSuite } from '@recurrent/tensor/testing';
 * defineConformanceSuite(myBackend, { describe, it, expect }, { tolerance: { absolute: 1e-5, relative: 1e-4 } });
 */
export function defineConformanceSuite(backend: Backend, harness: ConformanceHarness, options: ConformanceOptions = {}): void {
  const tolerance = options.tolerance ?? { absolute: 1e-6, relative: 1e-5 };
  const dtypes = options.dtypes ?? ['float32', 'float64', 'int32'];
  const reference = createCpuBackend({ name: 'cpu-reference', kernels: { gemm: gemmReference } });
  const kernels = [...new Set(conformanceCases.map((c) => c.kernel))];
  harness.describe(`conformance of backend ${backend.name}`, () => {
    harness.it('allocate gives zero-filled storage of each dtype and counts it', () => {
      const expectedTypes = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;
      const problems: string[] = [];
      for (const dtype of dtypes) {
        const before = backend.stats.allocated;
        const data = backend.allocate(dtype, 5);
        if (!(data instanceof expectedTypes[dtype]) || data.length !== 5 || data.some((v) => v !== 0)) {
          problems.push(`allocate('${dtype}', 5) gave ${Object.prototype.toString.call(data)} of length ${data.length}`);
        }
        if (backend.stats.allocated !== before + 1) problems.push(`allocate('${dtype}') did not count the buffer`);
      }
      harness.expect(problems.join('; ') || null).toBe(null);
    });
    for (const kernel of kernels) {
      harness.describe(kernel, () => {
        conformanceCases.forEach((testCase, seed) => {
          if (testCase.kernel !== kernel || !(testCase.dtypes ?? []).every((d) => dtypes.includes(d))) return;
          harness.it(testCase.name, () => {
            const expected = [testCase.run(new CaseContext(reference, seed))].flat();
            const actual = [testCase.run(new CaseContext(backend, seed))].flat();
            const scale = testCase.toleranceScale ?? 1;
            const problem = compareAll(actual, expected, { absolute: tolerance.absolute * scale, relative: tolerance.relative * scale });
            harness.expect(problem).toBe(null);
          });
        });
      });
    }
  });
}

/** The first disagreement between two lists of results, in words, or null. */
export function compareAll(actual: Tensor[], expected: Tensor[], tolerance: { absolute: number; relative: number }): string | null {
  if (actual.length !== expected.length) return `expected ${expected.length} results, got ${actual.length}`;
  for (let r = 0; r < expected.length; r++) {
    const a = actual[r];
    const e = expected[r];
    const label = `result ${r}`;
    if (a.dtype !== e.dtype) return `${label}: expected dtype ${e.dtype}, got ${a.dtype}`;
    if (formatShape(a.shape) !== formatShape(e.shape)) return `${label}: expected shape ${formatShape(e.shape)}, got ${formatShape(a.shape)}`;
    for (let i = 0; i < e.size; i++) {
      const x = a.data[i];
      const y = e.data[i];
      const ok = Number.isFinite(y)
        ? Math.abs(x - y) <= tolerance.absolute + tolerance.relative * Math.abs(y)
        : x === y || (Number.isNaN(x) && Number.isNaN(y));
      if (!ok) return `${label} ${formatShape(e.shape)}: at flat index ${i} expected ${y}, got ${x}`;
    }
  }
  return null;
}
