import { describe, expect, it } from 'vitest';
import type { BinaryOp, Strided, UnaryOp } from '../backend.js';
import { Generator } from '../random.js';
import { broadcastStrides } from '../shape.js';
import { binary, binaryLoop } from './binary.js';
import { affine, unary, unaryLoop } from './elementwise.js';
import { hasWasmElementwise, stagedFloats, wasmElementwiseThreshold } from './elementwiseWasm.js';
import { reduce, reduceLoop, softmax, softmaxLoop } from './reduce.js';

// Values every pass must get right, repeated through the random ones: signed zeros, subnormals,
// the edges of exp's range, huge values, infinities and NaN.
const special = [
  0, -0, 1e-45, -1e-40, 1e-30, -1e-10, 1e-4, 0.5, -0.5, 1.5, 2.5, -2.5, 1, -1, 4, -4, 8, -8, 20, -20, 80, -80, 87.3, -87.3,
  88.5, 88.72, 88.73, 89, -89, -100, -103.9, -104, -110, 100, 3.4e38, -3.4e38, Infinity, -Infinity, NaN,
];

/** `size` float32 values: random normals (times 3) with the special values spread through. */
function values(size: number, seed: number): Float32Array {
  const generator = new Generator(seed);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = i % 7 === 3 ? special[(i / 7) % special.length | 0] : generator.normal() * 3;
  return data;
}

/** Whether two arrays hold the same float32 bit patterns (NaN equal to NaN, −0 apart from +0). */
function sameBits(actual: Float32Array, expected: Float32Array): string | null {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `element ${i}: got ${actual[i]}, expected ${expected[i]}`;
  }
  return null;
}

// Sizes around the threshold, the staging block and a vector's four lanes.
const sizes = [wasmElementwiseThreshold, wasmElementwiseThreshold + 1, 1003, stagedFloats - 1, stagedFloats, stagedFloats + 1, 3 * stagedFloats + 7];

