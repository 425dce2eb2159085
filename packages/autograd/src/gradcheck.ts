import * as T from '@recurrent/tensor';
import type { Tensor } from '@recurrent/tensor';
import { grad, noGrad } from './graph.js';
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
  /**
   * Float64 leaves that `fn` closes over, such as a module's parameters: they are perturbed in
   * place (and restored) and their gradients checked like the inputs'.
   */
  parameters?: Iterable<Variable>;
  /** Seed of the random output weights `R` (default 1). */
  seed?: number;
  /** Name used in error messages (default `gradcheck`). */
  name?: string;
}

/** What {@link gradcheck} measured. */
export interface GradcheckResult {
  /** Largest `|analytic − numeric|` over all checked elements. */
  maxError: number;
  /** Number of input and parameter elements checked. */
  checked: number;
}

/**
 * Checks the analytic gradient of `fn` against central differences in float64: inputs are cast
 * to float64 tensors, the scalar `L = Σ_k Σ fn(inputs)_k ⊙ R_k` (fixed random `R_k`, one per
 * output) is differentiated by backward, and each element `x` of the inputs and of
 * `options.parameters` is compared with `(L(x + ε) − L(x − ε)) / 2ε`, within
 * `atol + rtol·|numeric|`. Integer inputs (class indices) are passed through unchanged.
 *
 * Throws an error naming the input (or parameter), the element, both values and the shape on a
 * mismatch; returns the largest error otherwise.
 *
 * @example
 * gradcheck((a, b) => mul(a, b), [randn([2, 3], g), randn([3], g)]);
 * // a cell's parameters too, over two outputs
 * gradcheck((x, h) => [cell.forward(x, h), h], [x, h], { parameters: cell.parameters() });
 */
export function gradcheck(
  fn: (...inputs: Variable[]) => Variable | Variable[],
  inputs: Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const name = options.name ?? 'gradcheck';
  const values = inputs.map((x) => (T.isFloat(x.dtype) ? cast(x) : x));
  const wanted = values.map((x, i) => T.isFloat(x.dtype) && (options.differentiate?.[i] ?? true));
  const variables = values.map((x, i) => new Variable(x, { requiresGrad: wanted[i] }));
  const parameters = [...(options.parameters ?? [])];
  for (const p of parameters) if (p.dtype !== 'float64') T.fail(name, 'float64 parameters', `${p.dtype} ${T.formatShape(p.shape)}`);
  const run = (args: Variable[]): Variable[] => {
    const out = fn(...args);
    return Array.isArray(out) ? out : [out];
  };
  const outputs = run(variables);
  if (!outputs.some((o) => o.requiresGrad)) T.fail(name, 'an output that depends on a differentiated input', 'a constant');
  for (const o of outputs) if (o.dtype !== 'float64') T.fail(name, 'a float64 output (ops follow their inputs’ dtype)', o.dtype);
  const generator = new T.Generator(options.seed ?? 1);
  const weights = outputs.map((o) => T.uniform(o.shape, -1, 1, generator, { dtype: 'float64' }));
  const checkedInputs = variables.filter((_, i) => wanted[i]);
  const leaves = [...checkedInputs, ...parameters];
  const live = outputs.filter((o) => o.requiresGrad);
  const analytic = grad(live, leaves, outputs.flatMap((o, k) => (o.requiresGrad ? [weights[k]] : [])));
  const constants = values.map((x) => new Variable(x));
  const loss = (): number =>
    noGrad(() => {
      let total = 0;
      run(constants).forEach((out, k) => {
        const data = out.value.data, w = weights[k].data;
        for (let i = 0; i < data.length; i++) total += data[i] * w[i];
      });
      return total;
    });
  let maxError = 0;
  let checked = 0;
  leaves.forEach((leaf, k) => {
    const label = k < checkedInputs.length ? `input ${variables.indexOf(leaf)}` : `parameter ${k - checkedInputs.length}`;
    const data = leaf.value.data;
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
          `${name}: expected the analytic gradient of ${label} ${T.formatShape(leaf.shape)} at element ${e} to match central differences ${numeric}, got ${exact}`,
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
