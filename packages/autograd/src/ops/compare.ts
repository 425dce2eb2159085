import * as T from '@recurrent/tensor';
import { Variable, type Differentiable } from '../variable.js';
import { firstTensor, value } from './common.js';

function comparison(op: (a: T.Tensor, b: T.Tensor) => T.Tensor) {
  return (a: Differentiable, b: Differentiable): Variable => {
    const like = firstTensor(a, b);
    return new Variable(op(value(a, like), value(b, like)));
  };
}

/** 1 where `a = b`, else 0. **Not differentiable**: returns a constant (a mask). @example eq(x, 0) */
export const eq = comparison(T.eq);
/** 1 where `a ≠ b`, else 0. **Not differentiable**: returns a constant. @example ne(x, 0) */
export const ne = comparison(T.ne);
/** 1 where `a < b`, else 0. **Not differentiable**: returns a constant. @example lt(x, 0) */
export const lt = comparison(T.lt);
/** 1 where `a ≤ b`, else 0. **Not differentiable**: returns a constant. @example le(x, 0) */
export const le = comparison(T.le);
/** 1 where `a > b`, else 0. **Not differentiable**: returns a constant. @example gt(x, 0) */
export const gt = comparison(T.gt);
/** 1 where `a ≥ b`, else 0. **Not differentiable**: returns a constant. @example ge(x, 0) */
export const ge = comparison(T.ge);

/** Index of the largest value along an axis, int32. **Not differentiable**: returns a constant. @example argmax(logits, -1) */
export function argmax(x: Differentiable, axis?: number, keepDims = false): Variable {
  return new Variable(T.argmax(value(x), axis, keepDims));
}

/** Index of the smallest value along an axis, int32. **Not differentiable**: returns a constant. @example argmin(x, 0) */
export function argmin(x: Differentiable, axis?: number, keepDims = false): Variable {
  return new Variable(T.argmin(value(x), axis, keepDims));
}
