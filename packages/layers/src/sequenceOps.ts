import { type Tensor, empty, fail, formatShape } from '@recurrent/tensor';
import { type Variable, concat, definePrimitive, split, squeeze, stack as stackSteps, valueOf } from '@recurrent/autograd';

// The sequence layers' movement: split a sequence into steps, stack steps back and concatenate
// features are autograd's `split` / `squeeze`, `stack` and `concat`; selecting rows by a mask and
// reversing each sequence within its length are primitives of their own (one graph node each,
// whose backward is the copy in the other direction).

function view3(op: string, x: Tensor, axis: number): [number, number, number] {
  if (x.rank !== 3) fail(op, 'a 3-D tensor [time, batch, features] or [batch, time, features]', formatShape(x.shape));
  if (axis !== 0 && axis !== 1) fail(op, 'time axis 0 or 1', String(axis));
  return [x.shape[0], x.shape[1], x.shape[2]];
}

/**
 * Splits a 3-D sequence along its time axis into `[rows, features]` steps (one graph node).
 *
 * Shapes: `x: [T, B, F]` (axis 0) or `[B, T, F]` (axis 1) → `T` tensors `[B, F]`.
 *
 * @example
 * const steps = unbind(x, 0); // x: [5, 2, 3] → five [2, 3] steps
 */
export function unbind(x: Variable | Tensor, axis: number): Variable[] {
  view3('unbind', valueOf(x), axis);
  // one split node, then views without the axis
  return split(x, 1, axis).map((step) => squeeze(step, axis));
}

/**
 * Stacks `[B, F]` steps into a 3-D sequence along `axis` (0: `[T, B, F]`, 1: `[B, T, F]`); the
 * inverse of {@link unbind}.
 *
 * Shapes: `T` tensors `[B, F]` → `[T, B, F]` (axis 0) or `[B, T, F]` (axis 1).
 *
 * @example
 * const sequence = stack(outputs, 1); // five [2, 3] steps → [2, 5, 3]
 */
export function stack(steps: readonly (Variable | Tensor)[], axis: number): Variable {
  if (steps.length === 0) fail('stack', 'at least one step', 'none');
  const first = valueOf(steps[0]);
  for (const step of steps) {
    const shape = valueOf(step).shape;
    if (shape.length !== 2 || shape[0] !== first.shape[0] || shape[1] !== first.shape[1]) fail('stack', `steps of shape ${formatShape(first.shape)}`, formatShape(shape));
  }
  return stackSteps(steps, axis);
}

const selectPrimitive = definePrimitive<{ mask: Uint8Array }, 'a' | 'b'>({
  name: 'selectRows',
  inputs: ['a', 'b'],
  forward(context, { a, b }, { mask }) {
    const rows = a!.shape[0], width = a!.size / Math.max(rows, 1);
    const out = empty(a!.shape, { dtype: a!.dtype, backend: a!.backend });
    for (let r = 0; r < rows; r++) {
      if (mask[r]) out.data.set(a!.data.subarray(r * width, (r + 1) * width), r * width);
      else if (b) out.data.set(b.data.subarray(r * width, (r + 1) * width), r * width);
    }
    context.saved.width = width;
    return [out];
  },
  backward(context, [g], { mask }) {
    const width = context.saved.width as number;
    const da = context.needsGrad.a ? empty(g.shape, { dtype: g.dtype, backend: g.backend }) : null;
    const db = context.needsGrad.b ? empty(g.shape, { dtype: g.dtype, backend: g.backend }) : null;
    for (let r = 0; r < g.shape[0]; r++) {
      const target = mask[r] ? da : db;
      if (target) target.data.set(g.data.subarray(r * width, (r + 1) * width), r * width);
    }
    return { a: da, b: db };
  },
});

/**
 * Row `r` of the result is row `r` of `a` where `mask[r]` is 1, else row `r` of `b` (zeros when
 * `b` is null). The gradient goes to the chosen side only.
 *
 * Shapes: `mask: [rows]`, `a`, `b`: `[rows, ...]` → `[rows, ...]`.
 *
 * @example
 * // keep the new state of sequences still running, the old one of finished ones
 * const h = selectRows(Uint8Array.from(lengths, (n) => (t < n ? 1 : 0)), hNew, hOld);
 */
export function selectRows(mask: Uint8Array, a: Variable | Tensor, b: Variable | Tensor | null): Variable {
  return selectPrimitive({ a, b }, { mask })[0];
}

const reversePrimitive = definePrimitive<{ lengths: readonly number[]; axis: number }, 'x'>({
  name: 'reverseWithinLengths',
  inputs: ['x'],
  forward(context, { x }, options) {
    return [reverseCopy(x!, options.lengths, options.axis)];
  },
  backward(context, [g], options) {
    // The permutation is its own inverse.
    return { x: reverseCopy(g, options.lengths, options.axis) };
  },
});

function reverseCopy(x: Tensor, lengths: readonly number[], axis: number): Tensor {
  const shape = view3('reverseWithinLengths', x, axis);
  const [, n1, f] = shape;
  const out = empty(shape, { dtype: x.dtype, backend: x.backend });
  const steps = shape[axis];
  const batch = shape[1 - axis];
  for (let b = 0; b < batch; b++) {
    const length = lengths[b];
    for (let t = 0; t < steps; t++) {
      const source = t < length ? length - 1 - t : t;
      const from = axis === 0 ? (source * n1 + b) * f : (b * n1 + source) * f;
      const to = axis === 0 ? (t * n1 + b) * f : (b * n1 + t) * f;
      out.data.set(x.data.subarray(from, from + f), to);
    }
  }
  return out;
}

/**
 * Reverses each sequence `b` over its first `lengths[b]` steps and leaves the padding in place
 * (how a reverse direction reads a padded batch).
 *
 * Shapes: `x: [T, B, F]` (axis 0) or `[B, T, F]` (axis 1), `lengths: [B]` → the shape of `x`.
 *
 * @example
 * const backwardInput = reverseWithinLengths(x, [3, 5], 0); // x: [5, 2, F]
 */
export function reverseWithinLengths(x: Variable | Tensor, lengths: readonly number[], axis: number): Variable {
  return reversePrimitive({ x }, { lengths, axis })[0];
}

/**
 * Concatenates two tensors along their last axis (leading axes must hold the same rows).
 *
 * Shapes: `a: [..., Fa]`, `b: [..., Fb]` → `[..., Fa + Fb]`.
 *
 * @example
 * const both = concatFeatures(forwardOutput, backwardOutput); // [T, B, H] twice → [T, B, 2H]
 */
export function concatFeatures(a: Variable | Tensor, b: Variable | Tensor): Variable {
  const [va, vb] = [valueOf(a), valueOf(b)];
  if (va.size / va.shape[va.rank - 1] !== vb.size / vb.shape[vb.rank - 1]) {
    fail('concatFeatures', `operands with ${va.size / va.shape[va.rank - 1]} rows`, `${formatShape(va.shape)} and ${formatShape(vb.shape)}`);
  }
  return concat([a, b], -1);
}
