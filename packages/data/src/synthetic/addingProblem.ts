import { Generator, type Tensor, tensor, checkOptions, option } from '@recurrent/tensor';

/**
 * Options of {@link addingProblem}.
 *
 * @example
 * const options: AddingProblemOptions = { batchSize: 32, sequenceLength: 200, generator: new Generator(0) };
 */
export interface AddingProblemOptions {
  batchSize: number;
  /** Steps per sequence T (at least 2). */
  sequenceLength: number;
  /** Source of randomness (a seed or a Generator to continue; default seed 0). */
  generator?: Generator | number;
  /** `[B, T, 2]` when true, `[T, B, 2]` (default) when false. */
  batchFirst?: boolean;
}

/**
 * The adding problem (Hochreiter & Schmidhuber 1997, in the form of Le et al. 2015): each step
 * carries a value uniform in [0, 1) and a marker; exactly two markers are 1, one in the first half
 * and one in the second; the target is the sum of the two marked values. A model must remember a
 * value across up to T steps; always answering 1 gives a mean squared error of about 1/6.
 *
 * Shapes: `inputs` `[T, B, 2]` (channel 0 value, channel 1 marker), `targets` `[B, 1]`, float32.
 *
 * @example
 * const { inputs, targets } = addingProblem({ batchSize: 32, sequenceLength: 100, generator: 0 });
 * inputs.shape; // [100, 32, 2]
 */
export function addingProblem(options: AddingProblemOptions): { inputs: Tensor; targets: Tensor } {
  checkOptions('addingProblem', options, { batchSize: option.integer({ min: 1 }), sequenceLength: option.integer({ min: 2 }), generator: option.shaped('a Generator or a seed', (v) => v instanceof Generator || (typeof v === 'number' && Number.isSafeInteger(v))), batchFirst: option.boolean }, ['batchSize', 'sequenceLength']);
  const { batchSize, sequenceLength: length, batchFirst = false } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`addingProblem: expected a positive integer batchSize, got ${batchSize}`);
  if (!Number.isInteger(length) || length < 2) throw new Error(`addingProblem: expected an integer sequenceLength ≥ 2, got ${length}`);
  if (length * batchSize * 2 > 2 ** 31 - 1) throw new Error(`addingProblem: expected at most ${2 ** 31 - 1} input values, got batchSize ${batchSize} × sequenceLength ${length} × 2`);
  const rng = options.generator instanceof Generator ? options.generator : new Generator(options.generator ?? 0);
  const inputs = new Float32Array(length * batchSize * 2);
  const targets = new Float32Array(batchSize);
  const half = Math.floor(length / 2);
  const at = (t: number, b: number) => (batchFirst ? b * length + t : t * batchSize + b) * 2;
  for (let b = 0; b < batchSize; b++) {
    for (let t = 0; t < length; t++) inputs[at(t, b)] = rng.uniform();
    const first = rng.integer(half);
    const second = half + rng.integer(length - half);
    inputs[at(first, b) + 1] = 1;
    inputs[at(second, b) + 1] = 1;
    targets[b] = inputs[at(first, b)] + inputs[at(second, b)];
  }
  return {
    inputs: tensor(inputs, { shape: batchFirst ? [batchSize, length, 2] : [length, batchSize, 2] }),
    targets: tensor(targets, { shape: [batchSize, 1] }),
  };
}
