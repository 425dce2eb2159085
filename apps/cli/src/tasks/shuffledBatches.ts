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

  setState(state: Record<string, unknown>): void {
    this.order = [...(state.order as number[])];
    this.position = state.position as number;
    this.epoch = state.epoch as number;
  }

  private reshuffle(): void {
    this.order = this.generator.shuffle(Array.from({ length: this.count }, (_, k) => k));
    this.position = 0;
  }
}
