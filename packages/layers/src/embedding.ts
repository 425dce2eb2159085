import { type Backend, type DType, type Tensor, Generator, checkOptions, describeValue, empty, fail, isTensor, option, randn, tensor } from '@recurrent/tensor';
import { Module, Parameter, type Variable, definePrimitive } from '@recurrent/autograd';
import { checkPositiveInteger } from './internal/checkPositiveInteger.js';
import { checkParameterSize, common } from './internal/commonOptions.js';

const schema = {
  numEmbeddings: option.any, embeddingDim: option.any, paddingIdx: option.nullable(option.integer()),
  generator: common.generator, seed: common.seed, dtype: common.dtype, backend: common.backend,
};

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  numEmbeddings: number;
  embeddingDim: number;
  /** An index whose row is zero and never receives gradient (negative counts from the end). */
  paddingIdx?: number;
  generator?: Generator;
  /** Seed used when no generator is given (default 0). */
  seed?: number;
  dtype?: DType;
  /** Backend the weight lives on, and so the output and its gradient (default: the CPU backend). */
  backend?: Backend;
}

const lookup = definePrimitive<{ indices: Int32Array; shape: readonly number[]; paddingIdx: number }, 'weight'>({
  name: 'Embedding',
  inputs: ['weight'],
  forward(context, { weight }, { indices, shape }) {
    const dim = weight!.shape[1];
    const out = empty([...shape, dim], { dtype: weight!.dtype, backend: weight!.backend });
    for (let i = 0; i < indices.length; i++) out.data.set(weight!.data.subarray(indices[i] * dim, (indices[i] + 1) * dim), i * dim);
    context.saved.weightShape = weight!.shape;
    return [out];
  },
  backward(context, [g], { indices, paddingIdx }) {
    const weightShape = context.saved.weightShape as number[];
    const dim = weightShape[1];
    const dw = empty(weightShape, { dtype: g.dtype, backend: g.backend });
    // Rows used several times add up; the padding row gets none.
    for (let i = 0; i < indices.length; i++) {
      if (indices[i] === paddingIdx) continue;
      const row = indices[i] * dim;
      for (let j = 0; j < dim; j++) dw.data[row + j] += g.data[i * dim + j];
    }
    return { weight: dw };
  },
});

/**
 * A lookup table of `numEmbeddings` vectors, as PyTorch's `nn.Embedding`: `y[..., :] =
 * weight[index[...], :]`. Rows start as standard normals (PyTorch's default); the
 * `paddingIdx` row starts at zero and gets no gradient.
 *
 * Shapes: indices of any shape (int32 tensor or numbers) → `[...indices.shape, embeddingDim]`;
 * `weight: [numEmbeddings, embeddingDim]`.
 *
 * @example
 * const embed = new Embedding({ numEmbeddings: 100, embeddingDim: 8, paddingIdx: 0 });
 * embed.forward(tensor([[5, 3, 0]], { dtype: 'int32' })).shape; // [1, 3, 8]
 *
 * With `backend`, the weight, the output and the weight's gradient live on that backend, so the
 * ops that follow run its kernels:
 * `new Embedding({ numEmbeddings: 100, embeddingDim: 8, backend: createGpujsBackend() })`.
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding row (normalised to a non-negative index), or null. */
  readonly paddingIdx: number | null;
  readonly weight: Parameter;

  constructor(options: EmbeddingOptions) {
    super();
    checkOptions('Embedding', options, schema);
    if (options === undefined) fail('Embedding', 'options { numEmbeddings, embeddingDim }', 'none');
    const { numEmbeddings, embeddingDim } = options;
    checkPositiveInteger('Embedding', 'numEmbeddings', numEmbeddings);
    checkPositiveInteger('Embedding', 'embeddingDim', embeddingDim);
    checkParameterSize('Embedding', 'weight', [numEmbeddings, embeddingDim]);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let padding = options.paddingIdx ?? null;
    if (padding !== null) {
      if (!Number.isInteger(padding) || padding < -numEmbeddings || padding >= numEmbeddings) {
        fail('Embedding', `paddingIdx in [${-numEmbeddings}, ${numEmbeddings - 1}]`, String(padding));
      }
      if (padding < 0) padding += numEmbeddings;
    }
    this.paddingIdx = padding;
    const generator = options.generator ?? new Generator(options.seed ?? 0);
    const weight = randn([numEmbeddings, embeddingDim], generator, { dtype: options.dtype ?? 'float32', backend: options.backend });
    if (padding !== null) weight.data.fill(0, padding * embeddingDim, (padding + 1) * embeddingDim);
    this.weight = this.registerParameter('weight', new Parameter(weight));
  }

  /** The options that rebuild this table's shape (PyTorch's `nn.Embedding` arguments), as JSON. */
  config(): { numEmbeddings: number; embeddingDim: number; paddingIdx: number | null } {
    return { numEmbeddings: this.numEmbeddings, embeddingDim: this.embeddingDim, paddingIdx: this.paddingIdx };
  }

  /** The rows of `weight` at `indices` (int32), shape `[...indices.shape, embeddingDim]`. */
  forward(indices: Tensor | readonly number[]): Variable {
    // numbers are checked before the int32 cast, which would wrap 2³²+1 to 1 and truncate 1.7
    if (Array.isArray(indices)) this.checkIndices(indices as readonly unknown[], []);
    else if (!isTensor(indices)) fail('Embedding', 'indices as an int32 tensor or an array of integers', describeValue(indices));
    const values = Array.isArray(indices) ? tensor(indices as number[], { dtype: 'int32', backend: this.weight.value.backend }) : (indices as Tensor);
    if (values.dtype !== 'int32') fail('Embedding', 'int32 indices', values.dtype);
    const flat = values.data as Int32Array;
    for (let i = 0; i < flat.length; i++) {
      if (flat[i] < 0 || flat[i] >= this.numEmbeddings) fail('Embedding', `indices in [0, ${this.numEmbeddings - 1}]`, `${flat[i]} at position ${i}`);
    }
    return lookup({ weight: this.weight }, { indices: flat, shape: values.shape, paddingIdx: this.paddingIdx ?? -1 })[0];
  }

  /** Every number of a (nested) array an integer in `[0, numEmbeddings)`, before any cast. */
  private checkIndices(values: readonly unknown[], at: number[]): void {
    values.forEach((value, k) => {
      if (Array.isArray(value)) return this.checkIndices(value, [...at, k]);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= this.numEmbeddings) {
        fail('Embedding', `indices integers in [0, ${this.numEmbeddings - 1}]`, `${describeValue(value)} at [${[...at, k].join(', ')}]`);
      }
    });
  }
}
