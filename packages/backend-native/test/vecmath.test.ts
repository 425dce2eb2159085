import { describe, expect, it } from 'vitest';
import { Generator, createCpuBackend } from '@recurrent/tensor';
import { createNativeBackend } from '../src/index.js';

// The accuracy the C headers promise for float32 exp, tanh and the logistic (csrc/vecmath.h and its
// AVX2 / AVX-512 versions): exp within 2 ulp, tanh and the logistic within 3, IEEE special values,
// on a sweep of about a million float32 values of both signs across the whole range, for every
// instruction set this CPU runs. The reference is Math.exp / Math.tanh in float64.

const widest = createNativeBackend({ threads: 1 }).isa;
const isas = (['scalar', 'avx2', 'avx512'] as const).slice(0, ['scalar', 'avx2', 'avx512'].indexOf(widest) + 1);

/** Every 4099th positive float32 bit pattern below +∞ and its negation, then a length that
 * leaves a tail for the masked and scalar remainders. */
function sweep(): Float32Array {
  const bits = new Uint32Array(2 * Math.ceil(0x7f800000 / 4099) + 7);
  let n = 0;
  for (let b = 0; b < 0x7f800000; b += 4099) {
    bits[n++] = b;
    bits[n++] = (b | 0x80000000) >>> 0;
  }
  return new Float32Array(bits.buffer, 0, n);
}

/** |got − want| in units of the float32 spacing at want (2^-149 at and below the subnormals). */
function ulps(got: number, want: number): number {
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) === Number.isNaN(got) ? 0 : Infinity;
  const rounded = Math.fround(want);
  if (!Number.isFinite(rounded) || !Number.isFinite(got)) return got === rounded ? 0 : Infinity;
  const exponent = want === 0 ? -149 : Math.max(Math.floor(Math.log2(Math.abs(want))) - 23, -149);
  return Math.abs(got - want) / 2 ** exponent;
}

const functions = {
  exp: { reference: Math.exp, bound: 2 },
  tanh: { reference: Math.tanh, bound: 3 },
  sigmoid: { reference: (v: number) => 1 / (1 + Math.exp(-v)), bound: 3 },
} as const;

describe.each(isas)('float32 exp, tanh and sigmoid on %s', (isa) => {
  const { kernels } = createNativeBackend({ threads: 1, isa });
  const x = sweep();
  const out = new Float32Array(x.length);
  it.each(Object.keys(functions) as (keyof typeof functions)[])('%s stays within its ulp bound over the sweep', (op) => {
    const { reference, bound } = functions[op];
    kernels.unary(op, x, out);
    let worst = 0;
    let at = 0;
    for (let i = 0; i < x.length; i++) {
      const error = ulps(out[i], reference(x[i]));
      if (error > worst) {
        worst = error;
        at = x[i];
      }
    }
    expect(worst, `${op}(${at}) = ${out[x.indexOf(at)]}, reference ${reference(at)}`).toBeLessThanOrEqual(bound);
  });
  it('keeps the special values', () => {
    const specials = new Float32Array([Infinity, -Infinity, NaN, 0, -0, 89, -104, -150]);
    const result = new Float32Array(specials.length);
    const run = (op: keyof typeof functions) => {
      kernels.unary(op, specials, result);
      return Array.from(result);
    };
    expect(run('exp')).toEqual([Infinity, 0, NaN, 1, 1, Infinity, 0, 0]);
    expect(run('tanh')).toEqual([1, -1, NaN, 0, -0, 1, -1, -1]);
    expect(run('sigmoid')).toEqual([1, 0, NaN, 0.5, 0.5, 1, Math.fround(1 / (1 + Math.exp(104))), 0]);
  });
});

describe.each(isas)('softmax, log-softmax and logsumexp rows on %s', (isa) => {
  const { kernels } = createNativeBackend({ threads: 1, isa });
  const cpu = createCpuBackend().kernels;
  // rows of a tail length and of a long one, some with −∞ (masked), NaN, +∞ or all −∞, and
  // one with values far below the max (terms under e^−87)
  const generator = new Generator(5);
  const rows = (length: number): Float32Array[] => {
    const plain = () => Float32Array.from({ length }, () => 4 * generator.normal());
    const masked = plain().map((v, i) => (i % 3 === 0 ? -Infinity : v));
    const spread = plain().map((v, i) => (i % 2 === 0 ? v - 200 : v));
    const withNaN = plain();
    withNaN[length >> 1] = NaN;
    const withInfinity = plain();
    withInfinity[1] = Infinity;
    return [plain(), masked, spread, withNaN, withInfinity, new Float32Array(length).fill(-Infinity)];
  };
  const close = (got: number, want: number) => (Number.isFinite(want) ? Math.abs(got - want) <= 2e-6 * Math.abs(want) + 1e-6 : Object.is(got, want));
  it('logsumexp of rows stays within 2 float32 ulp of the float64 value', () => {
    const outer = 200;
    const length = 1000;
    const x = Float32Array.from({ length: outer * length }, (_, i) => (1 + (Math.floor(i / length) % 7)) * generator.normal());
    const got = new Float32Array(outer);
    kernels.reduce('logsumexp', x, { outer, length, inner: 1 }, got);
    for (let o = 0; o < outer; o++) {
      const row = x.subarray(o * length, (o + 1) * length);
      const m = row.reduce((a, v) => Math.max(a, v), -Infinity);
      const want = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
      expect(ulps(got[o], want), `row ${o}`).toBeLessThanOrEqual(2);
    }
  });
  it.each([37, 1024])('rows of %i follow the CPU backend (special values exactly)', (length) => {
    for (const x of rows(length)) {
      const layout = { outer: 1, length, inner: 1 };
      for (const log of [false, true]) {
        const got = new Float32Array(length);
        const want = new Float32Array(length);
        kernels.softmax(x, layout, log, got);
        cpu.softmax(x, layout, log, want);
        const bad = Array.from(got).findIndex((v, i) => !close(v, want[i]));
        expect(bad, `${log ? 'log-softmax' : 'softmax'} of row [${x.slice(0, 4).join(', ')}, …]: ${got[bad]} for ${want[bad]}`).toBe(-1);
      }
      const got = new Float32Array(1);
      const want = new Float32Array(1);
      kernels.reduce('logsumexp', x, layout, got);
      cpu.reduce('logsumexp', x, layout, want);
      expect(close(got[0], want[0]), `logsumexp of row [${x.slice(0, 4).join(', ')}, …]: ${got[0]} for ${want[0]}`).toBe(true);
    }
  });
});
