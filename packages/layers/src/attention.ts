import { type Backend, type Tensor, Generator, checkOptions, describeValue, fail, formatShape, isTensor, option, zeros } from '@recurrent/tensor';
import {
  Module, Parameter, type Variable, add, matmul, narrow, reshape, softmax, tanh, unsqueeze, valueOf, where,
} from '@recurrent/autograd';
import { Linear } from './linear.js';
import { checkLengths } from './recurrent.js';
import { checkParameterSize, common, tensorArgument } from './internal/commonOptions.js';

/** Checks that a memory is what `prepare` gives for this attention: keys `[B, S, keySize]`, the projected keys its score needs, a `[B, S]` mask or none. */
function checkMemory(attention: Attention, memory: AttentionMemory): void {
  const expected = `a memory from Attention.prepare (keys [batch, source, ${attention.keySize}]${attention.score === 'additive' || attention.score === 'concat' ? ', projected keys' : ''})`;
  if (typeof memory !== 'object' || memory === null) fail('Attention', expected, describeValue(memory));
  const keys = tensorArgument('Attention', 'memory.keys', memory.keys).shape;
  if (keys.length !== 3 || keys[2] !== attention.keySize) fail('Attention', expected, `keys ${formatShape(keys)}`);
  const needsProjection = attention.score === 'additive' || attention.score === 'concat';
  if (needsProjection && !isTensor(valueOf(memory.projected ?? ({} as Tensor)))) fail('Attention', expected, 'no projected keys');
  if (memory.mask !== null && memory.mask !== undefined && (!isTensor(memory.mask) || formatShape(memory.mask.shape) !== formatShape(keys.slice(0, 2)))) {
    fail('Attention', `${expected}, a mask [${keys[0]}, ${keys[1]}]`, describeValue(memory.mask));
  }
}

/**
 * The keys an attention module attends over, prepared once per source batch (see
 * {@link Attention.prepare}): the keys themselves, their projection where the score has one, and
 * the mask of valid positions.
 */
export interface AttentionMemory {
  /** Keys (and values) `[B, S, K]`, e.g. the encoder's outputs batch-first. */
  readonly keys: Variable | Tensor;
  /** The key half of an additive score, `W_k k_s (+ b)`: `[B, S, A]`; null for dot and general. */
  readonly projected: Variable | null;
  /** 1 where `s < lengths[b]`, 0 past each source's length: `[B, S]`; null when all are valid. */
  readonly mask: Tensor | null;
  /** Per-source lengths (all `S` when none were given). */
  readonly lengths: readonly number[];
}

/** What one attention read gives. */
export interface AttentionResult {
  /** The weighted sum of the keys, `c = Σ_s α_s k_s`: `[B, K]`. */
  context: Variable;
  /** The attention weights `α = softmax(e)` over source positions (0 past each length): `[B, S]`. */
  weights: Variable;
}

/** The scores an {@link Attention} module can use. */
export type AttentionScore = 'dot' | 'general' | 'concat' | 'additive';

/** Options of {@link Attention}. */
export interface AttentionOptions {
  /** `'dot'`, `'general'`, `'concat'` (Luong et al., 2015) or `'additive'` (Bahdanau et al., 2015). */
  score: AttentionScore;
  /** Width `Q` of the query (the decoder state). */
  querySize: number;
  /** Width `K` of each key (the encoder output); must equal `querySize` for `'dot'`. */
  keySize: number;
  /** Width `A` of the hidden layer of `'concat'` and `'additive'` scores (default `querySize`). */
  attentionSize?: number;
  generator?: Generator;
  /** Seed used when no generator is given (default 0). */
  seed?: number;
  /** Backend the parameters live on (default: the CPU backend); give the query and keys the same one. */
  backend?: Backend;
}

const schema = {
  score: option.oneOf(['dot', 'general', 'concat', 'additive']),
  querySize: option.integer({ min: 1 }),
  keySize: option.integer({ min: 1 }),
  attentionSize: option.integer({ min: 1 }),
  generator: option.instance(Generator, 'a Generator'),
  seed: option.integer(),
  backend: common.backend,
};

/**
 * Attention of a query `q` over keys `k_1 … k_S` (the keys are also the values):
 *
 * ```
 * dot:       e_s = qᵀ k_s                          (Luong)
 * general:   e_s = qᵀ W_a k_s                      (Luong)
 * concat:    e_s = vᵀ tanh(W_a [q; k_s])           (Luong)
 * additive:  e_s = vᵀ tanh(W_q q + W_k k_s + b)    (Bahdanau)
 * α = softmax(e) over s < length,   c = Σ_s α_s k_s
 * ```
 * Positions past a source's length get `e_s = −∞`, so `α_s = 0` and no gradient. `prepare` does
 * the per-source work once (the key projection of `concat` and `additive`), so a decoder reads the
 * same memory at every step for the price of the query's part.
 *
 * Parameters (state-dict names): general `weight [Q, K]`; concat `linear.weight [A, Q + K]`,
 * `v.weight [1, A]`; additive `query.weight [A, Q]`, `key.weight [A, K]`, `key.bias [A]`,
 * `v.weight [1, A]`; dot none.
 *
 * Shapes: keys `[B, S, K]`, query `[B, Q]` → context `[B, K]`, weights `[B, S]`.
 *
 * @example
 * const attention = new Attention({ score: 'additive', querySize: 16, keySize: 32 });
 * const memory = attention.prepare(encoderOutputs, [5, 3]); // [2, 5, 32]
 * const { context, weights } = attention.forward(decoderState, memory); // [2, 32], [2, 5]
 */
