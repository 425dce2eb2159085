import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import { record } from '../graph.js';
import type { Differentiable, Variable } from '../variable.js';
import { firstTensor, two, unbroadcast, value } from './common.js';

function operands(a: Differentiable, b: Differentiable): [Tensor, Tensor] {
  const like = firstTensor(a, b);
  return [value(a, like), value(b, like)];
}

/**
 * `a + b` (broadcast).
 *
 * Gradient: `d a = dy`, `d b = dy`, each summed back to its operand's shape.
 *
 * @example add(x, 1)
 */
export function add(a: Differentiable, b: Differentiable): Variable {
  const [x, y] = operands(a, b);
  return two('add', a, b, T.add(x, y), (dy) => [unbroadcast(dy, x.shape), unbroadcast(dy, y.shape)]);
}

/** `a − b` (broadcast). Gradient: `d a = dy`, `d b = −dy`. @example sub(x, y) */
export function sub(a: Differentiable, b: Differentiable): Variable {
  const [x, y] = operands(a, b);
  return two('sub', a, b, T.sub(x, y), (dy) => [unbroadcast(dy, x.shape), unbroadcast(T.neg(dy), y.shape)]);
}

/**
 * `a · b` (broadcast). Gradient: `d a = b·dy`, `d b = a·dy`; for a square (`mul(x, x)`, one
 * operand twice) the one gradient `d x = (x + x)·dy`, two passes instead of three.
 *
 * @example mul(x, x)
 */
export function mul(a: Differentiable, b: Differentiable): Variable {
  const [x, y] = operands(a, b);
  if (a === b && typeof a !== 'number') return two('mul', a, b, T.mul(x, y), (dy) => [T.mul(dy, T.add(x, x)), null]);
  return two('mul', a, b, T.mul(x, y), (dy) => [unbroadcast(T.mul(dy, y), x.shape), unbroadcast(T.mul(dy, x), y.shape)]);
}

/** `a / b` (broadcast). Gradient: `d a = dy/b`, `d b = −dy·a/b² = −dy·out/b`. @example div(x, 2) */
export function div(a: Differentiable, b: Differentiable): Variable {
  const [x, y] = operands(a, b);
  const out = T.div(x, y);
  return two('div', a, b, out, (dy) => [unbroadcast(T.div(dy, y), x.shape), unbroadcast(T.neg(T.div(T.mul(dy, out), y)), y.shape)]);
}

/**
 * `aᵇ` (broadcast).
 *
 * Gradient: `d a = b·a^(b−1)·dy`, `d b = out·ln(a)·dy` (0 where `a = 0` and `b ≥ 0`, as PyTorch).
 *
 * @example pow(x, 3)
 */
export function pow(a: Differentiable, b: Differentiable): Variable {
  const [x, y] = operands(a, b);
  const out = T.pow(x, y);
  return two('pow', a, b, out, (dy) => {
    const da = T.mul(dy, T.mul(y, T.pow(x, T.affine(y, 1, -1))));
    const logBase = T.where(T.mul(T.eq(x, 0), T.ge(y, 0)), 0, T.log(x));
    const db = T.mul(dy, T.mul(out, logBase));
    return [unbroadcast(da, x.shape), unbroadcast(db, y.shape)];
  });
}

/**
 * Larger of `a` and `b` (broadcast; NaN if either is NaN).
 *
 * Gradient: `dy` goes to the larger operand; on ties each gets `dy/2` (PyTorch's rule).
 *
 * @example maximum(x, 0)
 */
export function maximum(a: Differentiable, b: Differentiable): Variable {
  return extremum('maximum', a, b, T.gt);
}

/** Smaller of `a` and `b` (broadcast). Gradient: `dy` to the smaller operand, `dy/2` each on ties. @example minimum(x, 1) */
export function minimum(a: Differentiable, b: Differentiable): Variable {
  return extremum('minimum', a, b, T.lt);
}

function extremum(op: 'maximum' | 'minimum', a: Differentiable, b: Differentiable, wins: (p: Tensor, q: Tensor) => Tensor): Variable {
  const [x, y] = operands(a, b);
  const out = op === 'maximum' ? T.maximum(x, y) : T.minimum(x, y);
  return two(op, a, b, out, (dy) => {
    // share of a: 1 where a wins, ½ on ties, 0 where b wins
    const share = T.add(wins(x, y), T.affine(T.eq(x, y), 0.5));
    const da = T.mul(dy, share);
    const db = T.sub(dy, da);
    return [unbroadcast(da, x.shape), unbroadcast(db, y.shape)];
  });
}

/**
 * `condition ≠ 0 ? a : b` (all broadcast). `condition` is not differentiated.
 *
 * Gradient: `d a = dy·[condition]`, `d b = dy·[¬condition]`.
 *
 * @example where(gt(x, 0), x, 0)
 */
export function where(condition: Tensor | Variable, a: Differentiable, b: Differentiable): Variable {
  const c = value(condition);
  const [x, y] = operands(a, b);
  const out = T.where(c, x, y);
  return record('where', [a, b], [out], ([dy]) => [
    unbroadcast(T.where(c, dy, 0), x.shape),
    unbroadcast(T.where(c, 0, dy), y.shape),
  ])[0];
}
