import { type Tensor, empty, fail, formatShape } from '@recurrent/tensor';
import { type Variable, definePrimitive } from '@recurrent/autograd';

// Differentiable movement primitives the sequence layers need: split a sequence into steps,
// stack steps back, select rows by a mask, reverse each sequence within its length, concatenate
// features. Each is one graph node with a hand-written backward (a copy in the other direction).

function view3(op: string, x: Tensor, axis: number): [number, number, number] {
  if (x.rank !== 3) fail(op, 'a 3-D tensor [time, batch, features] or [batch, time, features]', formatShape(x.shape));
  if (axis !== 0 && axis !== 1) fail(op, 'time axis 0 or 1', String(axis));
  return [x.shape[0], x.shape[1], x.shape[2]];
}

/** Copies slice `index` of axis `axis` (0 or 1) of a 3-D array into (or out of) a `[rows, F]` block. */
function copySlice(source: Tensor['data'], target: Tensor['data'], shape: [number, number, number], axis: number, index: number, toSlice: boolean): void {
  const [, n1, f] = shape;
  if (axis === 0) {
    const start = index * n1 * f;
    if (toSlice) target.set(source.subarray(start, start + n1 * f));
    else target.set(source, start);
    return;
  }
  for (let i = 0; i < shape[0]; i++) {
    const start = (i * n1 + index) * f;
    if (toSlice) target.set(source.subarray(start, start + f), i * f);
    else target.set(source.subarray(i * f, (i + 1) * f), start);
  }
}

const unbindPrimitive = definePrimitive<{ axis: number }>({
  name: 'unbind',
  forward(context, [x], { axis }) {
    const shape = view3('unbind', x!, axis);
    const rows = shape[1 - axis];
    context.saved.shape = shape;
    context.saved.like = x;
    return Array.from({ length: shape[axis] }, (_, index) => {
      const out = empty([rows, shape[2]], { dtype: x!.dtype, backend: x!.backend });
      copySlice(x!.data, out.data, shape, axis, index, true);
      return out;
    });
  },
  backward(context, gradients, { axis }) {
    const shape = context.saved.shape as [number, number, number];
    const like = context.saved.like as Tensor;
    const dx = empty(shape, { dtype: like.dtype, backend: like.backend });
    gradients.forEach((g, index) => copySlice(g.data, dx.data, shape, axis, index, false));
    return [dx];
  },
});

/**
 * Splits a 3-D sequence along its time axis into `[rows, features]` steps (one graph node).
 *
 * Shapes: `x: [T, B, F]` (axis 0) or `[B, T, F]` (axis 1) → `T` tensors `[B, F]`.
 *
 * @example
 * const steps = unbind(x, 0); // x: [5, 2, 3] → five [2, 3] steps
 */
export function unbind(x: Variable | Tensor, axis: number): Variable[] {
  return unbindPrimitive([x], { axis });
}

const stackPrimitive = definePrimitive<{ axis: number }>({
  name: 'stack',
  forward(context, steps, { axis }) {
    const first = steps[0]!;
    const shape: [number, number, number] = axis === 0 ? [steps.length, first.shape[0], first.shape[1]] : [first.shape[0], steps.length, first.shape[1]];
    const out = empty(shape, { dtype: first.dtype, backend: first.backend });
    steps.forEach((step, index) => {
      if (step!.rank !== 2 || step!.shape[0] !== first.shape[0] || step!.shape[1] !== first.shape[1]) {
        fail('stack', `steps of shape ${formatShape(first.shape)}`, formatShape(step!.shape));
      }
      copySlice(step!.data, out.data, shape, axis, index, false);
    });
    context.saved.shape = shape;
    return [out];
  },
  backward(context, [g], { axis }) {
    const shape = context.saved.shape as [number, number, number];
    return Array.from({ length: shape[axis] }, (_, index) => {
      const out = empty([shape[1 - axis], shape[2]], { dtype: g.dtype, backend: g.backend });
      copySlice(g.data, out.data, shape, axis, index, true);
      return out;
    });
  },
});

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
  return stackPrimitive([...steps], { axis })[0];
}

const selectPrimitive = definePrimitive<{ mask: Uint8Array }>({
  name: 'selectRows',
  forward(context, [a, b], { mask }) {
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
    const [needA, needB] = context.needsGrad;
    const da = needA ? empty(g.shape, { dtype: g.dtype, backend: g.backend }) : null;
    const db = needB ? empty(g.shape, { dtype: g.dtype, backend: g.backend }) : null;
    for (let r = 0; r < g.shape[0]; r++) {
      const target = mask[r] ? da : db;
      if (target) target.data.set(g.data.subarray(r * width, (r + 1) * width), r * width);
    }
    return [da, db];
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
  return selectPrimitive([a, b], { mask })[0];
}

const reversePrimitive = definePrimitive<{ lengths: readonly number[]; axis: number }>({
  name: 'reverseWithinLengths',
  forward(context, [x], options) {
    return [reverseCopy(x!, options.lengths, options.axis)];
  },
  backward(context, [g], options) {
    // The permutation is its own inverse.
    return [reverseCopy(g, options.lengths, options.axis)];
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
  return reversePrimitive([x], { lengths, axis })[0];
}

const concatPrimitive = definePrimitive<void>({
  name: 'concatFeatures',
  forward(context, [a, b]) {
    const fa = a!.shape[a!.rank - 1], fb = b!.shape[b!.rank - 1];
    const rows = a!.size / fa;
    if (b!.size / fb !== rows) fail('concatFeatures', `operands with ${rows} rows`, `${formatShape(a!.shape)} and ${formatShape(b!.shape)}`);
    const out = empty([...a!.shape.slice(0, -1), fa + fb], { dtype: a!.dtype, backend: a!.backend });
    for (let r = 0; r < rows; r++) {
      out.data.set(a!.data.subarray(r * fa, (r + 1) * fa), r * (fa + fb));
      out.data.set(b!.data.subarray(r * fb, (r + 1) * fb), r * (fa + fb) + fa);
    }
    Object.assign(context.saved, { aShape: a!.shape, bShape: b!.shape });
    return [out];
  },
  backward(context, [g]) {
    const aShape = context.saved.aShape as number[], bShape = context.saved.bShape as number[];
    const fa = aShape[aShape.length - 1], fb = bShape[bShape.length - 1];
    const da = empty(aShape, { dtype: g.dtype, backend: g.backend });
    const db = empty(bShape, { dtype: g.dtype, backend: g.backend });
    for (let r = 0; r < da.size / fa; r++) {
      da.data.set(g.data.subarray(r * (fa + fb), r * (fa + fb) + fa), r * fa);
      db.data.set(g.data.subarray(r * (fa + fb) + fa, (r + 1) * (fa + fb)), r * fb);
    }
    return [da, db];
  },
});

/**
 * Concatenates two tensors along their last axis (leading axes must hold the same rows).
 *
 * Shapes: `a: [..., Fa]`, `b: [..., Fb]` → `[..., Fa + Fb]`.
 *
 * @example
 * const both = concatFeatures(forwardOutput, backwardOutput); // [T, B, H] twice → [T, B, 2H]
 */
export function concatFeatures(a: Variable | Tensor, b: Variable | Tensor): Variable {
  return concatPrimitive([a, b], undefined)[0];
}
