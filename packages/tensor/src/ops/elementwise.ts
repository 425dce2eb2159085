import type { BinaryOp, Strided, UnaryOp } from '../backend.js';
import { isFloat, promoteTypes } from '../dtype.js';
import { broadcastShapes, broadcastStrides, fail } from '../shape.js';
import { Tensor } from '../tensor.js';
import { empty, full } from './creation.js';

/** A tensor, or a number that broadcasts as a scalar of the other operand's dtype. */
export type TensorLike = Tensor | number;

function unaryOp(op: UnaryOp) {
  const run = (x: Tensor): Tensor => {
    if (!(x instanceof Tensor)) fail(op, 'a Tensor', typeof x);
    const dtype = x.dtype === 'int32' && op !== 'neg' && op !== 'abs' && op !== 'sign' && op !== 'square' ? 'float32' : x.dtype;
    const out = empty(x.shape, { dtype, backend: x.backend });
    x.backend.kernels.unary(op, x.data, out.data);
    return out;
  };
  Object.defineProperty(run, 'name', { value: op });
  return run;
}

/** `−x`. */ export const neg = unaryOp('neg');
/** `|x|`. */ export const abs = unaryOp('abs');
/** `eˣ`. */ export const exp = unaryOp('exp');
/** Natural logarithm. */ export const log = unaryOp('log');
/** `log(1 + x)`, accurate near 0. */ export const log1p = unaryOp('log1p');
/** `eˣ − 1`, accurate near 0. */ export const expm1 = unaryOp('expm1');
/** `√x`. */ export const sqrt = unaryOp('sqrt');
/** `1/√x`. */ export const rsqrt = unaryOp('rsqrt');
/** `x²`. */ export const square = unaryOp('square');
/** `1/x`. */ export const reciprocal = unaryOp('reciprocal');
/** Hyperbolic tangent. */ export const tanh = unaryOp('tanh');
/** Logistic sigmoid `1/(1 + e⁻ˣ)`. */ export const sigmoid = unaryOp('sigmoid');
/** `max(x, 0)`. */ export const relu = unaryOp('relu');
/** `log(1 + eˣ)`. */ export const softplus = unaryOp('softplus');
/** −1, 0 or 1. */ export const sign = unaryOp('sign');
/** Sine. */ export const sin = unaryOp('sin');
/** Cosine. */ export const cos = unaryOp('cos');
/** Round down. */ export const floor = unaryOp('floor');
/** Round up. */ export const ceil = unaryOp('ceil');
/** Round half to even. */ export const round = unaryOp('round');

/** A strided read of `x` broadcast to `shape`. */
export function broadcastView(x: Tensor, shape: readonly number[]): Strided {
  return { data: x.data, offset: 0, strides: broadcastStrides(x.shape, shape) };
}

function asTensor(value: TensorLike, like: Tensor): Tensor {
  return typeof value === 'number' ? full([], value, { dtype: like.dtype, backend: like.backend }) : value;
}

function binaryOp(op: BinaryOp) {
  const run = (a: TensorLike, b: TensorLike): Tensor => {
    if (typeof a === 'number' && typeof b === 'number') fail(op, 'at least one Tensor', 'two numbers');
    const first = typeof a === 'number' ? (b as Tensor) : a;
    if (!(first instanceof Tensor)) fail(op, 'a Tensor or a number', typeof first);
    const left = asTensor(a, first);
    const right = asTensor(b, first);
    if (!(left instanceof Tensor) || !(right instanceof Tensor)) fail(op, 'Tensors or numbers', `${typeof a} and ${typeof b}`);
    const shape = broadcastShapes(op, left.shape, right.shape);
    let dtype = promoteTypes(left.dtype, right.dtype);
    if (op === 'div' && !isFloat(dtype)) dtype = 'float32';
    if ((op === 'pow') && !isFloat(dtype)) dtype = 'float32';
    const out = empty(shape, { dtype, backend: first.backend });
    first.backend.kernels.binary(op, broadcastView(left, shape), broadcastView(right, shape), out.data, shape);
    return out;
  };
  Object.defineProperty(run, 'name', { value: op });
  return run;
}

/** `a + b`, broadcast. */ export const add = binaryOp('add');
/** `a − b`, broadcast. */ export const sub = binaryOp('sub');
/** `a · b`, broadcast. */ export const mul = binaryOp('mul');
/** `a / b`, broadcast. */ export const div = binaryOp('div');
/** `aᵇ`, broadcast. */ export const pow = binaryOp('pow');
/** Larger of `a` and `b` (NaN if either is NaN). */ export const maximum = binaryOp('maximum');
/** Smaller of `a` and `b` (NaN if either is NaN). */ export const minimum = binaryOp('minimum');
/** 1 where `a = b`, else 0. */ export const eq = binaryOp('eq');
/** 1 where `a ≠ b`, else 0. */ export const ne = binaryOp('ne');
/** 1 where `a < b`, else 0. */ export const lt = binaryOp('lt');
/** 1 where `a ≤ b`, else 0. */ export const le = binaryOp('le');
/** 1 where `a > b`, else 0. */ export const gt = binaryOp('gt');
/** 1 where `a ≥ b`, else 0. */ export const ge = binaryOp('ge');

/** `condition ≠ 0 ? a : b`, all broadcast together. */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : full([], 0, { backend: condition.backend });
  const left = asTensor(a, like);
  const right = asTensor(b, like);
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, left.shape), right.shape);
  const out = empty(shape, { dtype: promoteTypes(left.dtype, right.dtype), backend: condition.backend });
  condition.backend.kernels.where(
    broadcastView(condition, shape), broadcastView(left, shape), broadcastView(right, shape), out.data, shape,
  );
  return out;
}

/** Limits values to `[low, high]` (either bound may be omitted). */
export function clamp(x: Tensor, low = -Infinity, high = Infinity): Tensor {
  if (low > high) fail('clamp', 'low ≤ high', `low ${low}, high ${high}`);
  const out = empty(x.shape, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.clamp(x.data, low, high, out.data);
  return out;
}

/** `x·scale + shift` in one pass. */
export function affine(x: Tensor, scale: number, shift = 0): Tensor {
  const out = empty(x.shape, { dtype: isFloat(x.dtype) ? x.dtype : 'float32', backend: x.backend });
  x.backend.kernels.affine(x.data, scale, shift, out.data);
  return out;
}
