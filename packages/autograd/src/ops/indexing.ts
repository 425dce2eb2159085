import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import { record } from '../graph.js';
import type { Differentiable, Variable } from '../variable.js';
import { one, value } from './common.js';

/** The flat position of every element of `x`, as an int32 tensor of its shape. */
function positions(x: Tensor): Tensor {
  const data = new Int32Array(x.size);
  for (let i = 0; i < data.length; i++) data[i] = i;
  return T.fromData(data, x.shape, { backend: x.backend });
}

/** `d x[where[p]] += dy[p]` into zeros of `x`'s shape: the adjoint of any selection of elements. */
function scatterInto(x: Tensor, where: Tensor, dy: Tensor): Tensor {
  const dx = T.zeros(x.shape, { dtype: dy.dtype, backend: dy.backend });
  const at = where.data;
  const values = dy.data;
  const out = dx.data;
  for (let p = 0; p < at.length; p++) out[at[p]] += values[p];
  return dx;
}

/**
 * Selects a sub-block (ranges and integer indices per leading axis, see @recurrent/tensor).
 * Gradient: `d x = dy` written back into the selected positions, 0 elsewhere.
 *
 * @example slice(x, [{ start: 1 }, { step: 2 }])
 */
export function slice(x: Differentiable, ranges: readonly (T.SliceRange | number | null | undefined)[]): Variable {
  const v = value(x);
  return one('slice', x, T.slice(v, ranges), (dy) => scatterInto(v, T.slice(positions(v), ranges), dy));
}

/** `length` positions of one axis from `start`. Gradient: `d x = dy` in those positions, 0 elsewhere. @example narrow(x, 0, 1, 2) */
export function narrow(x: Differentiable, axis: number, start: number, length: number): Variable {
  const v = value(x);
  return one('narrow', x, T.narrow(v, axis, start, length), (dy) => scatterInto(v, T.narrow(positions(v), axis, start, length), dy));
}

/**
 * Pads with a constant (`padding[axis] = [before, after]`, outermost first). Gradient: `d x` is
 * the block of `dy` without the padding.
 *
 * @example pad(x, [[0, 0], [1, 1]])
 */
export function pad(x: Differentiable, padding: readonly (readonly [number, number])[], fill = 0): Variable {
  const v = value(x);
  return one('pad', x, T.pad(v, padding, fill), (dy) =>
    T.clone(T.slice(dy, padding.map(([before], axis) => ({ start: before, end: before + v.shape[axis] })))),
  );
}

/**
 * PyTorch's `gather` along an axis (`index` int32, not differentiated). Gradient: `d x` adds each
 * `dy` element into the position it read (repeated positions accumulate).
 *
 * @example gather(logProbabilities, 1, targets)
 */
export function gather(x: Differentiable, axis: number, index: Tensor): Variable {
  const v = value(x);
  return one('gather', x, T.gather(v, axis, index), (dy) => scatterInto(v, T.gather(positions(v), axis, index), dy));
}

/**
 * Picks positions of one axis, as PyTorch's `index_select` (indices not differentiated).
 * Gradient: `d x = indexAdd(0, axis, indices, dy)`.
 *
 * @example indexSelect(embedding, 0, ids)
 */
export function indexSelect(x: Differentiable, axis: number, indices: Tensor | readonly number[]): Variable {
  const v = value(x);
  return one('indexSelect', x, T.indexSelect(v, axis, indices), (dy) => T.indexAdd(T.zerosLike(dy.dtype === v.dtype ? v : T.cast(v, dy.dtype)), axis, indices, dy));
}

/**
 * `x` with `source` added at `indices` of one axis, as PyTorch's `index_add`. Gradient:
 * `d x = dy`, `d source = indexSelect(dy, axis, indices)`.
 *
 * @example indexAdd(zeros([3, 2]), 0, [0, 0, 2], rows)
 */
export function indexAdd(x: Differentiable, axis: number, indices: Tensor | readonly number[], source: Differentiable): Variable {
  const v = value(x), s = value(source, v);
  const out = T.indexAdd(v, axis, indices, s);
  return record('indexAdd', [x, source], [out], ([dy]) => [dy, T.indexSelect(dy, axis, indices)])[0];
}
