import { fnv1a32 } from '@recurrent/data';
import { Generator } from '@recurrent/tensor';

/** Lower-cased `[a-z0-9]+` tokens of a text, in order. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/** Sparse features of one text: hashed bucket → log1p(count). */
export interface SparseFeatures {
  buckets: Int32Array;
  values: Float64Array;
}

/** Hashes every token of `text` into `2^bits` buckets (FNV-1a-32) and takes log1p of the counts. */
export function hashedBagOfWords(text: string, bits = 18): SparseFeatures {
  const counts = new Map<number, number>();
  const mask = 2 ** bits - 1;
  for (const token of wordTokens(text)) {
    const bucket = fnv1a32(token) & mask;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  return { buckets: Int32Array.from(counts.keys()), values: Float64Array.from(counts.values(), (c) => Math.log1p(c)) };
}

/** Accuracy and F1 of the positive class. */
export function binaryScores(predicted: ArrayLike<boolean>, actual: ArrayLike<boolean>): { accuracy: number; f1: number } {
  let tp = 0, fp = 0, fn = 0, correct = 0;
  for (let i = 0; i < actual.length; i++) {
    if (predicted[i] === actual[i]) correct++;
    if (predicted[i] && actual[i]) tp++;
    else if (predicted[i]) fp++;
    else if (actual[i]) fn++;
  }
  return { accuracy: correct / actual.length, f1: tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn) };
}

/**
 * The baseline of learning.md's spam recipe: logistic regression on hashed bag-of-words features
 * (`2^bits` buckets, log1p counts), Adam (β = 0.9, 0.999, ε = 1e-8; full Adam over every weight
 * each step, as PyTorch's dense Adam), shuffled mini-batches, seeded. Plain loops: the features
 * are sparse, and no recurrent part is involved.
 */
export class BagOfWordsLogisticRegression {
  readonly weights: Float64Array;
  bias = 0;

  constructor(readonly bits = 18) {
    this.weights = new Float64Array(2 ** bits);
  }

  /** The spam logit of one text's features. */
  logit(features: SparseFeatures): number {
    let z = this.bias;
    for (let k = 0; k < features.buckets.length; k++) z += this.weights[features.buckets[k]] * features.values[k];
    return z;
  }

  /** Trains on `examples` (binary cross-entropy of the sigmoid). */
  fit(examples: readonly SparseFeatures[], labels: readonly boolean[], options: { epochs: number; lr: number; batch: number; seed: number }): void {
    const n = this.weights.length;
    const m = new Float64Array(n + 1), v = new Float64Array(n + 1), g = new Float64Array(n + 1);
    const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
    const generator = new Generator(options.seed);
    let step = 0;
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = generator.shuffle(Array.from({ length: examples.length }, (_, k) => k));
      for (let start = 0; start < order.length; start += options.batch) {
        const rows = order.slice(start, start + options.batch);
        g.fill(0);
        for (const i of rows) {
          const p = 1 / (1 + Math.exp(-this.logit(examples[i])));
          // d BCE / d z = p − y, averaged over the batch
          const dz = (p - (labels[i] ? 1 : 0)) / rows.length;
          const { buckets, values } = examples[i];
          for (let k = 0; k < buckets.length; k++) g[buckets[k]] += dz * values[k];
          g[n] += dz;
        }
        step++;
        const c1 = 1 - beta1 ** step, c2 = 1 - beta2 ** step;
        for (let j = 0; j <= n; j++) {
          m[j] = beta1 * m[j] + (1 - beta1) * g[j];
          v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
          const update = (options.lr * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + eps);
          if (j < n) this.weights[j] -= update;
          else this.bias -= update;
        }
      }
    }
  }
}
