import { type Backend, type DType, Generator, type Tensor, fail, formatShape, sizeOf, uniform } from '@recurrent/tensor';
import { Parameter } from '@recurrent/autograd';

/** The largest parameter drawn (elements), as the layers' own bound. */
const maxElements = 2 ** 31 - 1;

/** How the recurrent weights `weight_hh` of a built-in cell start. */
export type RecurrentInit = 'uniform' | 'orthogonal';

/**
 * A parameter drawn from PyTorch's default `U(−1/√H, 1/√H)` with `H` the hidden size.
 *
 * @example
 * const weight = uniformParameter([80, 10], 20, new Generator(0));
 */
export function uniformParameter(
  shape: number[], hiddenSize: number, generator: Generator, backend?: Backend, dtype: DType = 'float32', owner = 'uniformParameter',
): Parameter {
  const bound = 1 / Math.sqrt(hiddenSize);
  // a size no typed array can hold is named with the module that asked for it, not the allocator
  const elements = sizeOf(shape);
  const refuse = () => fail(owner, `parameters of at most ${maxElements} elements`, `${formatShape(shape)} (${elements} elements)`);
  if (elements > maxElements) refuse();
  try {
    return new Parameter(uniform(shape, -bound, bound, generator, { dtype, backend }));
  } catch (error) {
    if (error instanceof RangeError) refuse();
    throw error;
  }
}

/**
 * Overwrites `weight [blocks·rows, columns]` so that each `[rows, columns]` block has orthonormal
 * rows (or columns, when taller than wide): Gram–Schmidt on a Gaussian matrix, in float64.
 *
 * @example
 * orthogonalBlocks(cell.weightHh.value, 4, new Generator(1)); // LSTM: one block per gate
 */
export function orthogonalBlocks(weight: Tensor, blocks: number, generator: Generator): void {
  const [total, columns] = weight.shape;
  const rows = total / blocks;
  const tall = rows > columns;
  const count = tall ? columns : rows; // vectors to orthonormalise
  const length = tall ? rows : columns;
  for (let block = 0; block < blocks; block++) {
    const vectors: Float64Array[] = [];
    for (let v = 0; v < count; v++) {
      const u = new Float64Array(length);
      for (let k = 0; k < length; k++) u[k] = generator.normal();
      for (const q of vectors) {
        let dot = 0;
        for (let k = 0; k < length; k++) dot += u[k] * q[k];
        for (let k = 0; k < length; k++) u[k] -= dot * q[k];
      }
      let norm = 0;
      for (let k = 0; k < length; k++) norm += u[k] * u[k];
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < length; k++) u[k] /= norm;
      vectors.push(u);
    }
    const base = block * rows * columns;
    for (let v = 0; v < count; v++) {
      for (let k = 0; k < length; k++) {
        const index = tall ? k * columns + v : v * columns + k;
        weight.data[base + index] = vectors[v][k];
      }
    }
  }
}
