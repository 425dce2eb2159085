import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import { record, valueOf } from './graph.js';
import { Variable, type Differentiable } from './variable.js';

/** The value of an op argument: numbers become scalars of the other operand's dtype. */
function value(x: Differentiable, like?: Tensor): Tensor {
  if (typeof x === 'number') return T.full([], x, { dtype: like?.dtype ?? 'float32', backend: like?.backend });
  return valueOf(x);
}

function firstTensor(...xs: Differentiable[]): Tensor | undefined {
  for (const x of xs) if (typeof x !== 'number') return valueOf(x);
  return undefined;
}

/** Sums a broadcast gradient back to an operand's shape. */
export function unbroadcast(gradient: Tensor, shape: readonly number[]): Tensor {
  if (T.shapesEqual(gradient.shape, shape)) return gradient;
  const extra = gradient.rank - shape.length;
  const axes: number[] = [];
  for (let axis = 0; axis < gradient.rank; axis++) {
    if (axis < extra || (shape[axis - extra] === 1 && gradient.shape[axis] !== 1)) axes.push(axis);
  }
  const summed = axes.length ? T.sum(gradient, { axis: axes, keepDims: true }) : gradient;
  return T.reshape(summed, shape);
}

function one(op: string, input: Differentiable, out: Tensor, rule: (dy: Tensor) => Tensor | null): Variable {
  return record(op, [input], [out], ([dy]) => [rule(dy)])[0];
}

function two(op: string, a: Differentiable, b: Differentiable, out: Tensor, rule: (dy: Tensor) => [Tensor | null, Tensor | null]): Variable {
  return record(op, [a, b], [out], ([dy]) => rule(dy))[0];
}

// ---- elementwise, two operands -----------------------------------------------------------------

/** `a + b` (broadcast). d a = dy, d b = dy, each summed to its shape. */
export function add(a: Differentiable, b: Differentiable): Variable {
  const like = firstTensor(a, b);
  const x = value(a, like), y = value(b, like);
  return two('add', a, b, T.add(x, y), (dy) => [unbroadcast(dy, x.shape), unbroadcast(dy, y.shape)]);
}

/** `a − b` (broadcast). d a = dy, d b = −dy. */
export function sub(a: Differentiable, b: Differentiable): Variable {
  const like = firstTensor(a, b);
  const x = value(a, like), y = value(b, like);
  return two('sub', a, b, T.sub(x, y), (dy) => [unbroadcast(dy, x.shape), unbroadcast(T.neg(dy), y.shape)]);
}

/** `a · b` (broadcast). d a = b·dy, d b = a·dy. */
export function mul(a: Differentiable, b: Differentiable): Variable {
  const like = firstTensor(a, b);
  const x = value(a, like), y = value(b, like);
  return two('mul', a, b, T.mul(x, y), (dy) => [unbroadcast(T.mul(dy, y), x.shape), unbroadcast(T.mul(dy, x), y.shape)]);
}

/** `a / b` (broadcast). d a = dy/b, d b = −dy·a/b². */
export function div(a: Differentiable, b: Differentiable): Variable {
  const like = firstTensor(a, b);
  const x = value(a, like), y = value(b, like);
  const out = T.div(x, y);
  return two('div', a, b, out, (dy) => [unbroadcast(T.div(dy, y), x.shape), unbroadcast(T.neg(T.div(T.mul(dy, out), y)), y.shape)]);
}

// ---- elementwise, one operand ------------------------------------------------------------------

/** `−x`. d x = −dy. */
export function neg(x: Differentiable): Variable {
  return one('neg', x, T.neg(value(x)), (dy) => T.neg(dy));
}

/** `eˣ`. d x = y·dy. */
export function exp(x: Differentiable): Variable {
  const y = T.exp(value(x));
  return one('exp', x, y, (dy) => T.mul(dy, y));
}

/** Natural logarithm. d x = dy/x. */
export function log(x: Differentiable): Variable {
  const v = value(x);
  return one('log', x, T.log(v), (dy) => T.div(dy, v));
}

/** Hyperbolic tangent. d x = (1 − y²)·dy. */
export function tanh(x: Differentiable): Variable {
  const y = T.tanh(value(x));
  return one('tanh', x, y, (dy) => T.mul(dy, T.affine(T.square(y), -1, 1)));
}

