// Test helper: compares analytic gradients with central differences of a scalar function.
import type { Tensor } from '@recurrent/tensor';
import type { Variable } from '@recurrent/autograd';

/**
 * The largest error (relative above 1, absolute below) between `analytic` and central
 * differences of `loss()` over every element of `variable` (float64, perturbed in place).
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

/** Σ output ⊙ weights in double arithmetic. */
export function weightedSum(output: Tensor, weights: Tensor): number {
  let total = 0;
  for (let i = 0; i < output.size; i++) total += output.data[i] * weights.data[i];
  return total;
}
