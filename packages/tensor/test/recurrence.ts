// Test helpers for the recurrence kernels: workspaces on their own CPU backend and closeness checks.
import { expect } from 'vitest';
import { createCpuBackend } from '../src/cpu/cpuBackend.js';
import { RecurrentWorkspace } from '../src/recurrence/workspace.js';

/** A fresh workspace on its own CPU backend, with the WebAssembly gate kernels or the scalar loops. */
export function testWorkspace(gateKernels = true): RecurrentWorkspace {
  return new RecurrentWorkspace(createCpuBackend(), gateKernels);
}

/** Expects every element within `atol + rtol·|expected|`. */
export function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= atol + rtol * Math.abs(expected[i]))) {
      expect.fail(`${label}[${i}]: got ${actual[i]}, expected ${expected[i]} (error ${error})`);
    }
  }
}
