import { type Backend, type DType, type Tensor, Generator, checkOptions, fail, formatShape, option, uniform } from '@recurrent/tensor';
import { Module, Parameter, type Variable, add, matmul, reshape, valueOf } from '@recurrent/autograd';
import { checkPositiveInteger } from './internal/checkPositiveInteger.js';
import { checkParameterSize, common } from './internal/commonOptions.js';

const schema = {
  inFeatures: option.any, outFeatures: option.any, bias: option.boolean,
  generator: common.generator, seed: common.seed, dtype: common.dtype, backend: common.backend,
};

/** Options of {@link Linear}. */
export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  generator?: Generator;
  /** Seed used when no generator is given (default 0). */
  seed?: number;
  dtype?: DType;
  /** Backend the weight and bias live on (default: the CPU backend). The product runs on the
   * input's backend (ops use their first operand's), so give the input the same one. */
  backend?: Backend;
}

/**
 * A dense layer `y = x Wᵀ + b`, as PyTorch's `nn.Linear`. Weights and bias start uniform in
 * ±1/√inFeatures (PyTorch's default). The product runs on the backend's `gemm`.
 *
 * Shapes: input `[..., inFeatures]` → `[..., outFeatures]`; `weight: [outFeatures, inFeatures]`,
 * `bias: [outFeatures]`.
 *
 * @example
 * const head = new Linear({ inFeatures: 16, outFeatures: 4 });
 * const logits = head.forward(hidden); // hidden: [batch, 16] → [batch, 4]
 *
 * // parameters on a gpu.js backend: its gemm runs the product of inputs on the same backend
 * const onGpu = new Linear({ inFeatures: 16, outFeatures: 4, backend: createGpujsBackend() });
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(options: LinearOptions) {
    super();
    checkOptions('Linear', options, schema);
    if (options === undefined) fail('Linear', 'options { inFeatures, outFeatures }', 'none');
    const { inFeatures, outFeatures } = options;
    checkPositiveInteger('Linear', 'inFeatures', inFeatures);
    checkPositiveInteger('Linear', 'outFeatures', outFeatures);
    checkParameterSize('Linear', 'weight', [outFeatures, inFeatures]);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const generator = options.generator ?? new Generator(options.seed ?? 0);
    const bound = 1 / Math.sqrt(inFeatures);
    const dtype = options.dtype ?? 'float32';
    this.weight = this.registerParameter('weight', new Parameter(uniform([outFeatures, inFeatures], -bound, bound, generator, { dtype, backend: options.backend })));
    this.bias = this.registerParameter('bias', options.bias ?? true ? new Parameter(uniform([outFeatures], -bound, bound, generator, { dtype, backend: options.backend })) : null);
  }

  /** The options that rebuild this layer's shape (PyTorch's `nn.Linear` arguments), as JSON. */
  config(): { inFeatures: number; outFeatures: number; bias: boolean } {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null };
  }

  /** `x Wᵀ + b` over the last axis. */
  forward(input: Variable | Tensor): Variable {
    const shape = valueOf(input).shape;
    if (shape.length === 0 || shape[shape.length - 1] !== this.inFeatures) fail('Linear', `input [..., ${this.inFeatures}]`, formatShape(shape));
    const rows = shape.slice(0, -1);
    const flat = shape.length === 2 ? input : reshape(input, [rows.reduce((a, b) => a * b, 1), this.inFeatures]);
    let y = matmul(flat, this.weight, { transposeB: true });
    if (this.bias) y = add(y, this.bias);
    return shape.length === 2 ? y : reshape(y, [...rows, this.outFeatures]);
  }
}
