import { type Backend, type Tensor, Generator, checkOptions, empty, ones, option, zeros } from '@recurrent/tensor';
import { Module, Parameter, type Variable, add, definePrimitive, matmul, mul, narrow, sigmoid, sub, tanh, valueOf } from '@recurrent/autograd';
import { uniformParameter } from './init.js';
import { checkInput, checkState } from './internal/checks.js';
import { zeroStates } from './internal/drawParameters.js';
import type { StepInput } from './stepTools.js';
import type { CellConfig, CellStepResult, RecurrentCell } from './cell.js';

/** Options of {@link LayerNormLSTMCell} and {@link LayerNormGRUCell}. */
export interface LayerNormCellOptions {
  /** Features of the input `x`. */
  inputSize: number;
  /** Features of the hidden (and cell) state. */
  hiddenSize: number;
  /** Added to the variance in every normalisation (default 1e-5, as `nn.LayerNorm`). */
  eps?: number;
  /** Seeded generator for the initial weights (default `new Generator(seed)`). */
  generator?: Generator;
  /** Seed used when no generator is given (default 0). */
  seed?: number;
  /** Backend the parameters live on (default: the CPU backend). */
  backend?: Backend;
}

const schema = {
  inputSize: option.integer({ min: 1 }), hiddenSize: option.integer({ min: 1 }), eps: option.number({ above: 0 }),
  generator: option.instance(Generator, 'a Generator'), seed: option.integer(), backend: option.shaped('a backend', (v) => typeof v === 'object' && v !== null && 'kernels' in v),
};

// One node per normalisation, sums in float64: composed of float32 mean / variance / rsqrt ops, the
// gradient of a stacked bidirectional layer drifts past PyTorch's float32 tolerance
const layerNormRowsPrimitive = definePrimitive<{ eps: number }, 'x' | 'weight' | 'bias'>({
  name: 'layerNormRows',
  inputs: ['x', 'weight', 'bias'],
  forward(context, { x, weight, bias }, { eps }) {
    const [rows, size] = x!.shape;
    const y = empty(x!.shape, { dtype: x!.dtype, backend: x!.backend });
    const normalized = new Float64Array(rows * size);
    const inverse = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let mean = 0, variance = 0;
      for (let j = r * size; j < (r + 1) * size; j++) mean += x!.data[j];
      mean /= size;
      for (let j = r * size; j < (r + 1) * size; j++) variance += (x!.data[j] - mean) ** 2;
      inverse[r] = 1 / Math.sqrt(variance / size + eps);
      for (let j = r * size, k = 0; k < size; j++, k++) {
        normalized[j] = (x!.data[j] - mean) * inverse[r];
        y.data[j] = normalized[j] * weight!.data[k] + bias!.data[k];
      }
    }
    Object.assign(context.saved, { shape: x!.shape, weight, normalized, inverse });
    return [y];
  },
  backward(context, [g]) {
    const { shape, weight, normalized, inverse } = context.saved as { shape: number[]; weight: Tensor; normalized: Float64Array; inverse: Float64Array };
    const [rows, size] = shape;
    const dx = empty(shape, { dtype: g.dtype, backend: g.backend });
    const dw = new Float64Array(size);
    const db = new Float64Array(size);
    for (let r = 0; r < rows; r++) {
      // x̂ = (x − μ)/σ;  d x = (d x̂ − mean(d x̂) − x̂·mean(d x̂·x̂)) / σ,  d x̂ = γ·dy
      let meanD = 0, meanDX = 0;
      for (let j = r * size, k = 0; k < size; j++, k++) {
        const d = g.data[j] * weight.data[k];
        meanD += d;
        meanDX += d * normalized[j];
        dw[k] += g.data[j] * normalized[j];
        db[k] += g.data[j];
      }
      meanD /= size;
      meanDX /= size;
      for (let j = r * size, k = 0; k < size; j++, k++) dx.data[j] = (g.data[j] * weight.data[k] - meanD - normalized[j] * meanDX) * inverse[r];
    }
    const vector = (values: Float64Array) => {
      const out = empty([size], { dtype: g.dtype, backend: g.backend });
      out.data.set(values);
      return out;
    };
    return { x: dx, weight: vector(dw), bias: vector(db) };
  },
});

/**
 * Layer normalisation of each row of `x [B, F]`: `γ ⊙ (x − μ)/√(σ² + ε) + β`, μ and σ² the row's
 * mean and (biased) variance, as `nn.LayerNorm(F)`; one graph node, sums in float64.
 *
 * @example const y = layerNormRows(x, gamma, beta, 1e-5);
 */
export function layerNormRows(x: Variable, weight: Parameter, bias: Parameter, eps: number): Variable {
  return layerNormRowsPrimitive({ x, weight, bias }, { eps })[0];
}

/** The parameters of one layer-normalised cell (or one layer and direction of a layer). */
export interface LayerNormParameters {
  weightIh: Parameter;
  weightHh: Parameter;
  lnIhWeight: Parameter;
  lnIhBias: Parameter;
  lnHhWeight: Parameter;
  lnHhBias: Parameter;
  /** LSTM only: the normalisation of the cell state. */
  lnCWeight: Parameter | null;
  lnCBias: Parameter | null;
}

