import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import { record, valueOf } from '../graph.js';
import type { Variable } from '../variable.js';

type Operand = Variable | Tensor;

/** Pieces of `dy` along `axis` with the given sizes. */
function pieces(dy: Tensor, sizes: number[], axis: number): Tensor[] {
  return T.split(dy, sizes, axis);
}

/**
 * Joins along an existing axis. Gradient: `dy` split back into pieces of the inputs' sizes.
 *
 * @example concat([h, c], -1)
 */
export function concat(tensors: readonly Operand[], axis = 0): Variable {
  const values = tensors.map(valueOf);
  const out = T.concat(values, axis);
  const resolved = T.normalizeAxis('concat', axis, out.rank);
  return record('concat', [...tensors], [out], ([dy]) => pieces(dy, values.map((x) => x.shape[resolved]), resolved))[0];
}

/**
 * Joins tensors of one shape along a new axis. Gradient: `dy` split along that axis, each piece
 * with the axis removed.
 *
 * @example stack(hiddenStates, 0) // [T, B, H]
 */
export function stack(tensors: readonly Operand[], axis = 0): Variable {
  const values = tensors.map(valueOf);
  const out = T.stack(values, axis);
  const resolved = axis < 0 ? axis + out.rank : axis;
  return record('stack', [...tensors], [out], ([dy]) => pieces(dy, values.map(() => 1), resolved).map((g, i) => T.reshape(g, values[i].shape)))[0];
}

function splitInto(op: string, x: Operand, parts: Tensor[], axis: number): Variable[] {
  const v = valueOf(x);
  const resolved = T.normalizeAxis(op, axis, v.rank);
  // d x = concat(dy₁, …, dyₙ): outputs that got no gradient arrive as zeros
  return record(op, [x], parts, (gradients) => [gradients.length === 1 ? gradients[0] : T.concat(gradients, resolved)]);
}

/**
 * Splits along an axis (a size per piece, or a list of sizes). Gradient: the pieces' gradients
 * joined back (zeros for pieces that got none).
 *
 * @example const [i, f, g, o] = split(gates, hiddenSize, 1);
 */
export function split(x: Operand, sizes: number | readonly number[], axis = 0): Variable[] {
  return splitInto('split', x, T.split(valueOf(x), sizes, axis), axis);
}

/** Splits into `chunks` pieces along an axis. Gradient: the pieces' gradients joined back. @example const [i, f, g, o] = chunk(gates, 4, 1); */
export function chunk(x: Operand, chunks: number, axis = 0): Variable[] {
  return splitInto('chunk', x, T.chunk(valueOf(x), chunks, axis), axis);
}
