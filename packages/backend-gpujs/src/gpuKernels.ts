import {
  binaryOps, cpuKernels, reduceOps, unaryOps,
  type AxisLayout, type BinaryOp, type DataArray, type GemmArgs, type KernelTable, type ReduceOp,
  type Strided, type UnaryOp,
} from '@recurrent/tensor';
import type { CompiledKernel, Device } from './device.js';
import {
  affineKernel, binaryKernel, gatherKernel, gemmKernel, reduceKernel, scatterAddKernel, softmaxKernel, unaryKernel,
} from './kernelSources.js';

/** Name of a kernel of the tensor kernel table. */
export type KernelName = Exclude<keyof KernelTable, 'recurrent'>;

/** The highest rank the gpu.js `binary` kernel reads through strides; higher ranks fall back. */
export const maxBinaryRank = 6;

const gpuKernelNames = ['unary', 'affine', 'binary', 'gather', 'scatterAdd', 'gemm', 'reduce', 'softmax'] as const;

/**
 * Kernels this backend runs on gpu.js (float32 data); every other kernel runs on the CPU. `copy`
 * (transposes, slices, contiguous views) is not among them: a tensor's storage is a host array,
 * so a device copy would upload the data, launch, and download the same bytes again, one pass over
 * memory made three; the CPU's strided copy is that one pass.
 */
export const gpujsKernelNames: readonly KernelName[] = gpuKernelNames;

type GpuKernelName = (typeof gpuKernelNames)[number];

const argumentTypes: Record<GpuKernelName, Record<string, string>> = {
  unary: { x: 'Array', code: 'Float' },
  affine: { x: 'Array', scale: 'Float', shift: 'Float' },
  binary: {
    code: 'Float', a: 'Array', aOffset: 'Float', aStrides: 'Array', b: 'Array', bOffset: 'Float',
    bStrides: 'Array', shape: 'Array',
  },
  gather: { x: 'Array', indices: 'Array', count: 'Float', length: 'Float', inner: 'Float' },
  scatterAdd: { source: 'Array', target: 'Array', indices: 'Array', count: 'Float', length: 'Float', inner: 'Float' },
  gemm: {
    a: 'Array', aOffset: 'Float', aRow: 'Float', aCol: 'Float', b: 'Array', bOffset: 'Float', bRow: 'Float',
    bCol: 'Float', c: 'Array', cOffset: 'Float', ldc: 'Float', n: 'Float', k: 'Float', alpha: 'Float', beta: 'Float',
  },
  reduce: { x: 'Array', code: 'Float', length: 'Float', inner: 'Float' },
  softmax: { x: 'Array', length: 'Float', inner: 'Float', log: 'Float' },
};

const sources: Record<GpuKernelName, (...args: never[]) => number> = {
  unary: unaryKernel as never,
  affine: affineKernel as never,
  binary: binaryKernel as never,
  gather: gatherKernel as never,
  scatterAdd: scatterAddKernel as never,
  gemm: gemmKernel as never,
  reduce: reduceKernel as never,
  softmax: softmaxKernel as never,
};

/**
 * Builds the kernel table of a gpu.js backend: the kernels of {@link gpujsKernelNames} run on the
 * device when every array is float32, and everything else (other dtypes, other kernels, ranks
 * above {@link maxBinaryRank}) runs the CPU kernel, counted in `fallbacks` under the kernel's name.
 */
