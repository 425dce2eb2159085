import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import type { Differentiable, Variable } from '../variable.js';
import { one, value } from './common.js';

/** `−x`. Gradient: `d x = −dy`. @example neg(x) */
export function neg(x: Differentiable): Variable {
  return one('neg', x, T.neg(value(x)), (dy) => T.neg(dy));
}

/** `|x|`. Gradient: `d x = sign(x)·dy` (0 at 0, as PyTorch). @example abs(x) */
export function abs(x: Differentiable): Variable {
  const v = value(x);
  return one('abs', x, T.abs(v), (dy) => T.mul(dy, T.sign(v)));
}

/** `eˣ`. Gradient: `d x = y·dy`. @example exp(x) */
export function exp(x: Differentiable): Variable {
  const y = T.exp(value(x));
  return one('exp', x, y, (dy) => T.mul(dy, y));
}

/** Natural logarithm. Gradient: `d x = dy/x`. @example log(x) */
export function log(x: Differentiable): Variable {
  const v = value(x);
  return one('log', x, T.log(v), (dy) => T.div(dy, v));
}

/** `log(1 + x)`, accurate near 0. Gradient: `d x = dy/(1 + x)`. @example log1p(x) */
export function log1p(x: Differentiable): Variable {
  const v = value(x);
  return one('log1p', x, T.log1p(v), (dy) => T.div(dy, T.affine(v, 1, 1)));
}

/** `eˣ − 1`, accurate near 0. Gradient: `d x = (y + 1)·dy`. @example expm1(x) */
export function expm1(x: Differentiable): Variable {
  const y = T.expm1(value(x));
  return one('expm1', x, y, (dy) => T.mul(dy, T.affine(y, 1, 1)));
}

/** `√x`. Gradient: `d x = dy/(2y)`. @example sqrt(x) */
export function sqrt(x: Differentiable): Variable {
  const y = T.sqrt(value(x));
  return one('sqrt', x, y, (dy) => T.div(dy, T.affine(y, 2)));
}

/** `1/√x`. Gradient: `d x = −½·y³·dy`. @example rsqrt(x) */
export function rsqrt(x: Differentiable): Variable {
  const y = T.rsqrt(value(x));
  return one('rsqrt', x, y, (dy) => T.mul(dy, T.affine(T.mul(y, T.square(y)), -0.5)));
}

/** `x²`. Gradient: `d x = 2x·dy`. @example square(x) */
export function square(x: Differentiable): Variable {
  const v = value(x);
  return one('square', x, T.square(v), (dy) => T.mul(dy, T.affine(v, 2)));
}

/** `1/x`. Gradient: `d x = −y²·dy`. @example reciprocal(x) */
export function reciprocal(x: Differentiable): Variable {
  const y = T.reciprocal(value(x));
  return one('reciprocal', x, y, (dy) => T.mul(dy, T.neg(T.square(y))));
}

/** Hyperbolic tangent. Gradient: `d tanh = (1 − y²)·dy`. @example tanh(x) */
export function tanh(x: Differentiable): Variable {
  const y = T.tanh(value(x));
  return one('tanh', x, y, (dy) => T.mul(dy, T.affine(T.square(y), -1, 1)));
}

/** Logistic sigmoid `σ(x) = 1/(1 + e⁻ˣ)`. Gradient: `d σ = y·(1 − y)·dy`. @example sigmoid(x) */
export function sigmoid(x: Differentiable): Variable {
  const y = T.sigmoid(value(x));
  return one('sigmoid', x, y, (dy) => T.mul(dy, T.mul(y, T.affine(y, -1, 1))));
}

/** `max(x, 0)`. Gradient: `d x = dy·[x > 0]`. @example relu(x) */
export function relu(x: Differentiable): Variable {
  const v = value(x);
  return one('relu', x, T.relu(v), (dy) => T.mul(dy, T.gt(v, 0)));
}

/** `log(1 + eˣ)`, stable. Gradient: `d x = σ(x)·dy`. @example softplus(x) */
export function softplus(x: Differentiable): Variable {
  const v = value(x);
  return one('softplus', x, T.softplus(v), (dy) => T.mul(dy, T.sigmoid(v)));
}

/** Sine. Gradient: `d x = cos(x)·dy`. @example sin(x) */
export function sin(x: Differentiable): Variable {
  const v = value(x);
  return one('sin', x, T.sin(v), (dy) => T.mul(dy, T.cos(v)));
}

/** Cosine. Gradient: `d x = −sin(x)·dy`. @example cos(x) */
export function cos(x: Differentiable): Variable {
  const v = value(x);
  return one('cos', x, T.cos(v), (dy) => T.mul(dy, T.neg(T.sin(v))));
}

/**
 * `x·scale + shift` in one pass. Gradient: `d x = scale·dy`.
 *
 * @example affine(x, 2, 1) // 2x + 1
 */
export function affine(x: Differentiable, scale: number, shift = 0): Variable {
  return one('affine', x, T.affine(value(x), scale, shift), (dy) => T.affine(dy, scale));
}

/**
 * Limits values to `[low, high]`. Gradient: `d x = dy·[low ≤ x ≤ high]` (PyTorch's rule: the
 * gradient passes at the bounds).
 *
 * @example clamp(x, -1, 1)
 */
export function clamp(x: Differentiable, low = -Infinity, high = Infinity): Variable {
  const v = value(x);
  return one('clamp', x, T.clamp(v, low, high), (dy) => T.mul(dy, T.mul(T.ge(v, low), T.le(v, high))));
}

/** A tensor op whose output is a constant: no gradient flows through it. */
function constant(op: (x: Tensor) => Tensor) {
  return (x: Differentiable): Variable => one(op.name, x, op(value(x)), () => null);
}

/** −1, 0 or 1. **Not differentiable**: no gradient flows through it (PyTorch's is zero). */
export const sign = constant(T.sign);
/** Round down. **Not differentiable**: no gradient flows through it (PyTorch's is zero). */
export const floor = constant(T.floor);
/** Round up. **Not differentiable**: no gradient flows through it (PyTorch's is zero). */
export const ceil = constant(T.ceil);
/** Round half to even. **Not differentiable**: no gradient flows through it (PyTorch's is zero). */
export const round = constant(T.round);
