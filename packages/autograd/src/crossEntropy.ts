import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import { valueOf } from './graph.js';
import { definePrimitive } from './primitive.js';
import type { Variable } from './variable.js';

/** How a loss combines its per-element values: kept (`none`), summed, or averaged. */
export type Reduction = 'none' | 'sum' | 'mean';

/** Options of {@link crossEntropy} and {@link nllLoss}. */
export interface ClassLossOptions {
  /** Weight of each class, shape `[C]` (default: all 1). */
  weight?: Tensor | null;
  /** Target value whose positions contribute neither loss nor gradient (default `-100`). */
  ignoreIndex?: number;
  /** `mean` (default) divides by `Σ weight[yₙ]` over the positions not ignored. */
  reduction?: Reduction;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions extends ClassLossOptions {
  /** Label smoothing ε in `[0, 1]` (default 0): the target becomes `(1 − ε)·onehot + ε/C`. */
  labelSmoothing?: number;
}

export interface Layout {
  outer: number;
  classes: number;
  inner: number;
  /** Shape of the per-position loss (`reduction: 'none'`). */
  positions: number[];
}

/** Checks `input [N, C, d…]` (or `[C]`), `target [N, d…]` int32 and `weight [C]`. */
export function layoutOf(op: string, input: Tensor, target: Tensor, weight: Tensor | null | undefined): Layout {
  if (!T.isFloat(input.dtype)) T.fail(op, 'a float input', input.dtype);
  if (input.rank < 1) T.fail(op, 'an input of shape [N, C, ...] or [C]', T.formatShape(input.shape));
  if (target.dtype !== 'int32') T.fail(op, 'int32 class indices as target', target.dtype);
  const batched = input.rank > 1;
  const classes = batched ? input.shape[1] : input.shape[0];
  const positions = batched ? [input.shape[0], ...input.shape.slice(2)] : [];
  if (!T.shapesEqual(target.shape, positions)) {
    T.fail(op, `a target of shape ${T.formatShape(positions)} for input ${T.formatShape(input.shape)}`, T.formatShape(target.shape));
  }
  if (weight && !T.shapesEqual(weight.shape, [classes])) T.fail(op, `a class weight of shape [${classes}]`, T.formatShape(weight.shape));
  const outer = batched ? input.shape[0] : 1;
  return { outer, classes, inner: batched ? T.sizeOf(input.shape.slice(2)) : 1, positions };
}

export function checkClass(op: string, y: number, classes: number, ignoreIndex: number, index: number): void {
  if (y !== ignoreIndex && (y < 0 || y >= classes)) {
    T.fail(op, `target values in [0, ${classes}) or ignoreIndex ${ignoreIndex}`, `${y} at position ${index}`);
  }
}

/**
 * The multiplier of position `p`'s loss in the reduced loss, times the incoming gradient:
 * `dy[p]` for `none`, else `dy` (sum) or `dy / divisor` (mean) for every position.
 */
export function positionScale(dy: Tensor, reduction: Reduction, divisor: number, position: number): number {
  if (reduction === 'none') return dy.data[position];
  return reduction === 'sum' ? dy.data[0] : dy.data[0] / divisor;
}

interface CrossEntropySaved {
  probabilities: Float64Array;
  weightOfTarget: Float64Array;
  layout: Layout;
  nllDivisor: number;
  smoothDivisor: number;
}

const crossEntropyPrimitive = definePrimitive<{ target: Tensor; weight: Tensor | null; ignoreIndex: number; reduction: Reduction; smoothing: number }, 'input'>({
  name: 'crossEntropy',
  inputs: ['input'],
  forward(context, { input }, { target, weight, ignoreIndex, reduction, smoothing }) {
    const x = input as Tensor;
    const layout = layoutOf('crossEntropy', x, target, weight);
    const { outer, classes: C, inner } = layout;
    const count = outer * inner;
    const probabilities = new Float64Array(x.size);
    const weightOfTarget = new Float64Array(count);
    const nll = new Float64Array(count);
    const smooth = new Float64Array(count);
    const w = weight?.data;
    let weightSum = 0;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const position = o * inner + i;
        const base = o * C * inner + i;
        const y = target.data[position];
        checkClass('crossEntropy', y, C, ignoreIndex, position);
        let largest = -Infinity;
        for (let c = 0; c < C; c++) largest = Math.max(largest, x.data[base + c * inner]);
        let total = 0;
        for (let c = 0; c < C; c++) total += Math.exp(x.data[base + c * inner] - largest);
        const logTotal = largest + Math.log(total);
        let smoothSum = 0;
        for (let c = 0; c < C; c++) {
          const logP = x.data[base + c * inner] - logTotal;
          probabilities[base + c * inner] = Math.exp(logP);
          smoothSum -= (w ? w[c] : 1) * logP;
        }
        if (y === ignoreIndex) continue;
        const wy = w ? w[y] : 1;
        weightOfTarget[position] = wy;
        weightSum += wy;
        nll[position] = -wy * (x.data[base + y * inner] - logTotal);
        smooth[position] = smoothSum;
      }
    }
    // PyTorch: the nll part of a mean divides by Σ w_y; the smoothing part too when weighted,
    // but by the number of positions (ignored ones included) when not.
    const nllDivisor = weightSum;
    const smoothDivisor = w ? weightSum : count;
    // ℓ = (1 − ε)·(−w_y·log p_y) + ε/C·(−Σ_c w_c·log p_c)
    const keep = 1 - smoothing, spread = smoothing / C;
    let out: Tensor;
    if (reduction === 'none') {
      out = T.empty(layout.positions, { dtype: x.dtype, backend: x.backend });
      for (let p = 0; p < count; p++) out.data[p] = keep * nll[p] + spread * smooth[p];
    } else {
      let nllTotal = 0, smoothTotal = 0;
      for (let p = 0; p < count; p++) {
        nllTotal += nll[p];
        smoothTotal += smooth[p];
      }
      const value = reduction === 'sum'
        ? keep * nllTotal + spread * smoothTotal
        : keep * (nllTotal / nllDivisor) + (smoothing > 0 ? spread * (smoothTotal / smoothDivisor) : 0);
      out = T.full([], value, { dtype: x.dtype, backend: x.backend });
    }
    context.saved = { probabilities, weightOfTarget, layout, nllDivisor, smoothDivisor } satisfies CrossEntropySaved;
    return [out];
  },
  backward(context, [dy], { target, weight, ignoreIndex, reduction, smoothing }) {
    const { probabilities, weightOfTarget, layout, nllDivisor, smoothDivisor } = context.saved as unknown as CrossEntropySaved;
    const { outer, classes: C, inner } = layout;
    const dx = T.empty(T.shapesEqual(layout.positions, []) ? [C] : [outer, C, ...layout.positions.slice(1)], { dtype: dy.dtype, backend: dy.backend });
    const w = weight?.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const position = o * inner + i;
        const y = target.data[position];
        if (y === ignoreIndex) continue;
        const base = o * C * inner + i;
        // a = (1 − ε)·w_y·r,  b_c = ε/C·w_c·s:  d x_c = p_c·(a + Σ b) − a·[c = y] − b_c
        const a = (1 - smoothing) * weightOfTarget[position] * positionScale(dy, reduction, nllDivisor, position);
        const s = (smoothing / C) * positionScale(dy, reduction, smoothDivisor, position);
        let bTotal = 0;
        if (s !== 0) for (let c = 0; c < C; c++) bTotal += (w ? w[c] : 1) * s;
        for (let c = 0; c < C; c++) {
          const k = base + c * inner;
          dx.data[k] = probabilities[k] * (a + bTotal) - (w ? w[c] : 1) * s - (c === y ? a : 0);
        }
      }
    }
    return { input: dx };
  },
});

