// Test helpers for the built-in cells: leaf variables for weight blocks (so the composed-op
// twins need no slicing op), closeness checks and central finite differences.
import { type Tensor, Generator, tensor, uniform } from '@recurrent/tensor';
import { Variable, noGrad } from '@recurrent/autograd';
import { expect } from 'vitest';

/** `count` leaf variables holding consecutive row blocks of `value` (gate blocks). */
export function leafBlocks(value: Tensor, count: number): Variable[] {
  const rows = value.shape[0] / count;
  const rest = value.shape.slice(1);
  const width = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: count }, (_, k) => {
    const data = (value.data as Float32Array).slice(k * rows * width, (k + 1) * rows * width);
    return new Variable(tensor(data, { shape: [rows, ...rest] }), { requiresGrad: true });
  });
}

/** The gradients of block variables joined back in order. */
export function joinedGradient(blocks: Variable[]): Float32Array {
  const parts = blocks.map((b) => b.grad!.data as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
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

/** A random float32 tensor from a seeded generator. */
export function random(shape: number[], seed: number, scale = 1): Tensor {
  return uniform(shape, -scale, scale, new Generator(seed));
}

/**
 * Central differences of `loss()` with respect to every element of `data` (changed in place and
 * restored), in float64 arithmetic over float32 forwards.
 */
export function finiteDifferences(loss: () => number, data: Float32Array, eps = 1e-3): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const saved = data[i];
    data[i] = saved + eps;
    const plus = noGrad(loss);
    data[i] = saved - eps;
    const minus = noGrad(loss);
    data[i] = saved;
    out[i] = (plus - minus) / (Math.fround(saved + eps) - Math.fround(saved - eps));
  }
  return out;
}

/** `Σ values ⊙ weights` in float64. */
export function weightedSum(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] * weights[i];
  return total;
}