describe('WebAssembly SIMD elementwise kernels', () => {
  it('run in this runtime', () => {
    expect(hasWasmElementwise()).toBe(true);
  });

  const exact: UnaryOp[] = ['neg', 'abs', 'relu', 'sqrt', 'square', 'reciprocal', 'floor', 'ceil', 'round'];
  it.each(exact)('%s gives the TypeScript loop\'s bits at every size, on special values too', (op) => {
    for (const size of sizes) {
      const x = values(size, size);
      const out = new Float32Array(size).fill(7);
      const expected = new Float32Array(size);
      unary(op, x, out);
      unaryLoop(op, x, expected);
      expect(sameBits(out, expected), `${op} size ${size}`).toBeNull();
    }
  });

  it.each(['exp', 'sigmoid', 'tanh'] as UnaryOp[])('%s is within 2e-6 relative of the TypeScript loop (1e-38 absolute at the subnormals); NaN, ±∞ and −0 as it gives them', (op) => {
    for (const size of sizes) {
      const x = values(size, size + 1);
      const out = new Float32Array(size);
      const expected = new Float32Array(size);
      unary(op, x, out);
      unaryLoop(op, x, expected);
      for (let i = 0; i < size; i++) {
        const want = expected[i];
        if (Number.isNaN(want) || !Number.isFinite(want) || want === 0) {
          if (!(op === 'sigmoid' && want === 0)) expect(out[i], `${op}(${x[i]})`).toBe(want); // toBe tells −0 from +0
          else expect(out[i], `${op}(${x[i]})`).toBe(0);
        } else {
          expect(Math.abs(out[i] - want), `${op}(${x[i]}) = ${out[i]}, expected ${want}`).toBeLessThanOrEqual(2e-6 * Math.abs(want) + 1e-38);
        }
      }
    }
    // the ends of the range, one by one
    const ends = Float32Array.from([88.73, 89, 1000, Infinity, -104, -1000, -Infinity, NaN, -0]);
    const padded = new Float32Array(wasmElementwiseThreshold);
    padded.set(ends);
    const out = new Float32Array(padded.length);
    unary(op, padded, out);
    const expected = { exp: [Infinity, Infinity, Infinity, Infinity, 0, 0, 0, NaN, 1], sigmoid: [1, 1, 1, 1, 0, 0, 0, NaN, 0.5], tanh: [1, 1, 1, 1, -1, -1, -1, NaN, -0] }[op as 'exp'];
    expect(Array.from(out.subarray(0, ends.length))).toEqual(expected);
  });

  it('leaves small arrays, float64 and ops it has no pass for to the TypeScript loops, with the same results', () => {
    const small = values(wasmElementwiseThreshold - 1, 3);
    const out = new Float32Array(small.length);
    const expected = new Float32Array(small.length);
    unary('exp', small, out);
    unaryLoop('exp', small, expected);
    expect(sameBits(out, expected)).toBeNull();
    const wide = Float64Array.from(values(1000, 4));
    const out64 = new Float64Array(1000);
    unary('tanh', wide, out64);
    for (let i = 0; i < 1000; i++) expect(Object.is(out64[i], Math.tanh(wide[i])) || Math.abs(out64[i] - Math.tanh(wide[i])) < 1e-15).toBe(true);
    const x = values(1000, 5);
    const logOut = new Float32Array(1000);
    const logExpected = new Float32Array(1000);
    unary('log', x, logOut);
    unaryLoop('log', x, logExpected);
    expect(sameBits(logOut, logExpected)).toBeNull();
  });

  it('affine map: x·scale + shift in float64 rounded once, bit for bit the TypeScript loop', () => {
    for (const size of sizes) {
      const x = values(size, size + 2);
      for (const [scale, shift] of [[1, 0], [0.1, 1e-3], [-3, 2.5], [1 / 3, -1e30], [0, 0], [Infinity, 1], [2, NaN]]) {
        const out = new Float32Array(size);
        const expected = new Float32Array(size);
        affine(x, scale, shift, out);
        for (let i = 0; i < size; i++) expected[i] = x[i] * scale + shift;
        expect(sameBits(out, expected), `scale ${scale} shift ${shift} size ${size}`).toBeNull();
      }
    }
  });

  const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div'];
  // [shape of a, shape of b]: flat with flat, a scalar, a row, a column, either side; rows longer
  // than a staged block; a row length that is not a multiple of 4
  const layouts: [number[], number[]][] = [
    [[3, 1001], [3, 1001]], [[5000], [1]], [[1], [5000]], [[37, 129], [129]], [[129], [37, 129]],
    [[37, 129], [37, 1]], [[37, 1], [37, 129]], [[2, 5000], [5000]], [[2, 5000], [2, 1]], [[300, 3], [300, 1]],
    [[4, 17, 64], [17, 64]], [[4, 17, 64], [4, 17, 1]],
  ];
  it.each(ops)('%s of flat, scalar, row and column operands gives the TypeScript loop\'s bits', (op) => {
    for (const [shapeA, shapeB] of layouts) {
      const shape = shapeA.length >= shapeB.length ? [...shapeA] : [...shapeB];
      for (let axis = 1; axis <= Math.min(shapeA.length, shapeB.length); axis++) {
        shape[shape.length - axis] = Math.max(shapeA[shapeA.length - axis], shapeB[shapeB.length - axis]);
      }
      const size = shape.reduce((p, d) => p * d, 1);
      const a = values(shapeA.reduce((p, d) => p * d, 1) + 3, 11);
      const b = values(shapeB.reduce((p, d) => p * d, 1) + 5, 12);
      // offsets into longer arrays, as views of a slice read them
      const viewA: Strided = { data: a, offset: 3, strides: broadcastStrides(shapeA, shape) };
      const viewB: Strided = { data: b, offset: 5, strides: broadcastStrides(shapeB, shape) };
      const out = new Float32Array(size);
      const expected = new Float32Array(size);
      binary(op, viewA, viewB, out, shape);
      binaryLoop(op, viewA, viewB, expected, shape);
      expect(sameBits(out, expected), `${op} ${JSON.stringify(shapeA)} with ${JSON.stringify(shapeB)}`).toBeNull();
    }
  });

  it('sum of rows, of everything and of columns is within float32 rounding of the TypeScript loop\'s float64 sum', () => {
    const layouts = [
      { outer: 1, length: 3 * stagedFloats + 5, inner: 1 }, { outer: 300, length: 7, inner: 1 }, { outer: 64, length: 1001, inner: 1 },
      { outer: 3, length: 9000, inner: 1 }, { outer: 1, length: 300, inner: 17 }, { outer: 3, length: 101, inner: 1024 },
      { outer: 2, length: 9, inner: stagedFloats }, { outer: 1, length: 2, inner: stagedFloats + 1 },
    ];
    for (const layout of layouts) {
      const generator = new Generator(layout.length);
      const x = new Float32Array(layout.outer * layout.length * layout.inner);
      for (let i = 0; i < x.length; i++) x[i] = generator.normal();
      const out = new Float32Array(layout.outer * layout.inner);
      const expected = new Float32Array(out.length);
      reduce('sum', x, layout, out);
      reduceLoop('sum', x, layout, expected);
      for (let i = 0; i < out.length; i++) {
        // bound: float32 rounding of each run of four, relative to the sum of magnitudes
        const o = Math.floor(i / layout.inner);
        const column = i % layout.inner;
        let magnitude = 0;
        for (let j = 0; j < layout.length; j++) magnitude += Math.abs(x[(o * layout.length + j) * layout.inner + column]);
        expect(Math.abs(out[i] - expected[i]), `${JSON.stringify(layout)} output ${i}`).toBeLessThanOrEqual(1.2e-7 * magnitude + 6e-8 * Math.abs(expected[i]));
      }
    }
    // NaN and infinities propagate as in the loop
    const x = new Float32Array(1000).fill(1);
    x[999] = NaN;
    const out = new Float32Array(1);
    reduce('sum', x, { outer: 1, length: 1000, inner: 1 }, out);
    expect(out[0]).toBeNaN();
    x[999] = Infinity;
    reduce('sum', x, { outer: 1, length: 1000, inner: 1 }, out);
    expect(out[0]).toBe(Infinity);
  });

  it.each(['max', 'min'] as const)('%s of rows gives the TypeScript loop\'s bits: NaN sticks, the first of −0 and +0 wins, ±∞', (op) => {
    const layouts = [
      { outer: 1, length: 3 * stagedFloats + 5 }, { outer: 300, length: 7 }, { outer: 64, length: 1001 }, { outer: 3, length: 9000 },
    ];
    for (const { outer, length } of layouts) {
      const x = values(outer * length, length);
      // rows without NaN too, so the comparison itself is tested, and rows of only zeros of both signs
      for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i]) && (Math.floor(i / length) % 2 === 0)) x[i] = 0.25;
      if (outer > 2) {
        for (let j = 0; j < length; j++) x[length + j] = j % 3 === 0 ? 0 : -0;
        for (let j = 0; j < length; j++) x[2 * length + j] = j === 0 ? -Infinity : j % 2 ? -0 : 0;
      }
      const layout = { outer, length, inner: 1 };
      const out = new Float32Array(outer);
      const expected = new Float32Array(outer);
      reduce(op, x, layout, out);
      reduceLoop(op, x, layout, expected);
      expect(sameBits(out, expected), `${op} ${JSON.stringify(layout)}`).toBeNull();
    }
  });

  it('softmax, log-softmax and logsumexp of rows are within a few float32 roundings of the TypeScript loops; rows with NaN or ±∞ follow the loops exactly', () => {
    for (const [outer, length] of [[300, 1], [64, 7], [40, 89], [3, 1001], [2, stagedFloats], [2, stagedFloats + 1]]) {
      const generator = new Generator(length);
      const x = new Float32Array(outer * length);
      for (let i = 0; i < x.length; i++) x[i] = generator.normal() * 4;
      if (outer > 8) {
        // rows with the loops' special cases: a NaN, +∞, −∞ beside finite values, only −∞
        x[1 * length] = NaN;
        x[2 * length + length - 1] = Infinity;
        x[3 * length] = -Infinity;
        for (let j = 0; j < length; j++) x[4 * length + j] = -Infinity;
      }
      const layout = { outer, length, inner: 1 };
      for (const mode of ['softmax', 'logSoftmax', 'logsumexp'] as const) {
        const size = mode === 'logsumexp' ? outer : x.length;
        const out = new Float32Array(size);
        const expected = new Float32Array(size);
        if (mode === 'logsumexp') {
          reduce('logsumexp', x, layout, out);
          reduceLoop('logsumexp', x, layout, expected);
        } else {
          softmax(x, layout, mode === 'logSoftmax', out);
          softmaxLoop(x, layout, mode === 'logSoftmax', expected);
        }
        for (let i = 0; i < size; i++) {
          const row = mode === 'logsumexp' ? i : Math.floor(i / length);
          // rows 1, 2 and 4 go to the loops (a NaN, +∞, no finite max); row 3 (−∞ beside finite values) does not
          const special = outer > 8 && (row === 1 || row === 2 || row === 4);
          const want = expected[i];
          if (special || !Number.isFinite(want)) expect(Object.is(out[i], want), `${mode} row ${row} element ${i}: got ${out[i]}, expected ${want}`).toBe(true);
          else {
            const tolerance = mode === 'softmax' ? 4e-6 * Math.abs(want) + 1e-30 : 1e-6 * Math.abs(want) + 1e-6;
            expect(Math.abs(out[i] - want), `${mode} ${outer}×${length} element ${i}: got ${out[i]}, expected ${want}`).toBeLessThanOrEqual(tolerance);
          }
        }
      }
    }
  });
});
