import { type Backend, Generator, type Tensor, checkOptions, fail, fromData, option } from '@recurrent/tensor';
import { Module, type Variable, add, concat, div, max, sum } from '@recurrent/autograd';
import { Dropout } from './dropout.js';
import type { Embedding } from './embedding.js';
import type { Linear } from './linear.js';
import type { FusedRecurrentLayer } from './tokenModel.js';

/** The submodules and settings of a {@link PooledClassifier}. */
export interface PooledClassifierOptions {
  embedding: Embedding;
  /** Time-major (`batchFirst: false`), usually bidirectional; its `inputSize` is the embedding's `embeddingDim`. */
  rnn: FusedRecurrentLayer;
  /** Its `inFeatures` is twice the recurrent output width (`2·D·hiddenSize`: max and mean). */
  linear: Linear;
  /** Dropout probability on the embeddings and on the pooled features in training mode (default 0). */
  dropout?: number;
  /** Generator of the dropout masks (default: seeded with 0). */
  generator?: Generator;
}

/**
 * A recurrent text classifier: Embedding → dropout → LSTM/GRU/RNN → the maximum and the mean of
 * each sequence's outputs over its valid steps, concatenated → dropout → Linear. The pooling reads
 * the whole sequence, so a bidirectional layer's both directions count everywhere. State-dict
 * names are PyTorch's for an `nn.Module` with submodules `embedding`, `rnn` and `linear`.
 *
 * Shapes: ids `[T, B]` int32 and `lengths` (B values in [1, T]) → logits `[B, outFeatures]`.
 * {@link forwardEmbedded} takes the embeddings `[T, B, E]` instead, so a caller can take the
 * gradient of a class score with respect to them (a saliency map).
 *
 * @example
 * const model = new PooledClassifier({
 *   embedding: new Embedding({ numEmbeddings: 1000, embeddingDim: 16, paddingIdx: 0 }),
 *   rnn: new GRU({ inputSize: 16, hiddenSize: 32, bidirectional: true }),
 *   linear: new Linear({ inFeatures: 128, outFeatures: 2 }),
 *   dropout: 0.3,
 * });
 * const logits = model.forward(ids, [12, 7]); // ids: int32 [12, 2] → [2, 2]
 */
export class PooledClassifier extends Module {
  readonly embedding: Embedding;
  readonly rnn: FusedRecurrentLayer;
  readonly linear: Linear;
  /** The dropout probability of both dropouts. */
  readonly dropout: number;
  private readonly embeddingDropout: Dropout;
  private readonly featureDropout: Dropout;

  constructor(options: PooledClassifierOptions) {
    super();
    checkOptions('PooledClassifier', options, {
      embedding: option.any, rnn: option.any, linear: option.any, dropout: option.number({ min: 0, max: 1 }), generator: option.any,
    }, ['embedding', 'rnn', 'linear']);
    this.embedding = this.registerModule('embedding', options.embedding);
    this.rnn = this.registerModule('rnn', options.rnn);
    this.linear = this.registerModule('linear', options.linear);
    if (this.rnn.batchFirst) fail('PooledClassifier', 'a time-major recurrent layer (batchFirst false)', 'batchFirst true');
    const width = 2 * (this.rnn.bidirectional ? 2 : 1) * (this.rnn.projSize > 0 ? this.rnn.projSize : this.rnn.hiddenSize);
    if (this.linear.inFeatures !== width) {
      fail('PooledClassifier', `a linear layer of inFeatures ${width} (the maximum and the mean of the recurrent outputs)`, `inFeatures ${this.linear.inFeatures}`);
    }
    this.dropout = options.dropout ?? 0;
    const generator = options.generator ?? new Generator(0);
    // registered (no parameters) so that train() and eval() reach them
    this.embeddingDropout = this.registerModule('embedding_dropout', new Dropout({ p: this.dropout, generator }));
    this.featureDropout = this.registerModule('feature_dropout', new Dropout({ p: this.dropout, generator }));
  }

  /** The backend the parameters live on: make the inputs on it. */
  get backend(): Backend {
    return this.linear.weight.value.backend;
  }

  /** The options besides the submodules that rebuild this model, as JSON. */
  config(): { dropout: number } {
    return { dropout: this.dropout };
  }

  /** Logits `[B, outFeatures]` of token ids `[T, B]` (int32) with each sequence's length. */
  forward(ids: Tensor, lengths: readonly number[]): Variable {
    return this.forwardEmbedded(this.embedding.forward(ids), lengths);
  }

  /** Logits `[B, outFeatures]` of embeddings `[T, B, embeddingDim]` with each sequence's length. */
  forwardEmbedded(embedded: Variable | Tensor, lengths: readonly number[]): Variable {
    const [T, B] = embedded.shape;
    if (lengths.length !== B || lengths.some((length) => !Number.isInteger(length) || length < 1 || length > T)) {
      fail('PooledClassifier', `${B} lengths, integers in [1, ${T}]`, `[${lengths.join(', ')}]`);
    }
    const { output } = this.rnn.forward(this.embeddingDropout.forward(embedded), { lengths }) as { output: Variable };
    const F = output.shape[2];
    // −∞ past each length, so the maximum reads valid steps only
    const mask = new Float32Array(T * B * F);
    lengths.forEach((length, b) => {
      for (let t = length; t < T; t++) mask.fill(-Infinity, (t * B + b) * F, (t * B + b + 1) * F);
    });
    const maxPool = max(add(output, fromData(mask, [T, B, F], { backend: output.value.backend })), { axis: 0 });
    // outputs past each length are 0 (packed sequences): the sum over time is the sum over valid steps
    const meanPool = div(sum(output, { axis: 0 }), fromData(Float32Array.from(lengths), [B, 1], { backend: output.value.backend }));
    return this.linear.forward(this.featureDropout.forward(concat([maxPool, meanPool], 1)));
  }
}
