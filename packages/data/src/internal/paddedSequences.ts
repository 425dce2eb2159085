import type { PadOptions, PaddedBatch } from '../collate.js';
import { padFeatures, padSequences } from '../collate.js';

/** What {@link PaddedSequences} reads from a dataset's options. */
export interface SequenceInputOptions {
  featureSize?: number;
}

/**
 * The part the sequence datasets share: inputs checked up front (no empty or ragged sequence),
 * the example count, and padding of a batch's inputs.
 */
export abstract class PaddedSequences<Options extends SequenceInputOptions> {
  constructor(
    op: string,
    readonly inputs: readonly ArrayLike<number>[],
    readonly options: Options,
  ) {
    checkInputs(op, inputs, options.featureSize);
  }

  /** Number of examples. */
  get length(): number {
    return this.inputs.length;
  }

  /** Pads the inputs of one batch: token ids as `padSequences`, feature vectors as `padFeatures`. */
  protected padInputs(inputs: ArrayLike<number>[], options: PadOptions): PaddedBatch {
    const featureSize = this.options.featureSize;
    return featureSize === undefined ? padSequences(inputs, options) : padFeatures(inputs, featureSize, options);
  }
}

function checkInputs(op: string, inputs: readonly ArrayLike<number>[], featureSize: number | undefined): void {
  if (featureSize !== undefined && (!Number.isInteger(featureSize) || featureSize <= 0)) {
    throw new Error(`${op}: expected a positive integer featureSize, got ${featureSize}`);
  }
  const width = featureSize ?? 1;
  inputs.forEach((input, i) => {
    if (input === null || typeof input !== 'object' || typeof input.length !== 'number') throw new Error(`${op}: expected array-like inputs, got ${String(input)} at example ${i}`);
    if (input.length === 0) throw new Error(`${op}: expected non-empty sequences, got an empty sequence at example ${i}`);
    if (input.length % width !== 0) {
      throw new Error(`${op}: expected example ${i} to hold whole steps of ${width} features, got ${input.length} values (a ragged step)`);
    }
  });
}
