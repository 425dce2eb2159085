import { type Tensor, Generator, checkOptions, empty, fail, option } from '@recurrent/tensor';
import { common } from './internal/commonOptions.js';
import { Module, Variable, mul, valueOf } from '@recurrent/autograd';

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /** Probability of zeroing an element, in [0, 1] (default 0.5). */
  p?: number;
  generator?: Generator;
  /** Seed used when no generator is given (default 0). */
  seed?: number;
}

/**
 * Inverted dropout, as PyTorch's `nn.Dropout`: in training mode each element is zeroed with
 * probability `p` and the rest are scaled by `1/(1 − p)`, so evaluation mode is the identity.
 * The mask comes from the module's seeded generator, so runs repeat exactly.
 *
 * Shapes: any → the same shape.
 *
 * It holds no tensors: the mask is made on the input's backend, so it needs no `backend` option.
 *
 * @example
 * const dropout = new Dropout({ p: 0.2, seed: 1 });
 * const y = dropout.forward(x);      // training
 * dropout.eval(); dropout.forward(x); // returns x unchanged
 */
export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator;

  constructor(options: DropoutOptions = {}) {
    super();
    checkOptions('Dropout', options, { p: option.number({ min: 0, max: 1 }), generator: common.generator, seed: common.seed });
    this.p = options.p ?? 0.5;
    this.generator = options.generator ?? new Generator(options.seed ?? 0);
  }

  /** The options that rebuild this layer (PyTorch's `nn.Dropout` arguments), as JSON. */
  config(): { p: number } {
    return { p: this.p };
  }

  /** A freshly masked copy in training mode; the input itself in evaluation mode. */
  forward(input: Variable | Tensor): Variable {
    if (!this.training || this.p === 0) return input instanceof Variable ? input : new Variable(input);
    const x = valueOf(input);
    const mask = empty(x.shape, { dtype: x.dtype, backend: x.backend });
    const keep = this.p === 1 ? 0 : 1 / (1 - this.p);
    for (let i = 0; i < mask.size; i++) mask.data[i] = this.generator.uniform() < this.p ? 0 : keep;
    return mul(input, mask);
  }
}
