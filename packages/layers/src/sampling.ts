import { type Tensor, Generator, checkOptions, fail, formatShape, option } from '@recurrent/tensor';
import type { Variable } from '@recurrent/autograd';
import { common, tensorArgument } from './internal/commonOptions.js';
import { checkPositiveInteger } from './internal/checkPositiveInteger.js';

/** Options of {@link sampleLogits}. */
export interface SamplingOptions {
  /** Divides the logits before the softmax (default 1); 0 picks the argmax (greedy). */
  temperature?: number;
  /** Sample among the `topK` largest logits only (default: all). */
  topK?: number;
  /** Seeded generator (default: `new Generator(0)`; pass one to advance across calls). */
  generator?: Generator;
}

/**
 * The probabilities sampling draws from: `softmax(logits / temperature)` restricted to the
 * `topK` largest logits (the others get 0). Ties at the k-th value are all kept.
 *
 * Shapes: `logits: [V]` → `Float64Array(V)`.
 *
 * @example
 * samplingDistribution([2, 1, 0], { temperature: 0.5, topK: 2 }); // [0.88, 0.12, 0]
 */
export function samplingDistribution(logits: ArrayLike<number>, options: Omit<SamplingOptions, 'generator'> = {}): Float64Array {
  checkOptions('samplingDistribution', options, { temperature: option.number({ min: 0 }), topK: option.integer({ min: 1 }) });
  const temperature = options.temperature ?? 1;
  const V = logits.length;
  const topK = options.topK ?? V;
  if (!(temperature >= 0)) fail('sampleLogits', 'temperature ≥ 0', String(temperature));
  checkPositiveInteger('sampleLogits', 'topK', topK);
  const probabilities = new Float64Array(V);
  let threshold = -Infinity;
  if (topK < V) threshold = Array.from(logits).sort((a, b) => b - a)[topK - 1];
  let largest = -Infinity, best = 0;
  for (let i = 0; i < V; i++) if (logits[i] > largest) (largest = logits[i]), (best = i);
  if (temperature === 0) {
    probabilities[best] = 1;
    return probabilities;
  }
  let total = 0;
  for (let i = 0; i < V; i++) {
    if (logits[i] < threshold) continue;
    probabilities[i] = Math.exp((logits[i] - largest) / temperature);
    total += probabilities[i];
  }
  for (let i = 0; i < V; i++) probabilities[i] /= total;
  return probabilities;
}

/**
 * Draws one class per row from logits: temperature scaling, optional top-k truncation, then a
 * draw from the seeded generator (inverse CDF). Temperature 0 is greedy decoding.
 *
 * Shapes: `logits: [V]` → one index, `[B, V]` → `B` indices.
 *
 * @example
 * const generator = new Generator(42);
 * const next = sampleLogits(logits, { temperature: 0.8, topK: 10, generator }); // logits: [B, V]
 */
export function sampleLogits(logits: Variable | Tensor, options: SamplingOptions = {}): number[] {
  checkOptions('sampleLogits', options, { temperature: option.number({ min: 0 }), topK: option.integer({ min: 1 }), generator: common.generator });
  const x = tensorArgument('sampleLogits', 'logits', logits);
  if (x.rank !== 1 && x.rank !== 2) fail('sampleLogits', 'logits [V] or [batch, V]', formatShape(x.shape));
  const V = x.shape[x.rank - 1];
  const rows = x.rank === 1 ? 1 : x.shape[0];
  const generator = options.generator ?? new Generator(0);
  const result: number[] = [];
  for (let r = 0; r < rows; r++) {
    const probabilities = samplingDistribution(x.data.subarray(r * V, (r + 1) * V), { temperature: options.temperature, topK: options.topK });
    const u = generator.uniform();
    let cumulative = 0, choice = -1;
    for (let i = 0; i < V; i++) {
      if (probabilities[i] === 0) continue;
      choice = i;
      cumulative += probabilities[i];
      if (u < cumulative) break;
    }
    result.push(choice);
  }
  return result;
}
