import { type Generator, type Tensor, fromData } from '@recurrent/tensor';
import { definePrimitive } from '@recurrent/autograd';

// Copies the fused layers need around their sequence primitives, each one graph node whose
// backward is the copy in the other direction.

function like(x: Tensor, shape: number[], data = new Float32Array(shape.reduce((a, b) => a * b, 1))): Tensor {
  return fromData(data, shape, { backend: x.backend });
}

/** `[A, B, F] → [B, A, F]`: batch-first ↔ time-major. */
function swapInto(source: ArrayLike<number>, target: Float32Array, a: number, b: number, f: number): void {
  if (source instanceof Float32Array && f >= 16) {
    // rows of f features move whole: one memory copy each
    for (let i = 0; i < a; i++) {
      for (let j = 0; j < b; j++) target.set(source.subarray((i * b + j) * f, (i * b + j + 1) * f), (j * a + i) * f);
    }
    return;
  }
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const from = (i * b + j) * f;
      const to = (j * a + i) * f;
      for (let k = 0; k < f; k++) target[to + k] = source[from + k];
    }
  }
}

/** Swaps the first two axes of a 3-D tensor (batch-first ↔ time-major). */
export const swapLeadingAxes = definePrimitive<void>({
  name: 'swapLeadingAxes',
  forward(_context, [x]) {
    const [a, b, f] = x!.shape;
    const out = like(x!, [b, a, f]);
    swapInto(x!.data, out.data as Float32Array, a, b, f);
    return [out];
  },
  backward(_context, [dy]) {
    const [b, a, f] = dy.shape;
    const dx = like(dy, [a, b, f]);
    swapInto(dy.data, dx.data as Float32Array, b, a, f);
    return [dx];
  },
});

/** Rows `order[j]` of axis 1 of a `[D, B, F]` tensor, in that order (`out[:, j] = x[:, order[j]]`). */
function pickRows(x: Tensor, order: readonly number[]): Tensor {
  const [d, b, f] = x.shape;
  const out = like(x, [d, b, f]);
  const source = x.data as Float32Array;
  const target = out.data as Float32Array;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < b; j++) target.set(source.subarray((i * b + order[j]) * f, (i * b + order[j] + 1) * f), (i * b + j) * f);
  }
  return out;
}

/**
 * Reorders the batch (axis 1) of a `[T, B, F]` (or `[layers·D, B, F]`) tensor by a permutation:
 * `out[:, j] = x[:, order[j]]`. Its backward is the inverse permutation, one copy with no
 * scatter. The fused layers run variable-length batches longest first with it.
 */
export const permuteBatch = definePrimitive<{ order: readonly number[]; inverse: readonly number[] }>({
  name: 'permuteBatch',
  forward(_context, [x], { order }) {
    return [pickRows(x!, order)];
  },
  backward(_context, [dy], { inverse }) {
    return [pickRows(dy, inverse)];
  },
});

/** `[T, B, F]` forward and reverse outputs → `[T, B, 2F]` (forward features first, as PyTorch). */
export const concatDirections = definePrimitive<void>({
  name: 'concatDirections',
  forward(_context, [forward, reverse]) {
    const [T, B, F] = forward!.shape;
    const out = like(forward!, [T, B, 2 * F]);
    const data = out.data as Float32Array;
    for (let r = 0; r < T * B; r++) {
      data.set(forward!.data.subarray(r * F, (r + 1) * F), r * 2 * F);
      data.set(reverse!.data.subarray(r * F, (r + 1) * F), r * 2 * F + F);
    }
    return [out];
  },
  backward(_context, [dy]) {
    const [T, B, F2] = dy.shape;
    const F = F2 / 2;
    const dForward = like(dy, [T, B, F]);
    const dReverse = like(dy, [T, B, F]);
    for (let r = 0; r < T * B; r++) {
      (dForward.data as Float32Array).set(dy.data.subarray(r * F2, r * F2 + F), r * F);
      (dReverse.data as Float32Array).set(dy.data.subarray(r * F2 + F, (r + 1) * F2), r * F);
    }
    return [dForward, dReverse];
  },
});

/** `N` states `[B, F]` → `[N, B, F]` (PyTorch's `h_n` layout, row `layer·D + direction`). */
export const stackStates = definePrimitive<void>({
  name: 'stackStates',
  forward(_context, states) {
    const [B, F] = states[0]!.shape;
    const out = like(states[0]!, [states.length, B, F]);
    states.forEach((s, i) => (out.data as Float32Array).set(s!.data, i * B * F));
    return [out];
  },
  backward(context, [dy]) {
    const [N, B, F] = dy.shape;
    return Array.from({ length: N }, (_, i) => (context.needsGrad[i] ? like(dy, [B, F], (dy.data as Float32Array).slice(i * B * F, (i + 1) * B * F)) : null));
  },
});

/** `[N, B, F]` → `N` states `[B, F]` (the rows of `h0`). */
export const unstackStates = definePrimitive<void>({
  name: 'unstackStates',
  forward(_context, [x]) {
    const [N, B, F] = x!.shape;
    return Array.from({ length: N }, (_, i) => like(x!, [B, F], (x!.data as Float32Array).slice(i * B * F, (i + 1) * B * F)));
  },
  backward(_context, gradients) {
    const [B, F] = gradients[0].shape;
    const dx = like(gradients[0], [gradients.length, B, F]);
    gradients.forEach((g, i) => (dx.data as Float32Array).set(g.data, i * B * F));
    return [dx];
  },
});

/** Inverted dropout between layers: zeroes each element with probability `p`, scales the rest by
 * `1 / (1 − p)`; the mask is drawn from the layer's seeded generator. */
export const dropoutBetweenLayers = definePrimitive<{ p: number; generator: Generator }>({
  name: 'dropout',
  forward(context, [x], { p, generator }) {
    const mask = new Float32Array(x!.size);
    const scale = 1 / (1 - p);
    for (let i = 0; i < mask.length; i++) mask[i] = generator.uniform() < p ? 0 : scale;
    const out = like(x!, [...x!.shape]);
    const data = out.data as Float32Array;
    for (let i = 0; i < mask.length; i++) data[i] = x!.data[i] * mask[i];
    context.saved.mask = mask;
    return [out];
  },
  backward(context, [dy]) {
    const mask = context.saved.mask as Float32Array;
    const dx = like(dy, [...dy.shape]);
    const data = dx.data as Float32Array;
    for (let i = 0; i < mask.length; i++) data[i] = dy.data[i] * mask[i];
    return [dx];
  },
});
