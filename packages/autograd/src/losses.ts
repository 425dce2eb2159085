import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import { type ClassLossOptions, type Reduction, checkClass, checkReduction, layoutOf, positionScale } from './crossEntropy.js';
import { valueOf } from './graph.js';
import { add, mul, sub } from './ops/binary.js';
import { mean, sum } from './ops/reduce.js';
import { abs, affine, softplus, square, neg } from './ops/unary.js';
import { definePrimitive } from './primitive.js';
import type { Differentiable, Variable } from './variable.js';

function reduceBy(op: string, values: Variable, reduction: Reduction | undefined): Variable {
  const r = checkReduction(op, reduction);
  return r === 'none' ? values : r === 'sum' ? sum(values) : mean(values);
}

function sameShape(op: string, input: Differentiable, target: Differentiable): void {
  const a = typeof input === 'number' ? [] : input.shape;
  const b = typeof target === 'number' ? [] : target.shape;
  if (!T.shapesEqual(a, b)) T.fail(op, `a target of the input's shape ${T.formatShape(a)}`, T.formatShape(b));
}

const nllPrimitive = definePrimitive<{ target: Tensor; weight: Tensor | null; ignoreIndex: number; reduction: Reduction }, 'input'>({
  name: 'nllLoss',
  inputs: ['input'],
  forward(context, { input }, { target, weight, ignoreIndex, reduction }) {
    const x = input as Tensor;
    const layout = layoutOf('nllLoss', x, target, weight);
    const { outer, classes: C, inner } = layout;
    const count = outer * inner;
    const values = new Float64Array(count);
    let weightSum = 0;
    for (let p = 0; p < count; p++) {
      const y = target.data[p];
      checkClass('nllLoss', y, C, ignoreIndex, p);
      if (y === ignoreIndex) continue;
      const wy = weight ? weight.data[y] : 1;
      weightSum += wy;
      // ℓ = −w_y·x_y
      values[p] = -wy * x.data[Math.floor(p / inner) * C * inner + y * inner + (p % inner)];
    }
    context.saved = { weightSum, shape: x.shape, layout };
    if (reduction === 'none') {
      const out = T.empty(layout.positions, { dtype: x.dtype, backend: x.backend });
      out.data.set(values);
      return [out];
    }
    let total = 0;
    for (let p = 0; p < count; p++) total += values[p];
    return [T.full([], reduction === 'sum' ? total : total / weightSum, { dtype: x.dtype, backend: x.backend })];
  },
  backward(context, [dy], { target, weight, ignoreIndex, reduction }) {
    const shape = context.saved.shape as readonly number[];
    const layout = context.saved.layout as { outer: number; classes: number; inner: number };
    const weightSum = context.saved.weightSum as number;
    const dx = T.empty(shape, { dtype: dy.dtype, backend: dy.backend });
    const { outer, classes: C, inner } = layout;
    for (let p = 0; p < outer * inner; p++) {
      const y = target.data[p];
      if (y === ignoreIndex) continue;
      // d x_y = −w_y·dℓ
      dx.data[Math.floor(p / inner) * C * inner + y * inner + (p % inner)] = -(weight ? weight.data[y] : 1) * positionScale(dy, reduction, weightSum, p);
    }
    return { input: dx };
  },
});

/**
 * Negative log-likelihood of log-probabilities against class indices:
 * `ℓₙ = −w[yₙ]·x[n, yₙ]` (0 where `yₙ = ignoreIndex`); `mean` divides by `Σₙ w[yₙ]` over the
 * positions not ignored.
 *
 * Gradient: `d x[n, yₙ] = −w[yₙ]·dℓₙ`, 0 elsewhere.
 *
 * Shapes: `input: [N, C]` or `[N, C, d…]` (or `[C]`), `target: [N]` or `[N, d…]` int32, `weight: [C]`.
 *
 * @example nllLoss(logSoftmax(logits, 1), targets)
 */
export function nllLoss(input: Variable | Tensor, target: Tensor | Variable, options: ClassLossOptions = {}): Variable {
  const reduction = checkReduction('nllLoss', options.reduction);
  return nllPrimitive({ input }, { target: valueOf(target), weight: options.weight ?? null, ignoreIndex: options.ignoreIndex ?? -100, reduction })[0];
}

/**
 * Mean squared error `ℓ = (input − target)²`, reduced. Both operands are differentiated.
 *
 * Gradient: `d input = 2·(input − target)·dℓ`, `d target = −d input`.
 *
 * Shapes: `input` and `target` of one shape; result `[]`, or that shape with `reduction: 'none'`.
 *
 * @example mseLoss(prediction, target)
 */
export function mseLoss(input: Differentiable, target: Differentiable, options: { reduction?: Reduction } = {}): Variable {
  sameShape('mseLoss', input, target);
  return reduceBy('mseLoss', square(sub(input, target)), options.reduction);
}

/**
 * Mean absolute error `ℓ = |input − target|`, reduced. Gradient: `d input = sign(input − target)·dℓ`.
 *
 * Shapes: `input` and `target` of one shape.
 *
 * @example l1Loss(prediction, target, { reduction: 'sum' })
 */
export function l1Loss(input: Differentiable, target: Differentiable, options: { reduction?: Reduction } = {}): Variable {
  sameShape('l1Loss', input, target);
  return reduceBy('l1Loss', abs(sub(input, target)), options.reduction);
}

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BinaryCrossEntropyOptions {
  /** Weight of each element, broadcast to the input's shape. */
  weight?: Differentiable;
  /** Weight of positive examples per class, broadcast along the last axis (shape `[C]`). */
  posWeight?: Differentiable;
  reduction?: Reduction;
}

/**
 * Binary cross entropy of logits `x` against targets `t ∈ [0, 1]`, computed stably:
 * `ℓ = w·[(1 − t)·x + (1 + (p − 1)·t)·softplus(−x)]` with `p` the positive weight (1 when absent);
 * it equals `−w·[p·t·log σ(x) + (1 − t)·log(1 − σ(x))]`.
 *
 * Gradient: `d x = w·[(1 − t) − (1 + (p − 1)·t)·σ(−x)]·dℓ`; targets are differentiated too.
 *
 * Shapes: `input` and `target` of one shape, `weight` broadcast to it, `posWeight: [C]`.
 *
 * @example binaryCrossEntropyWithLogits(logits, labels, { posWeight: tensor([3]) })
 */
export function binaryCrossEntropyWithLogits(input: Differentiable, target: Differentiable, options: BinaryCrossEntropyOptions = {}): Variable {
  sameShape('binaryCrossEntropyWithLogits', input, target);
  const negativePart = mul(affine(target, -1, 1), input);
  const softplusOfNegative = softplus(neg(input));
  const positiveScale = options.posWeight === undefined ? 1 : add(1, mul(sub(options.posWeight, 1), target));
  let values = add(negativePart, mul(positiveScale, softplusOfNegative));
  if (options.weight !== undefined) values = mul(values, options.weight);
  return reduceBy('binaryCrossEntropyWithLogits', values, options.reduction);
}