/**
 * Creates and registers a layer-normalised cell's parameters under `weight_ih{suffix}`,
 * `weight_hh{suffix}`, `ln_ih_weight{suffix}`, `ln_ih_bias{suffix}`, `ln_hh_weight{suffix}`,
 * `ln_hh_bias{suffix}` and, for the LSTM, `ln_c_weight{suffix}`, `ln_c_bias{suffix}`. The
 * weights start as PyTorch's `U(−1/√H, 1/√H)`, the gains at 1 and the shifts at 0.
 */
export function layerNormParameters(
  register: (name: string, parameter: Parameter) => Parameter, gates: number, inputSize: number, H: number, suffix: string, generator: Generator, backend?: Backend, cell = false, owner = cell ? 'LayerNormLSTMCell' : 'LayerNormGRUCell',
): LayerNormParameters {
  const gain = (size: number) => new Parameter(ones([size], { backend }));
  const shift = (size: number) => new Parameter(zeros([size], { backend }));
  return {
    weightIh: register(`weight_ih${suffix}`, uniformParameter([gates * H, inputSize], H, generator, backend, 'float32', owner)),
    weightHh: register(`weight_hh${suffix}`, uniformParameter([gates * H, H], H, generator, backend, 'float32', owner)),
    lnIhWeight: register(`ln_ih_weight${suffix}`, gain(gates * H)),
    lnIhBias: register(`ln_ih_bias${suffix}`, shift(gates * H)),
    lnHhWeight: register(`ln_hh_weight${suffix}`, gain(gates * H)),
    lnHhBias: register(`ln_hh_bias${suffix}`, shift(gates * H)),
    lnCWeight: cell ? register(`ln_c_weight${suffix}`, gain(H)) : null,
    lnCBias: cell ? register(`ln_c_bias${suffix}`, shift(H)) : null,
  };
}

/** One layer-normalised LSTM step (Ba et al. 2016); see {@link LayerNormLSTMCell}. */
export function layerNormLSTMStep(p: LayerNormParameters, x: StepInput, h: StepInput, c: StepInput, H: number, eps: number): { h: Variable; c: Variable } {
  const gates = add(
    layerNormRows(matmul(x, p.weightIh, { transposeB: true }), p.lnIhWeight, p.lnIhBias, eps),
    layerNormRows(matmul(h, p.weightHh, { transposeB: true }), p.lnHhWeight, p.lnHhBias, eps),
  );
  const i = sigmoid(narrow(gates, 1, 0, H));
  const f = sigmoid(narrow(gates, 1, H, H));
  const g = tanh(narrow(gates, 1, 2 * H, H));
  const o = sigmoid(narrow(gates, 1, 3 * H, H));
  const cNext = add(mul(f, c), mul(i, g));
  return { h: mul(o, tanh(layerNormRows(cNext, p.lnCWeight!, p.lnCBias!, eps))), c: cNext };
}

/** One layer-normalised GRU step (Ba et al. 2016, PyTorch's gate order); see {@link LayerNormGRUCell}. */
export function layerNormGRUStep(p: LayerNormParameters, x: StepInput, h: StepInput, H: number, eps: number): Variable {
  const gi = layerNormRows(matmul(x, p.weightIh, { transposeB: true }), p.lnIhWeight, p.lnIhBias, eps);
  const gh = layerNormRows(matmul(h, p.weightHh, { transposeB: true }), p.lnHhWeight, p.lnHhBias, eps);
  const r = sigmoid(add(narrow(gi, 1, 0, H), narrow(gh, 1, 0, H)));
  const z = sigmoid(add(narrow(gi, 1, H, H), narrow(gh, 1, H, H)));
  const n = tanh(add(narrow(gi, 1, 2 * H, H), mul(r, narrow(gh, 1, 2 * H, H))));
  // h' = (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n)
  return add(n, mul(z, sub(h, n)));
}

function checkStep(owner: string, x: StepInput, inputSize: number, state: StepInput | null | undefined, H: number, label = 'h'): number {
  const batch = checkInput(owner, valueOf(x), inputSize);
  if (state !== null) checkState(owner, label, state === undefined ? undefined : valueOf(state), batch, H);
  return batch;
}

/**
 * A layer-normalised LSTM cell (Ba et al. 2016, "Layer Normalization", §3.1): the input and
 * recurrent pre-activations normalised separately over their `4H` gates, and the cell state
 * normalised before its `tanh` (gate order `i, f, g, o`, as PyTorch's LSTM):
 *
 * ```
 * [i, f, g, o] = LN(W_ih x_t; γ_ih, β_ih) + LN(W_hh h_{t−1}; γ_hh, β_hh)
 * c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g)
 * h_t = σ(o) ⊙ tanh(LN(c_t; γ_c, β_c))
 * ```
 *
 * `LN(v; γ, β) = γ ⊙ (v − μ)/√(σ² + ε) + β` over each row; the shifts β play the biases' part.
 * Parameters: `weight_ih [4H, I]`, `weight_hh [4H, H]`, `ln_ih_weight`, `ln_ih_bias`,
 * `ln_hh_weight`, `ln_hh_bias` `[4H]`, `ln_c_weight`, `ln_c_bias` `[H]`.
 * Shapes: `x [B, I]`, `h, c [B, H]`.
 *
 * @example
 * const cell = new LayerNormLSTMCell({ inputSize: 8, hiddenSize: 32 });
 * let state = cell.forward(x0);         // zeros as the initial state
 * state = cell.forward(x1, state);      // { h, c }
 */
