import { describe, expect, it } from 'vitest';
import { copyIn, copyOut, createGateKernels, paddedWidth, withMemory } from './gateKernels.js';
import { testWorkspace } from '../../test/recurrence.js';

const shared = createGateKernels();
const gateKernels = () => shared;

// the sweep of the issue (±0, tiny, ±4, ±8, ±20, ±100, ±Inf, NaN) and a dense grid over [−30, 30]
const special = [0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 4, -4, 8, -8, 20, -20, 87, -87, 100, -100, Infinity, -Infinity, NaN];
const sweep = Float32Array.from([...special, ...Array.from({ length: 60001 }, (_, i) => -30 + i * 0.001)]);

/** Runs σ (the `sigmoid` pass) or tanh (`tanhForward` with a bias of −0, since x + (−0) is x
 * even for x = −0) over `values` (any length: the tail is padded). */
function run(name: 'sigmoid' | 'tanh', values: Float32Array): Float32Array {
  const kernels = gateKernels()!;
  const n = paddedWidth(values.length);
  const memory = kernels.reserve(3 * n);
  memory.set(values, 0);
  memory.fill(-0, 2 * n, 3 * n);
  if (name === 'sigmoid') kernels.exports.sigmoid(1, n, 0, 4 * n);
  else kernels.exports.tanhForward(1, n, 0, 8 * n, 4 * n);
  return kernels.reserve(3 * n).slice(n, n + values.length);
}

function expectNear(name: string, got: Float32Array, reference: (x: number) => number, tolerance: (x: number, expected: number) => number): void {
  for (let j = 0; j < sweep.length; j++) {
    const x = sweep[j];
    const expected = reference(x);
    if (Number.isNaN(expected)) {
      expect(got[j], `${name}(${x})`).toBeNaN();
      continue;
    }
    const error = Math.abs(got[j] - expected);
    if (!(error <= tolerance(x, expected))) throw new Error(`${name}(${x}): expected ${expected}, got ${got[j]} (error ${error})`);
  }
}

describe('gate kernel vector math (WebAssembly SIMD)', () => {
  it('is available in this runtime', () => {
    expect(gateKernels()).not.toBeNull();
  });

  it('sigmoid (through exp) is within 4e-7 relative of 1/(1 + Math.exp(−x)) down to x = −87 (small gate values keep their precision)', () => {
    const got = run('sigmoid', sweep);
    expectNear('sigmoid', got, (x) => 1 / (1 + Math.exp(-x)), (x, expected) => (x >= -87 ? 4e-7 * expected : 1e-37));
    expect(got[special.indexOf(0)]).toBe(0.5);
    expect(got[special.indexOf(Infinity)]).toBe(1);
    expect(got[special.indexOf(-Infinity)]).toBeLessThan(1e-37);
  });

  it('tanh is within 3e-7 of Math.tanh, odd, exact at ±0 and ±1 at ±Infinity', () => {
    const got = run('tanh', sweep);
    expectNear('tanh', got, Math.tanh, () => 3e-7);
    expect(Object.is(got[1], -0)).toBe(true); // sweep[1] is −0 (indexOf cannot tell it from 0)
    expect(got[special.indexOf(Infinity)]).toBeCloseTo(1, 6);
    expect(got[special.indexOf(-Infinity)]).toBeCloseTo(-1, 6);
    for (let j = 0; j < sweep.length; j++) if (!Number.isNaN(sweep[j])) expect(got[j]).toBeLessThanOrEqual(1);
  });

  it('propagates NaN in every lane position', () => {
    for (const name of ['sigmoid', 'tanh'] as const) {
      for (let lane = 0; lane < 4; lane++) {
        const values = new Float32Array([1, 2, 3, 4]);
        values[lane] = NaN;
        const got = run(name, values);
        expect(Number.isNaN(got[lane]), `${name} lane ${lane}`).toBe(true);
        expect(got.filter((v) => Number.isNaN(v))).toHaveLength(1);
      }
    }
  });

  it('are off in a workspace made without them (the scalar loops then run), one instance per workspace otherwise', () => {
    expect(testWorkspace(false).gateKernels()).toBeNull();
    const workspace = testWorkspace(true);
    expect(workspace.gateKernels()).not.toBeNull();
    expect(workspace.gateKernels()).toBe(workspace.gateKernels());
    expect(testWorkspace(true).gateKernels()).not.toBe(workspace.gateKernels());
  });
});

describe('copyIn / copyOut', () => {
  it('pad each block to whole vectors and back, skipping rows past their length', () => {
    for (const width of [1, 3, 4, 5]) {
      const padded = paddedWidth(width);
      const rows = 3;
      const blocks = 2;
      const source = Float32Array.from({ length: rows * blocks * width }, (_, i) => i + 1);
      const memory = new Float32Array(rows * blocks * padded + 2).fill(-1);
      copyIn(source, 0, memory, 2, rows, blocks, width, padded);
      for (let q = 0; q < rows * blocks; q++) {
        for (let j = 0; j < width; j++) expect(memory[2 + q * padded + j]).toBe(source[q * width + j]);
      }
      const back = new Float32Array(rows * blocks * width);
      copyOut(memory, 2, back, 0, rows, blocks, width, padded, null, 0);
      expect(back).toEqual(source);
      const partial = new Float32Array(rows * blocks * width).fill(7);
      copyOut(memory, 2, partial, 0, rows, blocks, width, padded, Int32Array.from([2, 1, 3]), 1);
      for (let b = 0; b < rows; b++) {
        const row = partial.subarray(b * blocks * width, (b + 1) * blocks * width);
        expect(Array.from(row)).toEqual(b === 1 ? new Array(blocks * width).fill(7) : Array.from(source.subarray(b * blocks * width, (b + 1) * blocks * width)));
      }
    }
  });
});

describe('gate kernel memory', () => {
  it('grows to the largest need, keeps its size, and is released with its workspace', () => {
    const workspace = testWorkspace(true);
    const kernels = workspace.gateKernels()!;
    const before = kernels.reserve(1).length;
    const grown = kernels.reserve(before + 100000);
    expect(grown.length).toBeGreaterThanOrEqual(before + 100000);
    expect(kernels.reserve(10).length).toBe(grown.length);
    workspace.release();
    expect(workspace.gateKernels()).not.toBe(kernels);
  });

  it('withMemory turns a memory that cannot grow into null (the scalar loops run) and passes other errors on', () => {
    const kernels = gateKernels()!;
    expect(withMemory(() => kernels.reserve(2 ** 31))).toBeNull();
    expect(() => withMemory(() => { throw new TypeError('other'); })).toThrow('other');
  });
});
