import { type Differentiable, type Variable, affine, ge, relu, sigmoid, where } from '@recurrent/autograd';

/**
 * minGRU's and minLSTM's candidate activation (Feng et al. 2024), positive everywhere so that
 * states stay positive and the scan can run in log space:
 * `g(x) = x + 1/2` for `x ≥ 0`, `σ(x)` below.
 *
 * @example const candidate = minRnnG(projection);
 */
export function minRnnG(x: Differentiable): Variable {
  return where(ge(x, 0), affine(relu(x), 1, 0.5), sigmoid(x));
}
