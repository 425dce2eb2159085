import { type Tensor, tensor } from '@recurrent/tensor';
import { type PadOptions, type PaddedBatch, padSequences } from './collate.js';
import type { Dataset } from './dataLoader.js';
import { PaddedSequences } from './internal/paddedSequences.js';

/**
 * Options shared by the sequence datasets.
 *
 * @example
 * const options: SequenceDatasetOptions = { featureSize: 28, numClasses: 10 };
 */
export interface SequenceDatasetOptions {
  /** Features per step when inputs are feature vectors (flat `[length · featureSize]`); omitted: inputs are token ids. */
  featureSize?: number;
  /** Number of classes: labels must be integers in `[0, numClasses)` (checked when given). */
  numClasses?: number;
}

/**
 * One example of a {@link SequenceClassificationDataset}.
 *
 * @example
 * const example: ClassificationExample = { input: [4, 8, 15], label: 1 };
 */
export interface ClassificationExample {
  input: ArrayLike<number>;
  label: number;
}

/**
 * A collated classification batch: the padded inputs (see {@link PaddedBatch}) and `targets`:
 * `[B]` int32 labels.
 *
 * @example
 * const dataset = new SequenceClassificationDataset([[1, 2], [3]], [0, 1]);
 * const { data, lengths, targets }: ClassificationBatch = dataset.collator()([dataset.get(0), dataset.get(1)]);
 */
export interface ClassificationBatch extends PaddedBatch {
  targets: Tensor;
}

function checkLabel(op: string, label: number, numClasses: number | undefined, where: string): void {
  if (!Number.isInteger(label) || label < 0 || (numClasses !== undefined && label >= numClasses)) {
    throw new Error(`${op}: expected an integer label in [0, ${numClasses ?? '∞'}), got ${label} ${where}`);
  }
}

/**
 * Many-to-one examples: a sequence (token ids or feature vectors) and one class label. Inputs and
 * labels are checked up front (counts equal, no empty or ragged sequence, labels in range), so a
 * batch can never pair a sequence with another's label.
 *
 * @example
 * const dataset = new SequenceClassificationDataset([[1, 2, 3], [4]], [0, 1], { numClasses: 2 });
 * const batch = dataset.collator()([dataset.get(0), dataset.get(1)]);
 * batch.data.shape; // [3, 2]; batch.targets: int32 [2]
 */
export class SequenceClassificationDataset extends PaddedSequences<SequenceDatasetOptions> implements Dataset<ClassificationExample> {
  constructor(
    inputs: readonly ArrayLike<number>[],
    readonly labels: ArrayLike<number>,
    options: SequenceDatasetOptions = {},
  ) {
    const op = 'SequenceClassificationDataset';
    if (inputs.length !== labels.length) throw new Error(`${op}: expected as many labels as inputs (${inputs.length}), got ${labels.length}`);
    super(op, inputs, options);
    for (let i = 0; i < labels.length; i++) checkLabel(op, labels[i], options.numClasses, `at example ${i}`);
  }

  /** Example `index` (its input is not copied). */
  get(index: number): ClassificationExample {
    return { input: this.inputs[index], label: this.labels[index] };
  }

  /**
   * A collate function for a {@link DataLoader}: pads inputs, stacks labels.
   *
   * @example
   * const loader = new DataLoader(dataset, { batchSize: 32, collate: dataset.collator({ batchFirst: true }) });
   */
  collator(options: PadOptions = {}): (items: ClassificationExample[]) => ClassificationBatch {
    return (items) => {
      const padded = this.padInputs(items.map((item) => item.input), options);
      return { ...padded, targets: tensor(Int32Array.from(items, (item) => item.label), { dtype: 'int32' }) };
    };
  }
}

/**
 * One example of a {@link SequenceLabellingDataset}.
 *
 * @example
 * const example: LabellingExample = { input: [4, 8, 15], labels: [0, 2, 1] };
 */
export interface LabellingExample {
  input: ArrayLike<number>;
  labels: ArrayLike<number>;
}

/**
 * A collated labelling batch: the padded inputs and `targets`: `[T, B]` (or `[B, T]`) int32 labels,
 * `ignoreIndex` in the padding.
 *
 * @example
 * const dataset = new SequenceLabellingDataset([[1, 2], [3]], [[0, 1], [1]]);
 * const { targets }: LabellingBatch = dataset.collator()([dataset.get(0), dataset.get(1)]);
 */
export interface LabellingBatch extends PaddedBatch {
  targets: Tensor;
}

/**
 * Many-to-many examples: a sequence and one label per step. A labels sequence whose length differs
 * from its input's is an error naming the example, never a silent shift.
 *
 * @example
 * const dataset = new SequenceLabellingDataset([[1, 2, 3], [4]], [[0, 1, 0], [1]]);
 * const batch = dataset.collator({ batchFirst: true })([dataset.get(0), dataset.get(1)]);
 * Array.from(batch.targets.data); // [0, 1, 0, 1, -100, -100]
 */
export class SequenceLabellingDataset extends PaddedSequences<SequenceDatasetOptions & { ignoreIndex?: number }> implements Dataset<LabellingExample> {
  constructor(
    inputs: readonly ArrayLike<number>[],
    readonly labels: readonly ArrayLike<number>[],
    options: SequenceDatasetOptions & { ignoreIndex?: number } = {},
  ) {
    const op = 'SequenceLabellingDataset';
    if (inputs.length !== labels.length) throw new Error(`${op}: expected as many label sequences as inputs (${inputs.length}), got ${labels.length}`);
    super(op, inputs, options);
    const width = options.featureSize ?? 1;
    labels.forEach((sequence, i) => {
      const steps = inputs[i].length / width;
      if (sequence.length !== steps) throw new Error(`${op}: expected ${steps} labels for example ${i} (one per step), got ${sequence.length}`);
      for (let t = 0; t < sequence.length; t++) checkLabel(op, sequence[t], options.numClasses, `at example ${i}, step ${t}`);
    });
  }

  /** Example `index` (input and labels are not copied). */
  get(index: number): LabellingExample {
    return { input: this.inputs[index], labels: this.labels[index] };
  }

  /**
   * A collate function for a {@link DataLoader}: pads inputs and labels alike (labels with
   * `ignoreIndex`, default −100 as PyTorch's losses).
   *
   * @example
   * const loader = new DataLoader(dataset, { batchSize: 32, collate: dataset.collator() });
   */
  collator(options: PadOptions = {}): (items: LabellingExample[]) => LabellingBatch {
    return (items) => {
      const padded = this.padInputs(items.map((item) => item.input), options);
      const targets = padSequences(
        items.map((item) => item.labels),
        { ...options, padValue: this.options.ignoreIndex ?? -100, padTo: padded.length },
      );
      return { ...padded, targets: targets.data };
    };
  }
}
