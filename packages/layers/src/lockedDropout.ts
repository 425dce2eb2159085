import { type Tensor, Generator, checkOptions, empty, fail, formatShape, option } from '@recurrent/tensor';
import { Module, Variable, mul } from '@recurrent/autograd';
import { tensorArgument } from './internal/commonOptions.js';

/** Options of {@link LockedDropout}. */
export interface LockedDropoutOptions {
  /** Probability of zeroing a feature of a sequence, in [0, 1) (default 0.5). */
  p?: number;
  /** Inputs are `[batch, time, features]` (default false: `[time, batch, features]`). */
  batchFirst?: boolean;
  /** Seeded generator of the masks (default `new Generator(seed)`). */
  generator?: Generator;
  /** Seed used when no generator is given (default 0). */
  seed?: number;
}

/**
 * Locked (variational) dropout (Gal & Ghahramani 2016; AWD-LSTM's `LockedDropout`): in training
 * mode each call draws one mask `m [batch, features]` and applies it at every time step,
 * `y_t = x_t ⊙ m / (1 − p)` with `m_bf ~ Bernoulli(1 − p)`, so a sequence loses the same features
 * all along (`E[y_t] = x_t`). Evaluation mode is the identity. Use it on a recurrent stack's
 * inputs, between its layers and on its outputs. The mask is drawn row-major over
 * `[batch, features]` from the seeded generator (`uniform() < p` → 0), so runs repeat exactly.
 *
 * Shapes: `x [T, B, F]` (`[B, T, F]` with `batchFirst`) → the same shape.
 *
 * @example
 * const drop = new LockedDropout({ p: 0.3, seed: 1 });
 * const y = drop.forward(x); // x: [T, B, F]; the same features of each sequence zeroed at every t
 */
export class LockedDropout extends Module {
  readonly p: number;
  readonly batchFirst: boolean;
  readonly generator: Generator;

  constructor(options: LockedDropoutOptions = {}) {
    super();
    checkOptions('LockedDropout', options, {
      p: option.shaped('a number in [0, 1)', (v) => typeof v === 'number' && v >= 0 && v < 1),
      batchFirst: option.boolean, generator: option.instance(Generator, 'a Generator'), seed: option.integer(),
    });
    this.p = options.p ?? 0.5;
    this.batchFirst = options.batchFirst ?? false;
    this.generator = options.generator ?? new Generator(options.seed ?? 0);
  }

  /** The mask for a batch of `batch` sequences of `features` features: 0 or `1/(1 − p)`, shaped to broadcast over time. */
  drawMask(batch: number, features: number, like: Tensor): Tensor {
    const mask = empty(this.batchFirst ? [batch, 1, features] : [1, batch, features], { dtype: like.dtype, backend: like.backend });
    const keep = 1 / (1 - this.p);
    for (let i = 0; i < mask.size; i++) mask.data[i] = this.generator.uniform() < this.p ? 0 : keep;
    return mask;
  }

  /** One mask per sequence, the same at every step, in training mode; the input itself in evaluation mode. */
  forward(input: Variable | Tensor): Variable {
    const x = tensorArgument('LockedDropout', 'input', input);
    if (x.rank !== 3) fail('LockedDropout', `input ${this.batchFirst ? '[batch, time, features]' : '[time, batch, features]'}`, formatShape(x.shape));
    if (!this.training || this.p === 0) return input instanceof Variable ? input : new Variable(input);
    const batch = this.batchFirst ? x.shape[0] : x.shape[1];
    return mul(input, this.drawMask(batch, x.shape[2], x));
  }
}
