// Test helpers shared by the cell tests: seeded random tensors and their largest difference
// (finite differences come from @recurrent/autograd's gradcheck).
import { type Generator, type Tensor, uniform } from '@recurrent/tensor';
import { Variable } from '@recurrent/autograd';

/** A float64 leaf variable with values uniform in [−1, 1). */
export function randomVariable(shape: number[], generator: Generator, dtype: 'float32' | 'float64' = 'float64'): Variable {
  return new Variable(uniform(shape, -1, 1, generator, { dtype }), { requiresGrad: true });
}

/** A constant weight tensor for a scalar loss Σ output ⊙ R. */
export function randomWeights(shape: readonly number[], generator: Generator, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return uniform([...shape], -1, 1, generator, { dtype });
}

/** Largest absolute difference between two tensors of one shape. */
export function maxDifference(a: Tensor, b: Tensor): number {
  if (a.size !== b.size) throw new Error(`maxDifference: expected equal sizes, got ${a.size} and ${b.size}`);
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}
