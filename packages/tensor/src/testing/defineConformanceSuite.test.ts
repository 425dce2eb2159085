import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend.js';
import { cpu, cpuKernels, createCpuBackend } from '../cpu/cpuBackend.js';
import { gemmReference } from '../cpu/gemmReference.js';
import { compareAll, conformanceCases, defineConformanceSuite } from './index.js';
import { tensor } from '../ops/creation.js';

defineConformanceSuite(cpu, { describe, it, expect });
defineConformanceSuite(createCpuBackend({ name: 'cpu-gemmReference', kernels: { gemm: gemmReference } }), { describe, it, expect });

describe('the conformance suite itself', () => {
  it('has cases for every kernel of the table', () => {
    const covered = new Set(conformanceCases.map((c) => c.kernel));
    expect([...covered].sort()).toEqual(Object.keys(cpuKernels).sort());
  });

  it('catches a backend whose kernel is wrong', () => {
    const broken: Backend = createCpuBackend({
      name: 'broken',
      kernels: { unary: (op, x, out) => { cpuKernels.unary(op, x, out); if (op === 'tanh' && out.length > 3) out[3] += 1e-3; } },
    });
    const failures: string[] = [];
    defineConformanceSuite(broken, {
      describe: (_name, body) => body(),
      it: (name, body) => { try { body(); } catch { failures.push(name); } },
      expect: (actual) => ({ toBe: (expected) => { if (actual !== expected) throw new Error(String(actual)); } }),
    });
    expect(failures).toContain('tanh on IEEE special values and normal samples');
    expect(failures.every((name) => name.includes('tanh'))).toBe(true);
  });

  it('describes the first disagreement', () => {
    const e = tensor([1, NaN]);
    expect(compareAll([tensor([1, 2])], [e], { absolute: 0, relative: 0 })).toBe('result 0 [2]: at flat index 1 expected NaN, got 2');
    expect(compareAll([tensor([1])], [e], { absolute: 0, relative: 0 })).toBe('result 0: expected shape [2], got [1]');
  });
});
