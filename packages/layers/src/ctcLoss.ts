import { type Tensor, checkOptions, describeValue, empty, fail, formatShape, option } from '@recurrent/tensor';
import { type Variable, definePrimitive } from '@recurrent/autograd';

/** How {@link ctcLoss} combines the per-sample losses. */
export type CTCReduction = 'none' | 'sum' | 'mean';

/** Options of {@link ctcLoss}. */
export interface CTCLossOptions {
  /** Index of the blank class (default 0). */
  blank?: number;
  /** `none`: `[N]`; `sum`; `mean` (default): each loss divided by max(target length, 1), then averaged. */
  reduction?: CTCReduction;
  /** Replace infinite losses (no alignment exists) and their gradients by 0 (default false). */
  zeroInfinity?: boolean;
  /**
   * `exact` (default): the true partial derivative `−w·γ` w.r.t. `logProbs`. `pytorch`: what
   * PyTorch's backward returns, `w·(exp(logProbs) − γ)`, which assumes `logProbs` come from a
   * log-softmax. Both give the same gradient for the logits behind a log-softmax.
   */
  gradient?: 'exact' | 'pytorch';
}

/** Integer lengths or labels as an array, an `Int32Array` or an int32 tensor. */
export type IntegerList = readonly number[] | Int32Array | Tensor;

interface Problem {
  T: number;
  N: number;
  C: number;
  blank: number;
  inputLengths: Int32Array;
  targetLengths: Int32Array;
  /** Where each sample's labels start in `labels`. */
  offsets: Int32Array;
  labels: Int32Array;
  reduction: CTCReduction;
  zeroInfinity: boolean;
  pytorchGradient: boolean;
}

const NEG = -Infinity;

