import { describe, expect, it } from 'vitest';
import { createCpuBackend, gemmReference, type Backend, type KernelTable } from '@recurrent/tensor';
import { CaseContext, compareAll, conformanceCases } from '@recurrent/tensor/testing';
import { createNativeBackend } from '../src/index.js';

// The checks the native backend passes are able to fail: the same conformance cases on the native
// backend with one kernel deliberately wrong report a disagreement.
// the suite's own reference (plain loops, gemmReference) and tolerance rule
const reference = createCpuBackend({ name: 'cpu-reference', kernels: { gemm: gemmReference } });
const native = createNativeBackend({ threads: 1 });
const tolerance = { absolute: 1e-6, relative: 1e-5 };

function problems(backend: Backend, kernel: string): string[] {
  const found: string[] = [];
  conformanceCases.forEach((testCase, seed) => {
    if (testCase.kernel !== kernel) return;
    const expected = [testCase.run(new CaseContext(reference, seed))].flat();
    const actual = [testCase.run(new CaseContext(backend, seed))].flat();
    const scale = testCase.toleranceScale ?? 1;
    const problem = compareAll(actual, expected, { absolute: tolerance.absolute * scale, relative: tolerance.relative * scale });
    if (problem) found.push(`${testCase.name}: ${problem}`);
  });
  return found;
}

const withKernels = (kernels: Partial<KernelTable>): Backend => ({ ...native, name: 'native-broken', kernels: { ...native.kernels, ...kernels } });

describe('a wrong native kernel fails the conformance cases', () => {
  it('the native kernels as they are pass them', () => {
    expect(problems(native, 'gemm')).toEqual([]);
    expect(problems(native, 'unary')).toEqual([]);
  });
  it('a gemm off by 0.1% in alpha fails', () => {
    const broken = withKernels({ gemm: (args) => native.kernels.gemm({ ...args, alpha: args.alpha * 1.001 }) });
    expect(problems(broken, 'gemm').length).toBeGreaterThan(0);
  });
  it('a tanh that runs the logistic function fails', () => {
    const broken = withKernels({ unary: (op, x, out) => native.kernels.unary(op === 'tanh' ? 'sigmoid' : op, x, out) });
    expect(problems(broken, 'unary').join('\n')).toContain('tanh');
  });
});
