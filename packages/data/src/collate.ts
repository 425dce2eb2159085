import { type Tensor, tensor } from '@recurrent/tensor';

/**
 * The time length a batch is padded to: `'longest'` (the batch's longest sequence), a fixed
 * length (an error when a sequence is longer), or `{ buckets }`: the smallest boundary that holds
 * the longest sequence (fewer distinct shapes, so fewer re-allocations downstream).
 *
 * @example
 * const padTo: PadTo = { buckets: [16, 32, 64] };
 */
export type PadTo = 'longest' | number | { buckets: readonly number[] };

/**
 * Options of {@link padSequences} and {@link padFeatures}.
 *
 * @example
 * const options: PadOptions = { padValue: 0, padTo: { buckets: [32, 64, 128] }, batchFirst: true };
 */
export interface PadOptions {
  /** Value written after each sequence's end (default 0). */
  padValue?: number;
  /** How long the padded batch is (default `'longest'`). */
  padTo?: PadTo;
  /** `[batch, time, …]` when true; `[time, batch, …]` (PyTorch's default) when false (default). */
  batchFirst?: boolean;
}

/**
 * A padded batch. Shapes (batchFirst false / true):
 * - `data`: `[T, B]` or `[B, T]` int32 ids, or `[T, B, F]` / `[B, T, F]` float32 features
 * - `lengths`: `[B]` int32, each sequence's true length
 * - `mask`: `[T, B]` or `[B, T]` float32, 1 inside a sequence and 0 in its padding
 *
 * @example
 * const { data, lengths, mask }: PaddedBatch = padSequences([[1, 2], [3]]);
 */
export interface PaddedBatch {
  data: Tensor;
  lengths: Tensor;
  mask: Tensor;
  /** The padded time length T. */
  length: number;
}

/**
 * The padded length for a batch whose longest sequence is `longest`.
 *
 * @example
 * paddedLength(20, { buckets: [16, 32] }); // 32
 */
export function paddedLength(longest: number, padTo: PadTo = 'longest', op = 'paddedLength'): number {
  if (padTo === 'longest') return longest;
  if (typeof padTo === 'number') {
    if (!Number.isInteger(padTo) || padTo < longest) throw new Error(`${op}: expected padTo ≥ the longest sequence (${longest}), got ${padTo}`);
    return padTo;
  }
  for (const boundary of padTo.buckets) if (boundary >= longest) return boundary;
  throw new Error(`${op}: expected a bucket boundary ≥ the longest sequence (${longest}), got buckets [${padTo.buckets.join(', ')}]`);
}

/**
 * Pads sequences of token ids into an int32 tensor with lengths and a mask.
 *
 * @example
 * const batch = padSequences([[5, 6, 7], [8]], { batchFirst: true });
 * batch.data.shape; // [2, 3], rows [5, 6, 7] and [8, 0, 0]
 * Array.from(batch.lengths.data); // [3, 1]
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options: PadOptions = {}): PaddedBatch {
  return pad('padSequences', sequences, 1, options, 'int32');
}

/**
 * Pads sequences of feature vectors (each a flat `[length · featureSize]` array, step after step)
 * into a float32 tensor with lengths and a mask. A sequence whose size is not a multiple of
 * `featureSize` (a ragged step) is an error naming it.
 *
 * @example
 * const batch = padFeatures([new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6])], 2);
 * batch.data.shape; // [2, 2, 2]: [time, batch, feature]
 */
export function padFeatures(sequences: readonly ArrayLike<number>[], featureSize: number, options: PadOptions = {}): PaddedBatch {
  if (!Number.isInteger(featureSize) || featureSize <= 0) throw new Error(`padFeatures: expected a positive integer featureSize, got ${featureSize}`);
  return pad('padFeatures', sequences, featureSize, options, 'float32');
}

function pad(op: string, sequences: readonly ArrayLike<number>[], featureSize: number, options: PadOptions, dtype: 'int32' | 'float32'): PaddedBatch {
  const batchSize = sequences.length;
  if (batchSize === 0) throw new Error(`${op}: expected at least one sequence, got none`);
  const lengths = new Int32Array(batchSize);
  let longest = 0;
  for (let b = 0; b < batchSize; b++) {
    const size = sequences[b]?.length;
    if (size === undefined) throw new Error(`${op}: expected array-like sequences, got ${String(sequences[b])} at index ${b}`);
    if (size === 0) throw new Error(`${op}: expected non-empty sequences, got an empty sequence at index ${b}`);
    if (size % featureSize !== 0) {
      throw new Error(`${op}: expected sequence ${b} to hold whole steps of ${featureSize} features, got ${size} values (a ragged step)`);
    }
    lengths[b] = size / featureSize;
    if (lengths[b] > longest) longest = lengths[b];
  }
  const time = paddedLength(longest, options.padTo, op);
  const batchFirst = options.batchFirst ?? false;
  const padValue = options.padValue ?? 0;
  const values = dtype === 'int32' ? new Int32Array(batchSize * time * featureSize) : new Float32Array(batchSize * time * featureSize);
  const mask = new Float32Array(batchSize * time);
  if (padValue !== 0) values.fill(padValue);
  // a step's features are contiguous in both layouts; only the step's offset differs
  const stepStride = (batchFirst ? 1 : batchSize) * featureSize;
  for (let b = 0; b < batchSize; b++) {
    const sequence = sequences[b];
    const base = (batchFirst ? b * time : b) * featureSize;
    for (let t = 0; t < lengths[b]; t++) {
      const offset = base + t * stepStride;
      const from = t * featureSize;
      for (let f = 0; f < featureSize; f++) {
        const value = sequence[from + f];
        if (dtype === 'int32' && !Number.isInteger(value)) throw new Error(`${op}: expected integer ids, got ${value} in sequence ${b} at step ${t}`);
        values[offset + f] = value;
      }
      mask[batchFirst ? b * time + t : t * batchSize + b] = 1;
    }
  }
  const shape = batchFirst ? [batchSize, time] : [time, batchSize];
  return {
    data: tensor(values, { shape: featureSize === 1 && dtype === 'int32' ? shape : [...shape, featureSize], dtype }),
    lengths: tensor(lengths, { dtype: 'int32' }),
    mask: tensor(mask, { shape, dtype: 'float32' }),
    length: time,
  };
}
