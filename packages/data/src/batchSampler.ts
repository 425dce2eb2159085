import { Generator, checkOptions, option } from '@recurrent/tensor';

/**
 * Decides which example indices form each batch of an epoch. `batches(epoch)` must depend only
 * on the sampler's settings and `epoch`, so a run resumed from a checkpoint sees the same batches.
 *
 * @example
 * const sampler: BatchSampler = new RandomBatchSampler({ size: 10, batchSize: 4 });
 */
export interface BatchSampler {
  /** The index batches of `epoch` (a pure function of the settings and `epoch`). */
  batches(epoch: number): number[][];
}

/**
 * The generator for one epoch of a seeded sampler: a pure function of (seed, epoch), built on
 * `Generator` (xoshiro128**, integer arithmetic), so the order is the same on every platform.
 *
 * @example
 * epochGenerator(0, 3).integer(10); // the same number everywhere
 */
export function epochGenerator(seed: number, epoch: number): Generator {
  return new Generator((Math.imul(seed >>> 0, 0x01000193) ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0);
}

/**
 * Options of {@link RandomBatchSampler}.
 *
 * @example
 * const options: RandomBatchSamplerOptions = { size: 1000, batchSize: 32, shuffle: true, seed: 0, dropLast: true };
 */
export interface RandomBatchSamplerOptions {
  /** Number of examples. */
  size: number;
  batchSize: number;
  /** Shuffle each epoch (default false: file order). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Drop the last, smaller batch (default false). */
  dropLast?: boolean;
}

/**
 * Batches of consecutive indices, in order or shuffled per epoch from a seed.
 *
 * @example
 * new RandomBatchSampler({ size: 5, batchSize: 2 }).batches(0); // [[0, 1], [2, 3], [4]]
 */
export class RandomBatchSampler implements BatchSampler {
  constructor(private readonly options: RandomBatchSamplerOptions) {
    checkOptions('RandomBatchSampler', options, { size: option.integer({ min: 0, max: 2 ** 31 - 1 }), batchSize: option.integer({ min: 1 }), shuffle: option.boolean, seed: option.integer(), dropLast: option.boolean }, ['size', 'batchSize']);
    checkBatchSize('RandomBatchSampler', options.batchSize);
    if (!Number.isInteger(options.size) || options.size < 0) throw new Error(`RandomBatchSampler: expected a non-negative integer size, got ${options.size}`);
  }

  /** The index batches of `epoch`: a pure function of the options and `epoch`. */
  batches(epoch: number): number[][] {
    const { size, batchSize, shuffle = false, seed = 0, dropLast = false } = this.options;
    const order = Array.from({ length: size }, (_, i) => i);
    if (shuffle) epochGenerator(seed, epoch).shuffle(order);
    return chunk(order, batchSize, dropLast);
  }
}

/**
 * Options of {@link BucketBatchSampler}.
 *
 * @example
 * const options: BucketBatchSamplerOptions = { lengths: [3, 12, 40], batchSize: 32, boundaries: [16, 32, 64] };
 */
export interface BucketBatchSamplerOptions {
  /** Each example's sequence length. */
  lengths: ArrayLike<number>;
  batchSize: number;
  /** Upper bounds of the buckets, ascending: a length goes to the first boundary ≥ it; longer ones share a last bucket. */
  boundaries: readonly number[];
  shuffle?: boolean;
  seed?: number;
  /** Drop each bucket's last, smaller batch (default false). */
  dropLast?: boolean;
}

/**
 * Groups examples of similar length so batches carry little padding: each batch comes from one
 * bucket. With `shuffle`, examples are shuffled inside buckets and batches are shuffled across
 * buckets, from the seed and epoch.
 *
 * @example
 * const sampler = new BucketBatchSampler({ lengths: [3, 9, 4, 10], batchSize: 2, boundaries: [5, 10] });
 * sampler.batches(0); // [[0, 2], [1, 3]]
 */
export class BucketBatchSampler implements BatchSampler {
  private readonly buckets: number[][];

  constructor(private readonly options: BucketBatchSamplerOptions) {
    checkOptions('BucketBatchSampler', options, {
      lengths: option.shaped('a list of lengths', (v) => Array.isArray(v) || ArrayBuffer.isView(v)), batchSize: option.integer({ min: 1 }),
      boundaries: option.arrayOf(option.number()), shuffle: option.boolean, seed: option.integer(), dropLast: option.boolean,
    }, ['lengths', 'batchSize', 'boundaries']);
    checkBatchSize('BucketBatchSampler', options.batchSize);
    const { boundaries, lengths } = options;
    for (let k = 1; k < boundaries.length; k++) {
      if (!(boundaries[k] > boundaries[k - 1])) throw new Error(`BucketBatchSampler: expected ascending boundaries, got [${boundaries.join(', ')}]`);
    }
    this.buckets = Array.from({ length: boundaries.length + 1 }, () => []);
    for (let i = 0; i < lengths.length; i++) {
      let k = 0;
      while (k < boundaries.length && lengths[i] > boundaries[k]) k++;
      this.buckets[k].push(i);
    }
  }

  /** The index batches of `epoch`: a pure function of the options and `epoch`. */
  batches(epoch: number): number[][] {
    const { batchSize, shuffle = false, seed = 0, dropLast = false } = this.options;
    const rng = shuffle ? epochGenerator(seed, epoch) : undefined;
    const batches: number[][] = [];
    for (const bucket of this.buckets) {
      const order = [...bucket];
      rng?.shuffle(order);
      batches.push(...chunk(order, batchSize, dropLast));
    }
    rng?.shuffle(batches);
    return batches;
  }
}

function chunk(order: number[], batchSize: number, dropLast: boolean): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    if (dropLast && start + batchSize > order.length) break;
    out.push(order.slice(start, start + batchSize));
  }
  return out;
}

function checkBatchSize(op: string, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`${op}: expected a positive integer batchSize, got ${batchSize}`);
}
