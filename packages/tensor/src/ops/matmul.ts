import { isFloat, promoteTypes } from '../dtype.js';
import { broadcastShapes, fail, formatShape, sizeOf, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { empty } from './creation.js';
import { checkTensor } from '../internal/check.js';

/** Which operands of {@link matmul} are read transposed (their last two axes swapped). */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Matrix product with PyTorch's `matmul` semantics: 1-D operands are promoted to a row (left)
 * or a column (right) and that axis is dropped from the result; batch axes broadcast.
 * `transposeA` / `transposeB` read an operand's last two axes swapped, at full speed, with no copy.
 *
 * Shapes: `a: [..., m, k]`, `b: [..., k, n]` → `[..., m, n]`.
 *
 * @example
 * matmul(ones([2, 3]), ones([3, 4])).shape;                        // [2, 4]
 * matmul(ones([5, 3]), ones([4, 3]), { transposeB: true }).shape;  // [5, 4]
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor('matmul', a, 'a');
  checkTensor('matmul', b, 'b');
  const transA = options.transposeA ?? false;
  const transB = options.transposeB ?? false;
  if (!isFloat(a.dtype) || !isFloat(b.dtype)) fail('matmul', 'float tensors', `${a.dtype} and ${b.dtype}`);
  if (a.rank === 0 || b.rank === 0) fail('matmul', 'tensors of rank ≥ 1', `shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  if (a.dtype !== b.dtype) fail('matmul', 'operands of one dtype', `${a.dtype} and ${b.dtype}`);
  const aShape = a.rank === 1 ? [1, a.shape[0]] : [...a.shape];
  const bShape = b.rank === 1 ? [b.shape[0], 1] : [...b.shape];
  const ar = aShape.length;
  const br = bShape.length;
  const m = transA && a.rank > 1 ? aShape[ar - 1] : aShape[ar - 2];
  const k = transA && a.rank > 1 ? aShape[ar - 2] : aShape[ar - 1];
  const kb = transB && b.rank > 1 ? bShape[br - 1] : bShape[br - 2];
  const n = transB && b.rank > 1 ? bShape[br - 2] : bShape[br - 1];
  if (k !== kb) {
    fail('matmul', `inner dimensions to agree (${k} from a)`, `a ${formatShape(a.shape)}${transA ? 'ᵀ' : ''} and b ${formatShape(b.shape)}${transB ? 'ᵀ' : ''}`);
  }
  const batch = broadcastShapes('matmul', aShape.slice(0, -2), bShape.slice(0, -2));
  const outShape = [...batch, m, n];
  const out = empty(outShape, { dtype: promoteTypes(a.dtype, b.dtype), backend: a.backend });
  const batchCount = sizeOf(batch);
  const aBatchStrides = batchStrides(aShape.slice(0, -2), batch, m * k);
  const bBatchStrides = batchStrides(bShape.slice(0, -2), batch, k * n);
  const batchIndex = stridesOf(batch);
  const lda = transA && a.rank > 1 ? m : k;
  const ldb = transB && b.rank > 1 ? k : n;
  for (let index = 0; index < batchCount; index++) {
    let aOffset = 0;
    let bOffset = 0;
    let rest = index;
    for (let axis = 0; axis < batch.length; axis++) {
      const coordinate = Math.floor(rest / batchIndex[axis]);
      rest -= coordinate * batchIndex[axis];
      aOffset += coordinate * aBatchStrides[axis];
      bOffset += coordinate * bBatchStrides[axis];
    }
    a.backend.kernels.gemm({
      transA: transA && a.rank > 1, transB: transB && b.rank > 1, m, n, k, alpha: 1,
      a: a.data as Float32Array, aOffset, lda, b: b.data as Float32Array, bOffset, ldb,
      beta: 0, c: out.data as Float32Array, cOffset: index * m * n, ldc: n,
    });
  }
  let finalShape = outShape;
  if (a.rank === 1) finalShape = finalShape.filter((_, axis) => axis !== finalShape.length - 2);
  if (b.rank === 1) finalShape = finalShape.slice(0, -1);
  return finalShape.length === outShape.length ? out : reshapeResult(out, finalShape);
}

function reshapeResult(out: Tensor, shape: number[]): Tensor {
  return new (out.constructor as typeof Tensor)(out.data, shape, out.backend);
}

function batchStrides(shape: number[], batch: number[], matrixSize: number): number[] {
  const strides = new Array<number>(batch.length).fill(0);
  const offset = batch.length - shape.length;
  let stride = matrixSize;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i + offset] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}
