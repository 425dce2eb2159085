import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import { record, valueOf } from '../graph.js';
import type { Differentiable, Variable } from '../variable.js';

/** The value of an op argument: numbers become scalars of the other operand's dtype. */
export function value(x: Differentiable, like?: Tensor): Tensor {
  if (typeof x === 'number') return T.full([], x, { dtype: like?.dtype ?? 'float32', backend: like?.backend });
  return valueOf(x);
}

/** The first argument that is not a number, as a tensor (numbers take its dtype and backend). */
export function firstTensor(...xs: Differentiable[]): Tensor | undefined {
  for (const x of xs) if (typeof x !== 'number') return valueOf(x);
  return undefined;
}

/**
 * Sums a broadcast gradient back to an operand's shape: over the leading axes the operand lacks
 * and over the axes where it has size 1.
 *
 * @example
 * unbroadcast(gradient, [3]).shape; // gradient [2, 3] (of a + b with b: [3]) → [3]
 */
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

/**
 * The shape of a reduction's result with the reduced axes kept as 1.
 *
 * @example
 * keptShape([2, 3, 4], { axis: 1 }); // [2, 1, 4]
 */
export function keptShape(shape: readonly number[], options: T.ReduceOptions): number[] {
  const axes = T.normalizeAxes('reduce', options.axis, shape.length);
  return shape.map((d, axis) => (axes.includes(axis) ? 1 : d));
}

/** Broadcasts `x` to `shape` (a contiguous copy). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (T.shapesEqual(x.shape, shape)) return x;
  const out = T.empty(shape, { dtype: x.dtype, backend: x.backend });
  x.backend.kernels.copy(T.broadcastView(x, shape), out.data, shape);
  return out;
}

/** Records an op of one differentiable input. */
export function one(op: string, input: Differentiable, out: Tensor, rule: (dy: Tensor) => Tensor | null): Variable {
  return record(op, [input], [out], ([dy]) => [rule(dy)])[0];
}

/** Records an op of two differentiable inputs. */
export function two(op: string, a: Differentiable, b: Differentiable, out: Tensor, rule: (dy: Tensor) => [Tensor | null, Tensor | null]): Variable {
  return record(op, [a, b], [out], ([dy]) => rule(dy))[0];
}