/** log(eᵃ + eᵇ) without overflow; −∞ is the identity. */
function logAdd(a: number, b: number): number {
  if (a === NEG) return b;
  if (b === NEG) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * The extended target `l'` of sample `n` (a blank around and between labels) into `labels`, and
 * into `skip` whether α may jump from `s − 2` to `s` (a label that differs from the one before).
 * Returns `|l'|`.
 */
function extend(problem: Problem, n: number, labels: Int32Array, skip: Uint8Array): number {
  const length = problem.targetLengths[n], start = problem.offsets[n];
  const width = 2 * length + 1;
  for (let s = 0; s < width; s++) {
    const odd = s % 2 === 1;
    labels[s] = odd ? problem.labels[start + (s >> 1)] : problem.blank;
    skip[s] = odd && s >= 2 && problem.labels[start + (s >> 1)] !== problem.labels[start + (s >> 1) - 1] ? 1 : 0;
  }
  return width;
}

/**
 * Forward variables in log space, `alpha[t·S' + s] = log α_t(s)` (Graves 2006, eq. 5–8), into a
 * preallocated array; returns `log p(l | x)`.
 */
function forwardVariables(problem: Problem, lp: Tensor['data'], n: number, alpha: Float64Array, labels: Int32Array, skip: Uint8Array): number {
  const { N, C } = problem;
  const steps = problem.inputLengths[n];
  const width = extend(problem, n, labels, skip);
  if (steps === 0) return width === 1 ? 0 : NEG;
  alpha.fill(NEG, 0, steps * width);
  const row0 = n * C;
  alpha[0] = lp[row0 + labels[0]];
  if (width > 1) alpha[1] = lp[row0 + labels[1]];
  for (let t = 1; t < steps; t++) {
    const row = (t * N + n) * C, here = t * width, before = here - width;
    for (let s = 0; s < width; s++) {
      let total = logAdd(alpha[before + s], s > 0 ? alpha[before + s - 1] : NEG);
      if (skip[s]) total = logAdd(total, alpha[before + s - 2]);
      alpha[here + s] = total === NEG ? NEG : total + lp[row + labels[s]];
    }
  }
  const last = (steps - 1) * width;
  return logAdd(alpha[last + width - 1], width > 1 ? alpha[last + width - 2] : NEG);
}

/** Backward variables in log space, `beta[t·S' + s] = log β_t(s)` (Graves 2006, eq. 10–13). */
function backwardVariables(problem: Problem, lp: Tensor['data'], n: number, beta: Float64Array, labels: Int32Array, skip: Uint8Array): number {
  const { N, C } = problem;
  const steps = problem.inputLengths[n];
  const width = extend(problem, n, labels, skip);
  beta.fill(NEG, 0, steps * width);
  const last = (steps - 1) * width, rowLast = ((steps - 1) * N + n) * C;
  beta[last + width - 1] = lp[rowLast + labels[width - 1]];
  if (width > 1) beta[last + width - 2] = lp[rowLast + labels[width - 2]];
  for (let t = steps - 2; t >= 0; t--) {
    const row = (t * N + n) * C, here = t * width, after = here + width;
    for (let s = 0; s < width; s++) {
      let total = logAdd(beta[after + s], s + 1 < width ? beta[after + s + 1] : NEG);
      if (s + 2 < width && skip[s + 2]) total = logAdd(total, beta[after + s + 2]);
      beta[here + s] = total === NEG ? NEG : total + lp[row + labels[s]];
    }
  }
  return width;
}

const ctcPrimitive = definePrimitive<Problem, 'logProbs'>({
  name: 'ctcLoss',
  inputs: ['logProbs'],
  forward(context, { logProbs }, problem) {
    const { N, T } = problem;
    let widest = 1;
    for (let n = 0; n < N; n++) widest = Math.max(widest, 2 * problem.targetLengths[n] + 1);
    const alpha = new Float64Array(N * T * widest);
    const losses = new Float64Array(N);
    const labels = new Int32Array(widest), skip = new Uint8Array(widest);
    for (let n = 0; n < N; n++) {
      losses[n] = -forwardVariables(problem, logProbs!.data, n, alpha.subarray(n * T * widest, (n + 1) * T * widest), labels, skip);
    }
    const perSample = losses.map((loss) => (problem.zeroInfinity && loss === Infinity ? 0 : loss));
    let out: Tensor;
    if (problem.reduction === 'none') {
      out = empty([N], { dtype: logProbs!.dtype, backend: logProbs!.backend });
      out.data.set(perSample);
    } else {
      out = empty([], { dtype: logProbs!.dtype, backend: logProbs!.backend });
      let total = 0;
      for (let n = 0; n < N; n++) total += problem.reduction === 'mean' ? perSample[n] / Math.max(problem.targetLengths[n], 1) : perSample[n];
      out.data[0] = problem.reduction === 'mean' ? total / N : total;
    }
    Object.assign(context.saved, { logProbs, alpha, losses, widest });
    return [out];
  },
  backward(context, [dy], problem) {
    const { logProbs, alpha, losses, widest } = context.saved as { logProbs: Tensor; alpha: Float64Array; losses: Float64Array; widest: number };
    const { N, T, C } = problem;
    const lp = logProbs.data;
    const gradient = empty(logProbs.shape, { dtype: logProbs.dtype, backend: logProbs.backend });
    const g = gradient.data;
    const beta = new Float64Array(T * widest);
    const labels = new Int32Array(widest), skip = new Uint8Array(widest);
    // γ[c] of one time step, summed over the extended positions that carry label c.
    const occupation = new Float64Array(C);
    for (let n = 0; n < N; n++) {
      const steps = problem.inputLengths[n], width = 2 * problem.targetLengths[n] + 1;
      const weight = problem.reduction === 'none' ? dy.data[n] : problem.reduction === 'sum' ? dy.data[0] : dy.data[0] / (N * Math.max(problem.targetLengths[n], 1));
      const logLikelihood = -losses[n];
      if (logLikelihood === NEG) {
        // No alignment: PyTorch gives NaN gradients for t < input length (0 with zeroInfinity).
        const fill = problem.zeroInfinity ? 0 : NaN;
        for (let t = 0; t < steps; t++) g.fill(fill, (t * N + n) * C, (t * N + n + 1) * C);
        continue;
      }
      if (steps === 0) continue;
      backwardVariables(problem, lp, n, beta, labels, skip);
      const a = alpha.subarray(n * T * widest);
      for (let t = 0; t < steps; t++) {
        const row = (t * N + n) * C;
        occupation.fill(NEG);
        for (let s = 0; s < width; s++) occupation[labels[s]] = logAdd(occupation[labels[s]], a[t * width + s] + beta[t * width + s]);
        // ∂(−log p)/∂ log y_t(c) = −γ_t(c), γ_t(c) = Σ_{s: l'_s = c} α_t(s) β_t(s) / (y_t(c) p)
        for (let c = 0; c < C; c++) {
          const gamma = occupation[c] === NEG ? 0 : Math.exp(occupation[c] - lp[row + c] - logLikelihood);
          g[row + c] = problem.pytorchGradient ? weight * (Math.exp(lp[row + c]) - gamma) : -weight * gamma;
        }
      }
    }
    return { logProbs: gradient };
  },
});

function integers(op: string, name: string, values: IntegerList): Int32Array {
  const data = values instanceof Int32Array ? values : Array.isArray(values) ? values : 'data' in (values as Tensor) ? (values as Tensor).data : (values as readonly number[]);
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isInteger(data[i])) fail(op, `${name} of integers`, String(data[i]));
    out[i] = data[i];
  }
  return out;
}