export function createGpujsKernels(device: Device, fallbacks: Map<string, number>): KernelTable {
  // GLSL ES leaves NaN and ±∞ undefined (gpu.js even writes Infinity as the largest float):
  // on the GL modes, data holding them goes to the CPU kernels. cpu and webasm are IEEE.
  const ieee = device.mode === 'cpu' || device.mode === 'webasm';
  // whether the device can take these inputs and write `out` (whose values it never reads)
  const allFloat32 = (out: DataArray, ...inputs: DataArray[]): boolean => {
    if (!(out instanceof Float32Array)) return false;
    for (const array of inputs) {
      if (!(array instanceof Float32Array) || array.length === 0) return false;
      if (!ieee && !allFinite(array)) return false;
    }
    return true;
  };
  const compiled = new Map<GpuKernelName, CompiledKernel>();
  const kernel = (name: GpuKernelName): CompiledKernel => {
    let found = compiled.get(name);
    if (!found) {
      found = device.compile(sources[name], { pipeline: false, argumentTypes: argumentTypes[name] });
      compiled.set(name, found);
    }
    return found;
  };
  const fallback = (name: KernelName): void => {
    fallbacks.set(name, (fallbacks.get(name) ?? 0) + 1);
  };

  const table: KernelTable = {
    ...cpuKernels,
    unary(op: UnaryOp, x: DataArray, out: DataArray): void {
      if (out.length === 0) return;
      if (!allFloat32(out, x)) return (fallback('unary'), cpuKernels.unary(op, x, out));
      out.set(device.read(kernel('unary'), out.length, [x, unaryOps.indexOf(op)]));
    },
    affine(x: DataArray, scale: number, shift: number, out: DataArray): void {
      if (out.length === 0) return;
      if (!allFloat32(out, x)) return (fallback('affine'), cpuKernels.affine(x, scale, shift, out));
      out.set(device.read(kernel('affine'), out.length, [x, scale, shift]));
    },
    binary(op: BinaryOp, a: Strided, b: Strided, out: DataArray, shape: readonly number[]): void {
      if (out.length === 0) return;
      if (!allFloat32(out, a.data, b.data) || shape.length > maxBinaryRank) {
        return (fallback('binary'), cpuKernels.binary(op, a, b, out, shape));
      }
      const args = [
        binaryOps.indexOf(op), a.data, a.offset, padded(a.strides, 0), b.data, b.offset, padded(b.strides, 0),
        padded(shape, 1),
      ];
      out.set(device.read(kernel('binary'), out.length, args));
    },
    gather(x: DataArray, layout: AxisLayout, indices: Int32Array, out: DataArray): void {
      if (out.length === 0) return;
      if (!allFloat32(out, x) || !exactIndices(indices)) return (fallback('gather'), cpuKernels.gather(x, layout, indices, out));
      out.set(device.read(kernel('gather'), out.length, [x, Float32Array.from(indices), indices.length, layout.length, layout.inner]));
    },
    scatterAdd(source: DataArray, layout: AxisLayout, indices: Int32Array, out: DataArray): void {
      if (out.length === 0 || source.length === 0) return;
      if (!allFloat32(out, source, out) || !exactIndices(indices)) return (fallback('scatterAdd'), cpuKernels.scatterAdd(source, layout, indices, out));
      out.set(device.read(kernel('scatterAdd'), out.length, [source, out, Float32Array.from(indices), indices.length, layout.length, layout.inner]));
    },
    gemm(args: GemmArgs): void {
      const { a, b, c, m, n, k } = args;
      if (m === 0 || n === 0) return;
      if (!(args.beta === 0 ? allFloat32(c, a, b) : allFloat32(c, a, b, c)) || k === 0) return (fallback('gemm'), cpuKernels.gemm(args));
      const result = device.read(kernel('gemm'), m * n, [
        a, args.aOffset, args.transA ? 1 : args.lda, args.transA ? args.lda : 1,
        b, args.bOffset, args.transB ? 1 : args.ldb, args.transB ? args.ldb : 1,
        c, args.cOffset, args.ldc, n, k, args.alpha, args.beta,
      ]);
      for (let i = 0; i < m; i++) c.set(result.subarray(i * n, (i + 1) * n), args.cOffset + i * args.ldc);
    },
    reduce(op: ReduceOp, x: DataArray, layout: AxisLayout, out: DataArray): void {
      if (out.length === 0) return;
      if (!allFloat32(out, x) || layout.length === 0) return (fallback('reduce'), cpuKernels.reduce(op, x, layout, out));
      out.set(device.read(kernel('reduce'), out.length, [x, reduceOps.indexOf(op), layout.length, layout.inner]));
    },
    softmax(x: DataArray, layout: AxisLayout, log: boolean, out: DataArray): void {
      if (out.length === 0) return;
      if (!allFloat32(out, x)) return (fallback('softmax'), cpuKernels.softmax(x, layout, log, out));
      out.set(device.read(kernel('softmax'), out.length, [x, layout.length, layout.inner, log ? 1 : 0]));
    },
  };
  // packB packs for the CPU gemm, which these products never read: the gpu.js gemm takes `b` as
  // it is. Wrapped like the others, its pack was dropped unreleased at every call (a leak).
  delete table.packB;
  for (const name of Object.keys(cpuKernels) as KernelName[]) {
    if ((gpuKernelNames as readonly string[]).includes(name) || name === 'packB') continue;
    const cpuKernel = cpuKernels[name] as (...args: unknown[]) => void;
    (table as unknown as Record<string, unknown>)[name] = (...args: unknown[]): void => {
      fallback(name);
      cpuKernel(...args);
    };
  }
  return table;
}

/** Whether the indices (and their count) are small enough to be exact in float32, and there is at least one. */
function exactIndices(indices: Int32Array): boolean {
  return indices.length > 0 && indices.length < 1 << 24;
}

function allFinite(array: Float32Array): boolean {
  for (let i = 0; i < array.length; i++) if (array[i] - array[i] !== 0) return false; // NaN and ±∞ give NaN
  return true;
}

/** Shape or strides padded at the front to {@link maxBinaryRank} entries. */
function padded(values: readonly number[], fill: number): Float32Array {
  const out = new Float32Array(maxBinaryRank).fill(fill);
  out.set(values, maxBinaryRank - values.length);
  return out;
}
