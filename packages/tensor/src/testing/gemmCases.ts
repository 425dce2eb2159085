import { matmul } from '../ops/matmul.js';
import type { Tensor } from '../tensor.js';
import type { ConformanceCase } from './conformanceCase.js';
import type { CaseContext } from './context.js';

interface GemmShape {
  m: number;
  n: number;
  k: number;
  alpha?: number;
  beta?: number;
  /** Extra elements before each operand and extra columns in each leading dimension. */
  padding?: number;
}

const shapes: GemmShape[] = [
  { m: 1, n: 1, k: 1 }, { m: 3, n: 5, k: 4 }, { m: 17, n: 9, k: 33 }, { m: 0, n: 4, k: 3 },
  { m: 4, n: 3, k: 0, beta: 1 }, { m: 33, n: 65, k: 47, alpha: -0.5, beta: 2, padding: 3 },
  { m: 70, n: 130, k: 90, beta: 0.5 }, { m: 8, n: 1, k: 300, padding: 1 }, { m: 1, n: 257, k: 16 },
];

/** Runs the backend's gemm on operands with offsets and padded leading dimensions. */
function runGemm(c: CaseContext, shape: GemmShape, transA: boolean, transB: boolean): Tensor {
  const { m, n, k, alpha = 1, beta = 0, padding = 0 } = shape;
  const aRows = transA ? k : m;
  const aColumns = transA ? m : k;
  const bRows = transB ? n : k;
  const bColumns = transB ? k : n;
  const lda = aColumns + padding;
  const ldb = bColumns + padding;
  const ldc = n + padding;
  const a = c.randn([padding + aRows * lda]);
  const b = c.randn([padding + bRows * ldb]);
  const out = c.randn([padding + m * ldc]);
  c.backend.kernels.gemm({
    transA, transB, m, n, k, alpha,
    a: a.data as Float32Array, aOffset: padding, lda,
    b: b.data as Float32Array, bOffset: padding, ldb,
    beta, c: out.data as Float32Array, cOffset: padding, ldc,
  });
  return out;
}

const flags: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

/**
 * A time loop: `op(B)` packed once by the backend's optional `packB` kernel (when it has one) and
 * passed as `packedB` to products of several steps, each with its own `A` and `C`; then released.
 */
function runPackedLoop(c: CaseContext, transB: boolean, m: number, n: number, k: number): Tensor[] {
  const padding = 2;
  const ldb = (transB ? k : n) + padding;
  const b = c.randn([padding + (transB ? n : k) * ldb]).data as Float32Array;
  const packed = c.backend.kernels.packB?.({ transB, k, n, b, bOffset: padding, ldb }) ?? null;
  try {
    return [0, 1, 2].map((step) => {
      const a = c.randn([m * k]);
      const out = c.randn([m * n]);
      c.backend.kernels.gemm({
        transA: false, transB, m, n, k, alpha: 1, a: a.data as Float32Array, aOffset: 0, lda: k,
        b, bOffset: padding, ldb, beta: step === 0 ? 0 : 1, c: out.data as Float32Array, cOffset: 0, ldc: n, packedB: packed,
      });
      return out;
    });
  } finally {
    packed?.release();
  }
}

/** Cases for `gemm`, called directly and through `matmul`. */
export const gemmCases: ConformanceCase[] = [
  ...flags.map(([transA, transB]): ConformanceCase => ({
    kernel: 'gemm',
    name: `C ← alpha·op(A)·op(B) + beta·C, transA ${transA}, transB ${transB}, offsets and padded strides`,
    toleranceScale: 10,
    run: (c) => shapes.map((shape) => runGemm(c, shape, transA, transB)),
  })),
  {
    kernel: 'gemm',
    name: 'matmul: 2-D, vector, batched and broadcast batches, transposed operands',
    toleranceScale: 10,
    run: (c) => [
      matmul(c.randn([5, 7]), c.randn([7, 3])), matmul(c.randn([7]), c.randn([7, 3])), matmul(c.randn([5, 7]), c.randn([7])),
      matmul(c.randn([2, 1, 4, 6]), c.randn([3, 6, 5])), matmul(c.randn([6, 4]), c.randn([5, 6]), { transposeA: true, transposeB: true }),
      matmul(c.randn([2, 0, 3]), c.randn([3, 4])),
    ],
  },
  {
    kernel: 'packB',
    name: 'a packed B reused by the products of several steps (batch 1 and 9), transB false and true',
    toleranceScale: 10,
    run: (c) => [false, true].flatMap((transB) => [...runPackedLoop(c, transB, 1, 40, 24), ...runPackedLoop(c, transB, 9, 70, 33)]),
  },
  {
    kernel: 'gemm',
    name: 'infinities and NaN flow through the product',
    run: (c) => [
      matmul(c.values([Infinity, 1, 0, 1], [2, 2]), c.values([0, 1, 1, 1], [2, 2])),
      matmul(c.values([NaN, 1], [1, 2]), c.values([1, 2], [2, 1])),
    ],
  },
];
