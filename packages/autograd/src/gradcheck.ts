import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import { grad } from './graph.js';
import { Variable } from './variable.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Which inputs to differentiate (default: every float input). */
  differentiate?: boolean[];
  /** Seed of the random output weights `R` (default 1). */
  seed?: number;
  /** Name used in error messages (default `gradcheck`). */
  name?: string;
}

/** What {@link gradcheck} measured. */
export interface GradcheckResult {
  /** Largest `|analytic − numeric|` over all checked elements. */
  maxError: number;
  /** Number of input elements checked. */
  checked: number;
}

/**
 * Checks the analytic gradient of `fn` against central differences in float64: inputs are cast
 * to float64 tensors, the scalar `L = Σ fn(inputs) ⊙ R` (fixed random `R`) is differentiated by
 * backward, and each input element `x` is compared with `(L(x + ε) − L(x − ε)) / 2ε`, within
 * `atol + rtol·|numeric|`. Integer inputs (class indices) are passed through unchanged.
 *
 * Throws an error naming the input, the element, both values and the shapes on a mismatch;
 * returns the largest error otherwise.
 *
 * @example
 * gradcheck((a, b) => mul(a, b), [randn([2, 3], g), randn([3], g)]);
 */
export function gradcheck(fn: (...inputs: Variable[]) => Variable, inputs: Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const name = options.name ?? 'gradcheck';
  const values = inputs.map((x) => (T.isFloat(x.dtype) ? cast(x) : x));
  const wanted = values.map((x, i) => T.isFloat(x.dtype) && (options.differentiate?.[i] ?? true));
  const variables = values.map((x, i) => new Variable(x, { requiresGrad: wanted[i] }));
  const output = fn(...variables);
  if (!output.requiresGrad) T.fail(name, 'an output that depends on a differentiated input', 'a constant');
  if (output.dtype !== 'float64') T.fail(name, 'a float64 output (ops follow their inputs’ dtype)', output.dtype);
  const generator = new T.Generator(options.seed ?? 1);
  const weights = T.uniform(output.shape, -1, 1, generator, { dtype: 'float64' });
  const differentiated = variables.filter((_, i) => wanted[i]);
  const analytic = grad([output], differentiated, [weights]);
  const loss = (): number => {
    const out = fn(...values.map((x) => new Variable(x)));
    let total = 0;
    for (let i = 0; i < out.size; i++) total += out.value.data[i] * weights.data[i];
    return total;
  };
  let maxError = 0;
  let checked = 0;
  differentiated.forEach((variable, k) => {
    const index = variables.indexOf(variable);
    const data = variable.value.data;
    const gradient = analytic[k];
    for (let e = 0; e < data.length; e++) {
      const original = data[e];
      data[e] = original + eps;
      const plus = loss();
      data[e] = original - eps;
      const minus = loss();
      data[e] = original;
      const numeric = (plus - minus) / (2 * eps);
      const exact = gradient ? gradient.data[e] : 0;
      const error = Math.abs(exact - numeric);
      maxError = Math.max(maxError, error);
      checked++;
      if (!(error <= atol + rtol * Math.abs(numeric))) {
        throw new Error(
          `${name}: expected the analytic gradient of input ${index} ${T.formatShape(variable.shape)} at element ${e} to match central differences ${numeric}, got ${exact}`,
        );
      }
    }
  });
  return { maxError, checked };
}

function cast(x: Tensor): Tensor {
  const out = T.empty(x.shape, { dtype: 'float64', backend: x.backend });
  out.data.set(x.data);
  return out;
}