/**
 * Cross entropy of logits against class indices, fused into one primitive (log-softmax and
 * negative log-likelihood in one pass; backward `softmax − onehot`):
 *
 * `ℓₙ = −w[yₙ]·log softmax(xₙ)[yₙ]` (0 where `yₙ = ignoreIndex`); with label smoothing ε,
 * `ℓₙ = (1 − ε)·ℓₙ + ε/C·Σ_c −w_c·log softmax(xₙ)_c`. `mean` divides by `Σₙ w[yₙ]` over positions
 * not ignored (PyTorch's weighted mean).
 *
 * Gradient: `d xₙ = (softmax(xₙ) − onehot(yₙ))·w[yₙ]·dℓₙ` (without smoothing).
 *
 * Shapes: `input: [N, C]` or `[N, C, d…]` (or `[C]`), `target: [N]` or `[N, d…]` int32,
 * `weight: [C]`; result `[]`, or the target's shape with `reduction: 'none'`.
 *
 * @example
 * const loss = crossEntropy(logits, tensor([2, 0, 1], { dtype: 'int32' }));
 */
export function crossEntropy(input: Variable | Tensor, target: Tensor | Variable, options: CrossEntropyOptions = {}): Variable {
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) T.fail('crossEntropy', 'labelSmoothing in [0, 1]', String(smoothing));
  const reduction = checkReduction('crossEntropy', options.reduction);
  return crossEntropyPrimitive({ input }, {
    target: valueOf(target), weight: options.weight ?? null, ignoreIndex: options.ignoreIndex ?? -100, reduction, smoothing,
  })[0];
}

/** Checks a reduction name. */
export function checkReduction(op: string, reduction: Reduction | undefined): Reduction {
  const value = reduction ?? 'mean';
  if (value !== 'none' && value !== 'sum' && value !== 'mean') T.fail(op, "reduction 'none', 'sum' or 'mean'", `'${String(value)}'`);
  return value;
}