export class LayerNormLSTMCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly stateSizes: readonly number[];
  readonly eps: number;
  readonly parametersOf: LayerNormParameters;

  constructor(options: LayerNormCellOptions) {
    super();
    checkOptions('LayerNormLSTMCell', options, schema, ['inputSize', 'hiddenSize']);
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.outputSize = this.hiddenSize;
    this.stateSizes = [this.hiddenSize, this.hiddenSize];
    this.eps = options.eps ?? 1e-5;
    this.parametersOf = layerNormParameters((n, p) => this.registerParameter(n, p), 4, this.inputSize, this.hiddenSize, '', options.generator ?? new Generator(options.seed ?? 0), options.backend, true);
  }

  /** Zeros `[batch, H]` for `h` and `c`. */
  initialState(batch: number): Tensor[] {
    return zeroStates(this.parametersOf.weightIh.value, batch, this.stateSizes, 'LayerNormLSTMCell');
  }

  /** One step from `x_t` and `{ h, c }` (zeros when absent). */
  forward(x: StepInput, state: { h: StepInput; c: StepInput } | null = null): { h: Variable; c: Variable } {
    const H = this.hiddenSize;
    const batch = checkStep('LayerNormLSTMCell', x, this.inputSize, state ? state.h : null, H);
    if (state) checkStep('LayerNormLSTMCell', x, this.inputSize, state.c, H, 'c');
    const [h0, c0] = state ? [state.h, state.c] : this.initialState(batch);
    return layerNormLSTMStep(this.parametersOf, x, h0, c0, H, this.eps);
  }

  /** The common step interface: state `[h, c]`, output `h`. */
  step(x: StepInput, state?: readonly StepInput[] | null, _time = 0): CellStepResult {
    const { h, c } = this.forward(x, state ? { h: state[0], c: state[1] } : null);
    return { output: h, state: [h, c] };
  }

  /** The options as plain JSON. */
  config(): CellConfig {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, eps: this.eps };
  }
}

/**
 * A layer-normalised GRU cell (Ba et al. 2016), PyTorch's gate order `r, z, n`, with the input and
 * recurrent pre-activations normalised separately over their `3H` gates:
 *
 * ```
 * [i_r, i_z, i_n] = LN(W_ih x_t; γ_ih, β_ih),  [h_r, h_z, h_n] = LN(W_hh h_{t−1}; γ_hh, β_hh)
 * r = σ(i_r + h_r),  z = σ(i_z + h_z),  n = tanh(i_n + r ⊙ h_n)
 * h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 * ```
 *
 * Parameters: `weight_ih [3H, I]`, `weight_hh [3H, H]`, `ln_ih_weight`, `ln_ih_bias`,
 * `ln_hh_weight`, `ln_hh_bias` `[3H]`. Shapes: `x [B, I]`, `h [B, H]`.
 *
 * @example
 * const cell = new LayerNormGRUCell({ inputSize: 8, hiddenSize: 32 });
 * const h1 = cell.forward(x0);
 */
export class LayerNormGRUCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly stateSizes: readonly number[];
  readonly eps: number;
  readonly parametersOf: LayerNormParameters;

  constructor(options: LayerNormCellOptions) {
    super();
    checkOptions('LayerNormGRUCell', options, schema, ['inputSize', 'hiddenSize']);
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.outputSize = this.hiddenSize;
    this.stateSizes = [this.hiddenSize];
    this.eps = options.eps ?? 1e-5;
    this.parametersOf = layerNormParameters((n, p) => this.registerParameter(n, p), 3, this.inputSize, this.hiddenSize, '', options.generator ?? new Generator(options.seed ?? 0), options.backend);
  }

  /** Zeros `[batch, H]`. */
  initialState(batch: number): Tensor[] {
    return zeroStates(this.parametersOf.weightIh.value, batch, this.stateSizes, 'LayerNormGRUCell');
  }

  /** One step from `x_t` and `h_{t−1}` (zeros when absent). */
  forward(x: StepInput, h: StepInput | null = null): Variable {
    const batch = checkStep('LayerNormGRUCell', x, this.inputSize, h, this.hiddenSize);
    return layerNormGRUStep(this.parametersOf, x, h ?? this.initialState(batch)[0], this.hiddenSize, this.eps);
  }

  /** The common step interface: state `[h]`, output `h`. */
  step(x: StepInput, state?: readonly StepInput[] | null, _time = 0): CellStepResult {
    const h = this.forward(x, state?.[0] ?? null);
    return { output: h, state: [h] };
  }

  /** The options as plain JSON. */
  config(): CellConfig {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, eps: this.eps };
  }
}
