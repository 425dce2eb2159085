import { Generator } from '@recurrent/tensor';

/**
 * Index batches over `count` examples in a fresh seeded permutation every epoch (the last, short
 * batch of an epoch is dropped). Its state, including the current permutation, goes into
 * checkpoints so a resumed run draws exactly the same batches.
 */
export class ShuffledBatches {
  readonly generator: Generator;
  private order: number[] = [];
  private position = 0;
  private epoch = 0;

  constructor(
    readonly count: number,
    readonly batchSize: number,
    seed: number,
  ) {
    this.generator = new Generator(seed);
    this.reshuffle();
  }

  /** Batches per epoch. */
  get stepsPerEpoch(): number {
    return Math.floor(this.count / this.batchSize);
  }

  /** The next batch's example indices. */
  next(): number[] {
    if (this.position + this.batchSize > this.count) {
      this.epoch++;
      this.reshuffle();
    }
    const batch = this.order.slice(this.position, this.position + this.batchSize);
    this.position += this.batchSize;
    return batch;
  }

  getState(): Record<string, unknown> {
    return { order: [...this.order], position: this.position, epoch: this.epoch };
  }

  /** Restores {@link getState}'s value, checked first: a permutation of the examples, a position within it, an epoch count. */
  setState(state: Record<string, unknown>): void {
    const { order, position, epoch } = state;
    const seen = new Uint8Array(this.count);
    const permutation = Array.isArray(order) && order.length === this.count
      && order.every((k) => Number.isInteger(k) && k >= 0 && k < this.count && seen[k] === 0 && (seen[k] = 1) === 1);
    if (!permutation) throw new Error(`expected data.order to be a permutation of the ${this.count} examples, got ${Array.isArray(order) ? `an array of ${order.length} that is not one` : JSON.stringify(order) ?? 'none'}`);
    if (!Number.isInteger(position) || (position as number) < 0 || (position as number) > this.count) throw new Error(`expected data.position to be an integer in [0, ${this.count}], got ${JSON.stringify(position) ?? 'none'}`);
    if (!Number.isInteger(epoch) || (epoch as number) < 0) throw new Error(`expected data.epoch to be an integer ≥ 0, got ${JSON.stringify(epoch) ?? 'none'}`);
    this.order = [...(state.order as number[])];
    this.position = state.position as number;
    this.epoch = state.epoch as number;
  }

  private reshuffle(): void {
    this.order = this.generator.shuffle(Array.from({ length: this.count }, (_, k) => k));
    this.position = 0;
  }
}
