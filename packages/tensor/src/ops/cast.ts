import type { DType } from '../dtype.js';
import { fail, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, describe } from '../internal/check.js';
import { empty } from './creation.js';

const dtypes: readonly DType[] = ['float32', 'float64', 'int32'];

/**
 * The elements converted to another dtype (always a new tensor). Floats become int32 by
 * truncation toward zero, as PyTorch's `.to(torch.int32)`; NaN and infinities have no int32 value
 * and give 0, and magnitudes beyond 2³¹ wrap around (typed-array conversion).
 *
 * @example cast(tensor([1.7, -1.7]), 'int32').toArray(); // [1, -1]
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', x);
  if (!dtypes.includes(dtype)) fail('cast', `a dtype (${dtypes.join(', ')})`, describe(dtype));
  const out = empty(x.shape, { dtype, backend: x.backend });
  // A contiguous copy converts element by element, with the typed array's own conversion.
  x.backend.kernels.copy({ data: x.data, offset: 0, strides: stridesOf(x.shape) }, out.data, x.shape);
  return out;
}

/**
 * A copy with its own storage (same shape, dtype and backend).
 *
 * @example const y = clone(x); y.data !== x.data; // true
 */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', x);
  return cast(x, x.dtype);
}
