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
  /** Nucleus sampling (Holtzman et al. 2020): sample among the most probable classes whose
   * probabilities, after temperature and `topK`, first sum to at least `topP`, in (0, 1] (default 1: all). */
  topP?: number;
  /** Seeded generator (default: `new Generator(0)`; pass one to advance across calls). */
  generator?: Generator;
}

const samplingSchema = {
  temperature: option.number({ min: 0 }), topK: option.integer({ min: 1 }), topP: option.number({ above: 0, max: 1 }),
  generator: common.generator,
};

/**
 * The probabilities sampling draws from: `softmax(logits / temperature)` restricted to the
 * `topK` largest logits (the others get 0; ties at the k-th value are all kept), then to the
 * nucleus of `topP`: the fewest most probable classes whose probabilities sum to at least
 * `topP` (ties at the boundary kept), renormalised.
 *
 * Shapes: `logits: [V]` → `Float64Array(V)`.
 *
 * @example
 * samplingDistribution([2, 1, 0], { temperature: 0.5, topK: 2 }); // [0.88, 0.12, 0]
 * samplingDistribution([2, 1, 0], { topP: 0.6 });                 // [1, 0, 0]
 */
export function samplingDistribution(logits: ArrayLike<number>, options: Omit<SamplingOptions, 'generator'> = {}): Float64Array {
  checkOptions('samplingDistribution', options, samplingSchema);
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
  const topP = options.topP ?? 1;
  if (topP < 1) {
    // the nucleus: classes by decreasing probability until their sum reaches topP
    const order = Array.from(probabilities.keys()).sort((a, b) => probabilities[b] - probabilities[a]);
    let cumulative = 0, last = -1;
    for (let k = 0; k < V; k++) {
      cumulative += probabilities[order[k]];
      if (cumulative >= topP) {
        last = k;
        break;
      }
    }
    if (last >= 0) {
      const boundary = probabilities[order[last]];
      let kept = 0;
      for (let i = 0; i < V; i++) {
        if (probabilities[i] < boundary) probabilities[i] = 0;
        kept += probabilities[i];
      }
      for (let i = 0; i < V; i++) probabilities[i] /= kept;
    }
  }
  return probabilities;
}

/**
 * Draws one class per row from logits: temperature scaling, optional top-k and top-p (nucleus)
 * truncation, then a draw from the seeded generator (inverse CDF). Temperature 0 is greedy decoding.
 *
 * Shapes: `logits: [V]` → one index, `[B, V]` → `B` indices.
 *
 * @example
 * const generator = new Generator(42);
 * const next = sampleLogits(logits, { temperature: 0.8, topK: 10, generator }); // logits: [B, V]
 */
export function sampleLogits(logits: Variable | Tensor, options: SamplingOptions = {}): number[] {
  checkOptions('sampleLogits', options, samplingSchema);
  const x = tensorArgument('sampleLogits', 'logits', logits);
  if (x.rank !== 1 && x.rank !== 2) fail('sampleLogits', 'logits [V] or [batch, V]', formatShape(x.shape));
  const V = x.shape[x.rank - 1];
  const rows = x.rank === 1 ? 1 : x.shape[0];
  const generator = options.generator ?? new Generator(0);
  const result: number[] = [];
  for (let r = 0; r < rows; r++) {
    const { generator: _unused, ...shaping } = options;
    const probabilities = samplingDistribution(x.data.subarray(r * V, (r + 1) * V), shaping);
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
