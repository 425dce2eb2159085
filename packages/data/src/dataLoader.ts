import { type BatchSampler, RandomBatchSampler } from './batchSampler.js';

/**
 * Anything indexable: a plain array, or an object with `length` and `get(index)` (datasets that
 * build examples lazily).
 *
 * @example
 * const squares: Dataset<number> = { length: 10, get: (i) => i * i };
 */
export interface Dataset<T> {
  /** Number of examples. */
  readonly length: number;
  /** Example `index`, for 0 ≤ index < length. */
  get(index: number): T;
}

/**
 * Options of {@link DataLoader}.
 *
 * @example
 * const options: DataLoaderOptions<number[], PaddedBatch> = { batchSize: 32, shuffle: true, seed: 0, collate: (items) => padSequences(items) };
 */
export interface DataLoaderOptions<T, B> {
  /** Turns one batch of examples (and their indices) into what a step consumes, e.g. padded tensors. */
  collate: (items: T[], indices: number[]) => B;
  /** Examples per batch (default 1); ignored when `sampler` is given. */
  batchSize?: number;
  /** Shuffle each epoch from `seed` (default false). */
  shuffle?: boolean;
  /** Seed of the shuffle (default 0): same seed, same order, on every platform. */
  seed?: number;
  /** Drop the last, smaller batch (default false). */
  dropLast?: boolean;
  /** A custom batch order, e.g. a {@link BucketBatchSampler}. */
  sampler?: BatchSampler;
}

/**
 * Batches a dataset for training: sampling (sequential, seeded shuffle or buckets), collation,
 * epochs, sync and async iteration. Each `for (const batch of loader)` is one epoch and advances
 * `epoch`; `batches(epoch, { start })` replays any epoch from any batch (resuming a checkpoint).
 *
 * @example
 * const loader = new DataLoader([[1, 2], [3], [4, 5, 6]], {
 *   batchSize: 2, shuffle: true, seed: 0,
 *   collate: (items) => padSequences(items, { batchFirst: true }),
 * });
 * for (const batch of loader) console.log(batch.data.shape, batch.lengths.data);
 */
export class DataLoader<T, B> implements Iterable<B>, AsyncIterable<B> {
  /** The epoch the next full iteration runs (starts at 0). */
  epoch = 0;
  private readonly dataset: Dataset<T>;
  private readonly sampler: BatchSampler;

  constructor(
    dataset: Dataset<T> | readonly T[],
    private readonly options: DataLoaderOptions<T, B>,
  ) {
    if (typeof options?.collate !== 'function') throw new Error(`DataLoader: expected a collate function, got ${typeof options?.collate}`);
    this.dataset = Array.isArray(dataset) ? { length: dataset.length, get: (i: number) => (dataset as readonly T[])[i] } : (dataset as Dataset<T>);
    if (!Number.isInteger(this.dataset.length)) throw new Error(`DataLoader: expected a dataset with an integer length, got ${this.dataset.length}`);
    this.sampler =
      options.sampler ??
      new RandomBatchSampler({ size: this.dataset.length, batchSize: options.batchSize ?? 1, shuffle: options.shuffle, seed: options.seed, dropLast: options.dropLast });
  }

  /** The index batches of an epoch. */
  indices(epoch = this.epoch): number[][] {
    return this.sampler.batches(epoch);
  }

  /** Number of batches in an epoch. */
  get length(): number {
    return this.indices(this.epoch).length;
  }

  /** The collated batches of `epoch`, from batch `start` (default 0); does not change `epoch`. */
  *batches(epoch = this.epoch, options: { start?: number } = {}): Generator<B> {
    const batches = this.indices(epoch);
    for (let k = options.start ?? 0; k < batches.length; k++) {
      const indices = batches[k];
      yield this.options.collate(
        indices.map((i) => this.dataset.get(i)),
        indices,
      );
    }
  }

  /** One epoch, then `epoch` advances. */
  *[Symbol.iterator](): Generator<B> {
    const epoch = this.epoch;
    yield* this.batches(epoch);
    this.epoch = epoch + 1;
  }

  /** One epoch, for `for await` (collation stays synchronous), then `epoch` advances. */
  async *[Symbol.asyncIterator](): AsyncGenerator<B> {
    const epoch = this.epoch;
    for (const batch of this.batches(epoch)) yield batch;
    this.epoch = epoch + 1;
  }

  /** `count` epochs in turn, each as `{ epoch, batches }`. */
  *epochs(count: number): Generator<{ epoch: number; batches: Generator<B> }> {
    for (let k = 0; k < count; k++) {
      const epoch = this.epoch;
      yield { epoch, batches: this.batches(epoch) };
      this.epoch = epoch + 1;
    }
  }
}