/** Logistic sigmoid. d x = y·(1 − y)·dy. */
export function sigmoid(x: Differentiable): Variable {
  const y = T.sigmoid(value(x));
  return one('sigmoid', x, y, (dy) => T.mul(dy, T.mul(y, T.affine(y, -1, 1))));
}

/** `max(x, 0)`. d x = dy where x > 0. */
export function relu(x: Differentiable): Variable {
  const v = value(x);
  return one('relu', x, T.relu(v), (dy) => T.mul(dy, T.gt(v, 0)));
}

// ---- products and reductions -------------------------------------------------------------------

/**
 * Matrix product (PyTorch's `matmul` semantics, see @recurrent/tensor). For 2-D and batched
 * operands: d a = dy·bᵀ, d b = aᵀ·dy, each summed over broadcast batch axes.
 */
export function matmul(a: Differentiable, b: Differentiable, options: T.MatmulOptions = {}): Variable {
  const x = value(a), y = value(b);
  const out = T.matmul(x, y, options);
  const transA = options.transposeA ?? false;
  const transB = options.transposeB ?? false;
  return two('matmul', a, b, out, (dy) => {
    // Promote 1-D operands as the forward did, so one rule covers every case.
    const x2 = x.rank === 1 ? T.reshape(x, [1, x.shape[0]]) : x;
    const y2 = y.rank === 1 ? T.reshape(y, [y.shape[0], 1]) : y;
    let g = dy;
    if (x.rank === 1) g = T.reshape(g, [...g.shape.slice(0, -1), 1, g.shape[g.rank - 1]]);
    if (y.rank === 1) g = T.reshape(g, [...g.shape, 1]);
    // op(A)·op(B) = C:  d op(A) = dC·op(B)ᵀ,  d op(B) = op(A)ᵀ·dC
    const da = transA
      ? T.matmul(y2, g, { transposeA: transB, transposeB: true }) // d A = op(B)·dCᵀ
      : T.matmul(g, y2, { transposeB: !transB });
    const db = transB
      ? T.matmul(g, x2, { transposeA: true, transposeB: transA }) // d B = dCᵀ·op(A)
      : T.matmul(x2, g, { transposeA: !transA });
    return [T.reshape(unbroadcast(da, x2.shape), x.shape), T.reshape(unbroadcast(db, y2.shape), y.shape)];
  });
}

/** Sum over axes. d x = dy broadcast back over the summed axes. */
export function sum(x: Differentiable, options: T.ReduceOptions = {}): Variable {
  const v = value(x);
  const out = T.sum(v, options);
  return one('sum', x, out, (dy) => {
    const kept = T.reshape(dy, keptShape(v.shape, options));
    return T.add(T.zerosLike(v), kept);
  });
}

/** Mean over axes. d x = dy / count, broadcast back. */
export function mean(x: Differentiable, options: T.ReduceOptions = {}): Variable {
  const v = value(x);
  const out = T.mean(v, options);
  const count = v.size / Math.max(out.size, 1);
  return one('mean', x, out, (dy) => T.add(T.zerosLike(v), T.affine(T.reshape(dy, keptShape(v.shape, options)), 1 / count)));
}

/** The shape of a reduction's result with the reduced axes kept as 1. */
export function keptShape(shape: readonly number[], options: T.ReduceOptions): number[] {
  const axes = T.normalizeAxes('reduce', options.axis, shape.length);
  return shape.map((d, axis) => (axes.includes(axis) ? 1 : d));
}

// ---- movement ------------------------------------------------------------------------------

/** The same elements in another shape. d x = dy reshaped back. */
export function reshape(x: Differentiable, shape: readonly number[]): Variable {
  const v = value(x);
  return one('reshape', x, T.reshape(v, shape), (dy) => T.reshape(dy, v.shape));
}

/** Swaps two axes. d x = dy with the same axes swapped back. */
export function transpose(x: Differentiable, axis0 = -2, axis1 = -1): Variable {
  return one('transpose', x, T.transpose(value(x), axis0, axis1), (dy) => T.transpose(dy, axis0, axis1));
}

