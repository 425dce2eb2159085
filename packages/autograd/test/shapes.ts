// Random shapes for gradchecks, broadcasting edge cases included: [] scalars, size-1 axes and
// operands of different rank.
import { Generator, type Tensor, uniform } from '@recurrent/tensor';

/** A random shape of rank 0…maxRank with dimensions 1…maxSize. */
export function randomShape(generator: Generator, maxRank = 3, maxSize = 3): number[] {
  const rank = Math.floor(generator.uniform() * (maxRank + 1));
  return Array.from({ length: rank }, () => 1 + Math.floor(generator.uniform() * maxSize));
}

/** A shape that broadcasts with `shape`: some leading axes dropped, some axes set to 1. */
export function broadcastPartner(generator: Generator, shape: readonly number[]): number[] {
  const drop = Math.floor(generator.uniform() * (shape.length + 1));
  return shape.slice(drop).map((d) => (generator.uniform() < 0.4 ? 1 : d));
}

/** Pairs of broadcasting shapes: fixed edge cases first, then random ones (either side may be the smaller). */
export function broadcastPairs(seed: number, count: number): [number[], number[]][] {
  const generator = new Generator(seed);
  const pairs: [number[], number[]][] = [
    [[], []], [[], [2, 3]], [[2, 3], []], [[3, 1], [1, 4]], [[2, 1, 3], [4, 1]], [[4], [3, 4]], [[1], [2, 1, 3]],
  ];
  while (pairs.length < count) {
    const shape = randomShape(generator);
    const partner = broadcastPartner(generator, shape);
    pairs.push(generator.uniform() < 0.5 ? [shape, partner] : [partner, shape]);
  }
  return pairs;
}

/** Values uniform in `[low, high)` (float64, as gradcheck uses). */
export function values(generator: Generator, shape: readonly number[], low = -1.5, high = 1.5): Tensor {
  return uniform(shape, low, high, generator, { dtype: 'float64' });
}

/** Values with magnitudes in `[low, high)` and random signs, away from 0. */
export function awayFromZero(generator: Generator, shape: readonly number[], low = 0.5, high = 2): Tensor {
  const t = values(generator, shape, low, high);
  for (let i = 0; i < t.size; i++) if (generator.uniform() < 0.5) t.data[i] = -t.data[i];
  return t;
}