export class Attention extends Module {
  readonly score: AttentionScore;
  readonly querySize: number;
  readonly keySize: number;
  readonly attentionSize: number;
  readonly weight: Parameter | null = null;
  readonly linear: Linear | null = null;
  readonly query: Linear | null = null;
  readonly key: Linear | null = null;
  readonly v: Linear | null = null;

  constructor(options: AttentionOptions) {
    super();
    checkOptions('Attention', options, schema);
    if (options.score === undefined || options.querySize === undefined || options.keySize === undefined) {
      fail('Attention', 'options score, querySize and keySize', JSON.stringify(Object.keys(options)));
    }
    const { score, querySize: Q, keySize: K } = options;
    if (score === 'dot' && Q !== K) fail('Attention', `querySize equal to keySize for the dot score`, `${Q} and ${K}`);
    const A = options.attentionSize ?? Q;
    this.score = score;
    this.querySize = Q;
    this.keySize = K;
    this.attentionSize = A;
    const generator = options.generator ?? new Generator(options.seed ?? 0);
    const backend = options.backend;
    // sizes past a typed array's reach are refused here, naming the attention, not its inner Linear
    if (score === 'general') checkParameterSize('Attention', 'weight', [Q, K]);
    if (score === 'concat') checkParameterSize('Attention', 'linear.weight', [A, Q + K]);
    if (score === 'additive') for (const [name, width] of [['query', Q], ['key', K]] as const) checkParameterSize('Attention', `${name}.weight`, [A, width]);
    if (score === 'general') {
      const linear = new Linear({ inFeatures: K, outFeatures: Q, bias: false, generator , backend });
      this.weight = this.registerParameter('weight', linear.weight);
    } else if (score === 'concat') {
      this.linear = this.registerModule('linear', new Linear({ inFeatures: Q + K, outFeatures: A, bias: false, generator , backend }));
    } else if (score === 'additive') {
      this.query = this.registerModule('query', new Linear({ inFeatures: Q, outFeatures: A, bias: false, generator , backend }));
      this.key = this.registerModule('key', new Linear({ inFeatures: K, outFeatures: A, generator , backend }));
    }
    if (score === 'concat' || score === 'additive') this.v = this.registerModule('v', new Linear({ inFeatures: A, outFeatures: 1, bias: false, generator , backend }));
  }

  /** The options that rebuild this module (its parameters aside), as JSON. */
  config(): { score: AttentionScore; querySize: number; keySize: number; attentionSize: number } {
    return { score: this.score, querySize: this.querySize, keySize: this.keySize, attentionSize: this.attentionSize };
  }

  /** Checks the keys, builds the mask from `lengths` and projects the keys where the score needs it. */
  prepare(keys: Variable | Tensor, lengths?: readonly number[] | Int32Array): AttentionMemory {
    const shape = valueOf(keys).shape;
    if (shape.length !== 3 || shape[2] !== this.keySize) fail('Attention', `keys [batch, source, ${this.keySize}]`, formatShape(shape));
    const [B, S] = shape;
    const list = checkLengths('Attention', lengths, B, S) ?? new Array<number>(B).fill(S);
    let mask: Tensor | null = null;
    if (list.some((length) => length < S)) {
      mask = zeros([B, S], { backend: valueOf(keys).backend });
      list.forEach((length, b) => mask!.data.fill(1, b * S, b * S + length));
    }
    let projected: Variable | null = null;
    if (this.score === 'additive') projected = this.key!.forward(keys);
    // concat: W_a [q; k] = W_a[:, :Q] q + W_a[:, Q:] k; the key half is the same at every step.
    else if (this.score === 'concat') projected = matmul(reshape(keys, [B * S, this.keySize]), narrow(this.linear!.weight, 1, this.querySize, this.keySize), { transposeB: true });
    if (projected) projected = reshape(projected, [B, S, this.attentionSize]);
    return { keys, projected, mask, lengths: list };
  }

  /** The scores `e [B, S]` of a query `[B, Q]`, before masking. */
  scores(query: Variable | Tensor, memory: AttentionMemory): Variable {
    const shape = tensorArgument('Attention', 'query', query).shape;
    checkMemory(this, memory);
    const [B, S] = valueOf(memory.keys).shape;
    if (shape.length !== 2 || shape[0] !== B || shape[1] !== this.querySize) fail('Attention', `query [${B}, ${this.querySize}]`, formatShape(shape));
    let u: Variable | Tensor;
    if (this.score === 'dot') u = query;
    // qᵀ W_a k = (W_aᵀ q)ᵀ k: one [B, K] product per step instead of projecting every key.
    else if (this.score === 'general') u = matmul(query, this.weight!);
    else {
      const queryPart = this.score === 'additive'
        ? this.query!.forward(query)
        : matmul(query, narrow(this.linear!.weight, 1, 0, this.querySize), { transposeB: true });
      const hidden = tanh(add(memory.projected!, unsqueeze(queryPart, 1))); // [B, S, A]
      return reshape(this.v!.forward(hidden), [B, S]);
    }
    return reshape(matmul(memory.keys, unsqueeze(u, 2)), [B, S]);
  }

  /** Attends: `{ context [B, K], weights [B, S] }` (`memory` from {@link Attention.prepare}). */
  forward(query: Variable | Tensor, memory: AttentionMemory): AttentionResult {
    const e = this.scores(query, memory);
    const masked = memory.mask ? where(memory.mask, e, -Infinity) : e;
    const weights = softmax(masked, -1);
    const [B, , K] = valueOf(memory.keys).shape;
    const context = reshape(matmul(unsqueeze(weights, 1), memory.keys), [B, K]);
    return { context, weights };
  }
}