/**
 * Connectionist temporal classification loss (Graves et al., 2006) of log-probabilities, with
 * PyTorch's `ctc_loss` semantics. The forward–backward recursions run in log space over the
 * extended target `l'` (a blank around and between labels) as one fused primitive:
 *
 * ```
 * loss_n = −log p(l | x) = −log Σ_s α_{T−1}(s) for s ∈ {|l'| − 1, |l'| − 2}
 * ∂loss_n/∂ log y_t(c) = −γ_t(c),  γ_t(c) = Σ_{s: l'_s = c} α_t(s) β_t(s) / (y_t(c) · p(l | x))
 * ```
 * The gradient is the exact partial derivative w.r.t. `logProbs` (PyTorch's own backward adds
 * `w·exp(logProbs)`, which vanishes through a log-softmax; `gradient: 'pytorch'` returns that).
 * A sample with no alignment (target too long, or too few frames for the blanks between repeated
 * labels) has loss `Infinity` and NaN gradients for `t < inputLengths[n]`; `zeroInfinity` turns
 * both into 0. Reductions: `none` gives `[N]`; `sum`; `mean` divides each loss by
 * `max(targetLength, 1)` and averages over `N`.
 *
 * Shapes: `logProbs: [T, N, C]` (log-softmax over C); `targets: [N, S]` padded (entries past
 * `targetLengths[n]` ignored) or `[Σ targetLengths]` concatenated, int32; `inputLengths: [N]` in
 * `[0, T]`; `targetLengths: [N]` in `[0, S]`; result `[N]` or `[]`.
 *
 * @example
 * const logProbs = logSoftmax(logits, -1);                    // logits: [T, N, C]
 * const loss = ctcLoss(logProbs, targets, [50, 42], [10, 7], { blank: 0 });
 * backward(loss);
 */
export function ctcLoss(
  logProbs: Variable | Tensor,
  targets: IntegerList,
  inputLengths: IntegerList,
  targetLengths: IntegerList,
  options: CTCLossOptions = {},
): Variable {
  const op = 'ctcLoss';
  checkOptions(op, options, {
    blank: option.integer({ min: 0 }), reduction: option.oneOf(['none', 'sum', 'mean']), zeroInfinity: option.boolean, gradient: option.oneOf(['exact', 'pytorch']),
  });
  if (typeof logProbs !== 'object' || logProbs === null || !Array.isArray(logProbs.shape)) fail(op, 'logProbs a tensor [T, N, C]', describeValue(logProbs));
  const shape = logProbs.shape;
  if (shape.length !== 3) fail(op, 'logProbs [T, N, C]', formatShape(shape));
  if (logProbs.dtype === 'int32') fail(op, 'float logProbs', logProbs.dtype);
  const [T, N, C] = shape;
  const blank = options.blank ?? 0;
  const reduction = options.reduction ?? 'mean';
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) fail(op, `blank in [0, ${C - 1}]`, String(blank));
  if (!['none', 'sum', 'mean'].includes(reduction)) fail(op, "reduction 'none', 'sum' or 'mean'", String(reduction));
  const gradient = options.gradient ?? 'exact';
  if (gradient !== 'exact' && gradient !== 'pytorch') fail(op, "gradient 'exact' or 'pytorch'", String(gradient));
  const inputs = integers(op, 'inputLengths', inputLengths);
  const lengths = integers(op, 'targetLengths', targetLengths);
  if (inputs.length !== N) fail(op, `${N} inputLengths`, `${inputs.length}`);
  if (lengths.length !== N) fail(op, `${N} targetLengths`, `${lengths.length}`);
  inputs.forEach((length, n) => (length < 0 || length > T) && fail(op, `inputLengths in [0, ${T}]`, `${length} at index ${n}`));
  const targetShape = Array.isArray(targets) || targets instanceof Int32Array ? [targets.length] : (targets as Tensor).shape;
  const flat = integers(op, 'targets', targets);
  const offsets = new Int32Array(N);
  let labels: Int32Array;
  if (targetShape.length === 2) {
    const [rows, S] = targetShape;
    if (rows !== N) fail(op, `padded targets [${N}, S]`, formatShape(targetShape));
    lengths.forEach((length, n) => (length < 0 || length > S) && fail(op, `targetLengths in [0, ${S}] (the padded width)`, `${length} at index ${n}`));
    labels = new Int32Array(lengths.reduce((a, b) => a + b, 0));
    let next = 0;
    for (let n = 0; n < N; n++) {
      offsets[n] = next;
      labels.set(flat.subarray(n * S, n * S + lengths[n]), next);
      next += lengths[n];
    }
  } else if (targetShape.length === 1) {
    lengths.forEach((length, n) => length < 0 && fail(op, 'targetLengths ≥ 0', `${length} at index ${n}`));
    const total = lengths.reduce((a, b) => a + b, 0);
    if (total !== flat.length) fail(op, `concatenated targets of Σ targetLengths = ${total} labels`, `${flat.length}`);
    labels = flat;
    for (let n = 1; n < N; n++) offsets[n] = offsets[n - 1] + lengths[n - 1];
  } else {
    fail(op, 'targets [N, S] (padded) or [Σ targetLengths] (concatenated)', formatShape(targetShape));
  }
  labels.forEach((label, i) => {
    if (label === blank) fail(op, `targets without the blank ${blank}`, `the blank at label ${i}`);
    if (label < 0 || label >= C) fail(op, `target labels in [0, ${C - 1}]`, `${label}`);
  });
  const problem: Problem = {
    T, N, C, blank, inputLengths: inputs, targetLengths: lengths, offsets, labels, reduction,
    zeroInfinity: options.zeroInfinity ?? false,
    pytorchGradient: gradient === 'pytorch',
  };
  return ctcPrimitive({ logProbs }, problem)[0];
}
