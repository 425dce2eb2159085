import { describe, expect, it } from 'vitest';
import { Generator, createCpuBackend, type DataArray, type Strided } from '@recurrent/tensor';
import { createNativeBackend } from './index.js';

// Arrays of 64K elements and more are split across the backend's threads (csrc/elementwiseBinding.c):
// each part is computed as one thread computes it, so two threads and three give the results of
// one, bit for bit, and those results are the kernels' (checked against the CPU backend here).
const rows = 4099;
const columns = 48;
const size = rows * columns + 37;
const generator = new Generator(11);
const x = Float32Array.from({ length: size }, () => 3 * generator.normal());
const y = Float32Array.from({ length: size }, () => Math.abs(generator.normal()) + 0.5);
const view = (data: DataArray, strides: number[]): Strided => ({ data, offset: 0, strides });

type Run = (kernels: ReturnType<typeof createNativeBackend>['kernels'], out: Float32Array) => void;
const cases: [string, number, Run][] = [
  ['unary exp', size, (k, out) => k.unary('exp', x, out)],
  ['unary log (a libm loop)', size, (k, out) => k.unary('log', y, out)],
  ['affine', size, (k, out) => k.affine(x, 2, 1, out)],
  ['clamp', size, (k, out) => k.clamp(x, -1, 1, out)],
  ['binary, one long row', size, (k, out) => k.binary('mul', view(x, [1]), view(y, [1]), out, [size])],
  ['binary, rows with a broadcast row', rows * columns, (k, out) => k.binary('add', view(x, [columns, 1]), view(y, [0, 1]), out, [rows, columns])],
  ['binary, a broadcast column', rows * columns, (k, out) => k.binary('div', view(x, [columns, 1]), view(y, [1, 0]), out, [rows, columns])],
  ['reduce sum of rows', rows, (k, out) => k.reduce('sum', x, { outer: rows, length: columns, inner: 1 }, out)],
  ['reduce logsumexp of rows', rows, (k, out) => k.reduce('logsumexp', x, { outer: rows, length: columns, inner: 1 }, out)],
  ['softmax of rows', rows * columns, (k, out) => k.softmax(x, { outer: rows, length: columns, inner: 1 }, false, out)],
  ['log-softmax of rows', rows * columns, (k, out) => k.softmax(x, { outer: rows, length: columns, inner: 1 }, true, out)],
];

describe('native elementwise kernels on several threads', () => {
  const one = createNativeBackend({ threads: 1 });
  const many = [createNativeBackend({ threads: 2 }), createNativeBackend({ threads: 3 })];
  const cpu = createCpuBackend().kernels;
  it.each(cases)('%s: the same bits on 1, 2 and 3 threads, and the CPU backend\'s values', (_name, length, run) => {
    const expected = new Float32Array(length);
    run(one.kernels, expected);
    for (const backend of many) {
      const out = new Float32Array(length).fill(NaN);
      run(backend.kernels, out);
      expect(Buffer.from(out.buffer).equals(Buffer.from(expected.buffer)), `threads ${backend.threads}`).toBe(true);
      expect(backend.fallbacks.size).toBe(0);
    }
    const reference = new Float32Array(length);
    run(cpu, reference);
    // within the conformance suite's float32 tolerance, relative to max(|value|, 1)
    const worst = expected.reduce((w, v, i) => Math.max(w, Math.abs(v - reference[i]) / Math.max(Math.abs(reference[i]), 1)), 0);
    expect(worst).toBeLessThan(1e-5);
  });
});


describe('copy of a view that does not collapse to two axes', () => {
  // [T, B, H] read as [B, T, H] (a batch-first layer's transpose), from an offset, reversed, rank 4:
  // one two-axis copy per index of the first axis, the element bits the CPU kernel writes
  const cpu = createCpuBackend();
  const cases: [string, Strided, number[]][] = [
    ['leading axes swapped, contiguous rows', { data: x, offset: 0, strides: [48, 7 * 48, 1] }, [7, 40, 48]],
    ['leading axes swapped, from an offset', { data: x, offset: 5, strides: [48, 9 * 48, 1] }, [9, 40, 48]],
    ['first axis reversed', { data: x, offset: 5 * 4096, strides: [-4096, 64, 1] }, [6, 64, 64]],
    ['four axes, the first two swapped', { data: x, offset: 0, strides: [4096, 4 * 4096, 64, 1] }, [4, 3, 64, 64]],
  ];
  it.each(cases)('%s', (_name, source, shape) => {
    const backend = createNativeBackend({ threads: 1 });
    const size = shape.reduce((a, b) => a * b, 1);
    const actual = new Float32Array(size);
    const expected = new Float32Array(size);
    backend.kernels.copy(source, actual, shape);
    cpu.kernels.copy(source, expected, shape);
    expect(actual).toEqual(expected);
    expect(backend.fallbacks.size).toBe(0);
  });
});
