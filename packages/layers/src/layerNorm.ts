import { type Backend, type DType, type Tensor, checkOptions, describeValue, empty, fail, formatShape, full, option } from '@recurrent/tensor';
import { checkParameterSize, common } from './internal/commonOptions.js';
import { Module, Parameter, type Variable, definePrimitive, valueOf } from '@recurrent/autograd';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Size of the trailing axes to normalise over (a number for the last axis). */
  normalizedShape: number | readonly number[];
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn `weight` (ones) and `bias` (zeros) (default true). */
  elementwiseAffine?: boolean;
  dtype?: DType;
  /** Backend `weight` and `bias` live on (default: the CPU backend); the output follows the input's. */
  backend?: Backend;
}

const layerNormPrimitive = definePrimitive<{ size: number; eps: number }, 'x' | 'weight' | 'bias'>({
  name: 'LayerNorm',
  inputs: ['x', 'weight', 'bias'],
  forward(context, { x, weight, bias }, { size, eps }) {
    const rows = x!.size / size;
    const y = empty(x!.shape, { dtype: x!.dtype, backend: x!.backend });
    const normalized = new Float64Array(x!.size);
    const inverse = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let mean = 0, variance = 0;
      for (let j = r * size; j < (r + 1) * size; j++) mean += x!.data[j];
      mean /= size;
      for (let j = r * size; j < (r + 1) * size; j++) variance += (x!.data[j] - mean) ** 2;
      inverse[r] = 1 / Math.sqrt(variance / size + eps);
      for (let j = r * size, k = 0; k < size; j++, k++) {
        normalized[j] = (x!.data[j] - mean) * inverse[r];
        y.data[j] = normalized[j] * (weight ? weight.data[k] : 1) + (bias ? bias.data[k] : 0);
      }
    }
    Object.assign(context.saved, { x, weight, normalized, inverse });
    return [y];
  },
  backward(context, [g], { size }) {
    const { x, weight, normalized, inverse } = context.saved as { x: Tensor; weight: Tensor | null; normalized: Float64Array; inverse: Float64Array };
    const rows = x.size / size;
    const need = context.needsGrad;
    const dx = need.x ? empty(x.shape, { dtype: x.dtype, backend: x.backend }) : null;
    const dw = need.weight ? empty(weight!.shape, { dtype: x.dtype, backend: x.backend }) : null;
    const db = need.bias ? empty(weight!.shape, { dtype: x.dtype, backend: x.backend }) : null;
    for (let r = 0; r < rows; r++) {
      // x̂ = (x − μ)/σ;  d x = (d x̂ − mean(d x̂) − x̂·mean(d x̂·x̂)) / σ,  d x̂ = γ·dy
      let meanD = 0, meanDX = 0;
      for (let j = r * size, k = 0; k < size; j++, k++) {
        const d = g.data[j] * (weight ? weight.data[k] : 1);
        meanD += d;
        meanDX += d * normalized[j];
        if (dw) dw.data[k] += g.data[j] * normalized[j];
        if (db) db.data[k] += g.data[j];
      }
      meanD /= size;
      meanDX /= size;
      if (dx) {
        for (let j = r * size, k = 0; k < size; j++, k++) {
          const d = g.data[j] * (weight ? weight.data[k] : 1);
          dx.data[j] = (d - meanD - normalized[j] * meanDX) * inverse[r];
        }
      }
    }
    return { x: dx, weight: dw, bias: db };
  },
});

/**
 * Layer normalisation (Ba et al., 2016), as PyTorch's `nn.LayerNorm`, over the trailing
 * `normalizedShape` axes: `y = (x − E[x]) / √(Var[x] + ε) · γ + β` (biased variance), one fused
 * primitive with a hand-written backward.
 *
 * Shapes: input `[..., *normalizedShape]` → same; `weight`, `bias`: `normalizedShape`.
 *
 * @example
 * const norm = new LayerNorm({ normalizedShape: 16 });
 * norm.forward(hidden); // hidden: [batch, 16]
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(options: LayerNormOptions) {
    super();
    checkOptions('LayerNorm', options, {
      normalizedShape: option.any, eps: option.number({ above: 0 }), elementwiseAffine: option.boolean, dtype: common.dtype, backend: common.backend,
    });
    const given = options?.normalizedShape;
    const shape = typeof given === 'number' ? [given] : Array.isArray(given) ? [...(given as number[])] : null;
    if (shape === null || shape.length === 0 || shape.some((d) => !Number.isSafeInteger(d) || d <= 0)) {
      fail('LayerNorm', 'normalizedShape a positive integer or an array of them', shape === null ? describeValue(given) : `[${shape.join(', ')}]`);
    }
    checkParameterSize('LayerNorm', 'normalizedShape', shape);
    this.normalizedShape = shape;
    this.eps = options.eps ?? 1e-5;
    const affine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? 'float32';
    this.weight = this.registerParameter('weight', affine ? new Parameter(full(shape, 1, { dtype, backend: options.backend })) : null);
    this.bias = this.registerParameter('bias', affine ? new Parameter(full(shape, 0, { dtype, backend: options.backend })) : null);
  }

  /** The options that rebuild this layer (PyTorch's `nn.LayerNorm` arguments), as JSON. */
  config(): { normalizedShape: number[]; eps: number; elementwiseAffine: boolean } {
    return { normalizedShape: [...this.normalizedShape], eps: this.eps, elementwiseAffine: this.weight !== null };
  }

  /** Normalises over the trailing `normalizedShape` axes. */
  forward(input: Variable | Tensor): Variable {
    const shape = valueOf(input).shape;
    const trailing = shape.slice(shape.length - this.normalizedShape.length);
    if (shape.length < this.normalizedShape.length || trailing.some((d, i) => d !== this.normalizedShape[i])) {
      fail('LayerNorm', `input [..., ${this.normalizedShape.join(', ')}]`, formatShape(shape));
    }
    const size = this.normalizedShape.reduce((a, b) => a * b, 1);
    return layerNormPrimitive({ x: input, weight: this.weight, bias: this.bias }, { size, eps: this.eps })[0];
  }
}
