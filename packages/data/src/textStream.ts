import { type Tensor, tensor, checkOptions, option } from '@recurrent/tensor';

/**
 * Options of {@link TextStream}.
 *
 * @example
 * const options: TextStreamOptions = { batchSize: 32, bptt: 100 };
 */
export interface TextStreamOptions {
  /** Number of parallel contiguous streams B (PyTorch's `bsz`). */
  batchSize: number;
  /** Time steps per chunk for truncated backpropagation through time. */
  bptt: number;
  /** `[B, T]` tensors when true; `[T, B]` (PyTorch's word_language_model layout) when false (default). */
  batchFirst?: boolean;
}

/**
 * One chunk of a {@link TextStream}. Shapes (batchFirst false): `input`, `target`: `[T, B]` int32,
 * with `target[t][b]` the token that follows `input[t][b]` in stream b; T = `length` ≤ bptt.
 *
 * @example
 * const { input, target, length }: TextStreamBatch = new TextStream([0, 1, 2, 3, 4, 5], { batchSize: 2, bptt: 2 }).next()!;
 */
export interface TextStreamBatch {
  input: Tensor;
  target: Tensor;
  /** Time steps in this chunk (the last chunk may be shorter than bptt). */
  length: number;
  /** Step offset of this chunk in the streams. */
  position: number;
}

/**
 * What to save in a checkpoint to resume a {@link TextStream} where it was.
 *
 * @example
 * const saved: TextStreamState = stream.state();
 * stream.restore(saved);
 */
export interface TextStreamState {
  position: number;
  epoch: number;
}

/**
 * Contiguous batches for language models, as PyTorch's word_language_model `batchify` and
 * `get_batch`: the token ids are cut into B contiguous streams of ⌊N/B⌋ tokens (the remainder is
 * dropped), stream b being tokens `[b·⌊N/B⌋, (b+1)·⌊N/B⌋)`; each chunk holds `T = min(bptt, steps − 1 − i)`
 * steps from step i, targets shifted by one. A hidden state can be carried from one chunk to the
 * next because chunk k+1 continues chunk k in every stream.
 *
 * Iterating runs from the current `position` to the end, then starts a new epoch at 0;
 * `state()` / `restore()` save and resume the place for checkpoints.
 *
 * @example
 * const stream = new TextStream(Int32Array.from({ length: 26 }, (_, i) => i), { batchSize: 2, bptt: 4 });
 * for (const { input, target } of stream) console.log(input.shape, target.shape); // [4, 2] …, last [4, 2]
 */
export class TextStream implements Iterable<TextStreamBatch> {
  /** The streams, `[steps, batchSize]` row-major: `streams[t · B + b]`. */
  readonly streams: Int32Array;
  /** Tokens per stream, ⌊N/B⌋. */
  readonly steps: number;
  /** Step offset of the next chunk. */
  position = 0;
  /** Completed passes over the streams. */
  epoch = 0;
  private readonly options: Required<TextStreamOptions>;

  constructor(ids: ArrayLike<number>, options: TextStreamOptions) {
    checkOptions('TextStream', options, { batchSize: option.integer({ min: 1 }), bptt: option.integer({ min: 1 }), batchFirst: option.boolean }, ['batchSize', 'bptt']);
    const { batchSize, bptt } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`TextStream: expected a positive integer batchSize, got ${batchSize}`);
    if (!Number.isInteger(bptt) || bptt <= 0) throw new Error(`TextStream: expected a positive integer bptt, got ${bptt}`);
    this.steps = Math.floor(ids.length / batchSize);
    if (this.steps < 2) throw new Error(`TextStream: expected at least ${2 * batchSize} tokens for ${batchSize} streams, got ${ids.length}`);
    this.options = { batchFirst: false, ...options };
    this.streams = new Int32Array(this.steps * batchSize);
    for (let b = 0; b < batchSize; b++) {
      for (let t = 0; t < this.steps; t++) {
        const id = ids[b * this.steps + t];
        if (!Number.isInteger(id)) throw new Error(`TextStream: expected integer token ids, got ${id} at index ${b * this.steps + t}`);
        this.streams[t * batchSize + b] = id;
      }
    }
  }

  /** Chunks per epoch: ⌈(steps − 1) / bptt⌉. */
  get length(): number {
    return Math.ceil((this.steps - 1) / this.options.bptt);
  }

  /** The chunk at the current position, advancing it; `undefined` at the end of the streams. */
  next(): TextStreamBatch | undefined {
    const { batchSize, bptt, batchFirst } = this.options;
    const position = this.position;
    const length = Math.min(bptt, this.steps - 1 - position);
    if (length <= 0) return undefined;
    const input = new Int32Array(length * batchSize);
    const target = new Int32Array(length * batchSize);
    if (batchFirst) {
      for (let t = 0; t < length; t++) {
        for (let b = 0; b < batchSize; b++) {
          input[b * length + t] = this.streams[(position + t) * batchSize + b];
          target[b * length + t] = this.streams[(position + t + 1) * batchSize + b];
        }
      }
    } else {
      input.set(this.streams.subarray(position * batchSize, (position + length) * batchSize));
      target.set(this.streams.subarray((position + 1) * batchSize, (position + 1 + length) * batchSize));
    }
    this.position = position + length;
    const shape = batchFirst ? [batchSize, length] : [length, batchSize];
    return { input: tensor(input, { shape, dtype: 'int32' }), target: tensor(target, { shape, dtype: 'int32' }), length, position };
  }

  /** Chunks from the current position to the end; then the position returns to 0 and `epoch` advances. */
  *[Symbol.iterator](): Generator<TextStreamBatch> {
    for (let batch = this.next(); batch !== undefined; batch = this.next()) yield batch;
    this.position = 0;
    this.epoch++;
  }

  /** Back to the start of the streams (the epoch count is kept). */
  reset(): void {
    this.position = 0;
  }

  /** The place to save in a checkpoint. */
  state(): TextStreamState {
    return { position: this.position, epoch: this.epoch };
  }

  /** Resumes at a place saved by {@link TextStream.state}. */
  restore(state: TextStreamState): void {
    const { position, epoch } = state ?? ({} as TextStreamState);
    if (!Number.isInteger(position) || position < 0 || position >= this.steps || !Number.isInteger(epoch) || epoch < 0) {
      throw new Error(`TextStream.restore: expected { position in [0, ${this.steps}), epoch ≥ 0 }, got ${JSON.stringify(state)}`);
    }
    this.position = position;
    this.epoch = epoch;
  }
}
