// Test helpers shared by the cell tests: seeded random tensors and a finite-difference check.
import { type Tensor, Generator, uniform } from '@recurrent/tensor';
import { Variable } from '@recurrent/autograd';

/** A float64 leaf variable with values uniform in [−1, 1). */
export function randomVariable(shape: number[], generator: Generator, dtype: 'float32' | 'float64' = 'float64'): Variable {
  return new Variable(uniform(shape, -1, 1, generator, { dtype }), { requiresGrad: true });
}

/** A constant weight tensor for a scalar loss Σ output ⊙ R. */
export function randomWeights(shape: readonly number[], generator: Generator, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return uniform([...shape], -1, 1, generator, { dtype });
}

/** Σ_k Σ outputs[k] ⊙ weights[k], computed in plain double arithmetic (no graph). */
export function weightedSum(outputs: Tensor[], weights: Tensor[]): number {
  let total = 0;
  outputs.forEach((output, k) => {
    for (let i = 0; i < output.size; i++) total += output.data[i] * weights[k].data[i];
  });
  return total;
}

/**
 * The largest error (relative above 1, absolute below) between `analytic` and central differences of `loss()` over every
 * element of `variable` (float64 values perturbed in place by ±epsilon).
 */
export function finiteDifferenceError(variable: Variable, analytic: Tensor, loss: () => number, epsilon = 1e-6): number {
  const data = variable.value.data;
  let worst = 0;
  for (let i = 0; i < data.length; i++) {
    const saved = data[i];
    data[i] = saved + epsilon;
    const up = loss();
    data[i] = saved - epsilon;
    const down = loss();
    data[i] = saved;
    const numeric = (up - down) / (2 * epsilon);
    worst = Math.max(worst, Math.abs(numeric - analytic.data[i]) / Math.max(1, Math.abs(numeric)));
  }
  return worst;
}

/** Largest absolute difference between two tensors of one shape. */
export function maxDifference(a: Tensor, b: Tensor): number {
  if (a.size !== b.size) throw new Error(`maxDifference: expected equal sizes, got ${a.size} and ${b.size}`);
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}
