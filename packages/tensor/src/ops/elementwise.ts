import type { BinaryOp, Strided, UnaryOp } from '../backend.js';
import { isFloat, promoteTypes } from '../dtype.js';
import { broadcastShapes, broadcastStrides, fail } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor, describe } from '../internal/check.js';
import { empty, full } from './creation.js';

/** A tensor, or a number that broadcasts as a scalar of the other operand's dtype. */
export type TensorLike = Tensor | number;

/** Unary ops that map integers to integers keep int32; the rest give float32 for int32 input. */
const integerOps: ReadonlySet<UnaryOp> = new Set<UnaryOp>(['neg', 'abs', 'sign', 'square', 'relu']);

function unaryOp(op: UnaryOp) {
  const run = (x: Tensor): Tensor => {
    checkTensor(op, x);
    const dtype = x.dtype === 'int32' && !integerOps.has(op) ? 'float32' : x.dtype;
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

/** A number as a scalar of the other operand's dtype (float32 when an int32 operand meets a
 * fractional or non-finite number, as PyTorch promotes `int_tensor + 0.5`). */
function asTensor(value: TensorLike, like: Tensor): Tensor {
  if (typeof value !== 'number') return value;
  const dtype = like.dtype === 'int32' && !Number.isInteger(value) ? 'float32' : like.dtype;
  return full([], value, { dtype, backend: like.backend });
}

function binaryOp(op: BinaryOp) {
  const run = (a: TensorLike, b: TensorLike): Tensor => {
    if (typeof a === 'number' && typeof b === 'number') fail(op, 'at least one Tensor', 'two numbers');
    if (!(a instanceof Tensor) && typeof a !== 'number') fail(op, 'a to be a Tensor or a number', describe(a));
    if (!(b instanceof Tensor) && typeof b !== 'number') fail(op, 'b to be a Tensor or a number', describe(b));
    const first = typeof a === 'number' ? (b as Tensor) : a;
    const left = asTensor(a, first);
    const right = asTensor(b, first);
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

/**
 * `condition ≠ 0 ? a : b`, all three broadcast together; numbers act as scalars.
 *
 * @example where(tensor([1, 0]), tensor([1, 2]), -1).toArray(); // [1, -1]
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', condition, 'condition');
  if (!(a instanceof Tensor) && typeof a !== 'number') fail('where', 'a to be a Tensor or a number', describe(a));
  if (!(b instanceof Tensor) && typeof b !== 'number') fail('where', 'b to be a Tensor or a number', describe(b));
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

/**
 * Limits values to `[low, high]` (either bound may be omitted); NaN stays NaN.
 *
 * @example clamp(tensor([-2, 0.5, 3]), 0, 1).toArray(); // [0, 0.5, 1]
 */
export function clamp(x: Tensor, low = -Infinity, high = Infinity): Tensor {
  checkTensor('clamp', x);
  if (typeof low !== 'number' || Number.isNaN(low)) fail('clamp', 'a number low bound', describe(low));
  if (typeof high !== 'number' || Number.isNaN(high)) fail('clamp', 'a number high bound', describe(high));
  if (low > high) fail('clamp', 'low ≤ high', `low ${low}, high ${high}`);
  const out = empty(x.shape, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.clamp(x.data, low, high, out.data);
  return out;
}

/**
 * `x·scale + shift` in one pass (float32 for int32 input).
 *
 * @example affine(tensor([1, 2]), 2, 1).toArray(); // [3, 5]
 */
export function affine(x: Tensor, scale: number, shift = 0): Tensor {
  checkTensor('affine', x);
  if (typeof scale !== 'number' || typeof shift !== 'number') fail('affine', 'number scale and shift', `${describe(scale)} and ${describe(shift)}`);
  const out = empty(x.shape, { dtype: isFloat(x.dtype) ? x.dtype : 'float32', backend: x.backend });
  x.backend.kernels.affine(x.data, scale, shift, out.data);
  return out;
}
