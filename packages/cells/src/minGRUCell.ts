import { type Tensor, Generator, checkOptions, option } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, add, matmul, mul, narrow, sigmoid, sub, valueOf } from '@recurrent/autograd';
import { uniformParameter } from './init.js';
import { checkInput, checkState } from './internal/checks.js';
import { zeroStates } from './internal/drawParameters.js';
import { minRnnG } from './minRnnMath.js';
import type { StepInput } from './stepTools.js';
import type { CellConfig, CellStepResult, RecurrentCell } from './cell.js';

/** Options of {@link MinGRUCell} and {@link MinLSTMCell}. */
export interface MinCellOptions {
  /** Features of the input `x`. */
  inputSize: number;
  /** Features of the state `h`. */
  hiddenSize: number;
  /** Learn `bias_ih` (default true). */
  bias?: boolean;
  /** Seeded generator for the initial weights (default `new Generator(seed)`). */
  generator?: Generator;
  /** Seed used when no generator is given (default 0). */
  seed?: number;
  /** Backend the parameters live on (default: the CPU backend). */
  backend?: import('@recurrent/tensor').Backend;
}

/** The option rules shared by the min-RNN cells and layers. */
export const minCellSchema = {
  inputSize: option.integer({ min: 1 }),
  hiddenSize: option.integer({ min: 1 }),
  bias: option.boolean,
  generator: option.instance(Generator, 'a Generator'),
  seed: option.integer(),
  backend: option.shaped('a backend', (v) => typeof v === 'object' && v !== null && 'kernels' in v),
};

/**
 * What minGRU and minLSTM share: `weight_ih [gates·H, I]` and `bias_ih`, zeros as the first
 * state, the step interface and the config; a subclass writes only its `forward`.
 */
export abstract class MinCell extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly stateSizes: readonly number[];
  readonly bias: boolean;
  readonly weightIh: Parameter;
  readonly biasIh: Parameter | null;

  protected constructor(private readonly cellName: 'MinGRUCell' | 'MinLSTMCell', gates: number, options: MinCellOptions) {
    super();
    checkOptions(cellName, options, minCellSchema, ['inputSize', 'hiddenSize']);
    this.inputSize = options.inputSize;
    const H = (this.hiddenSize = options.hiddenSize);
    this.outputSize = H;
    this.stateSizes = [H];
    this.bias = options.bias ?? true;
    const generator = options.generator ?? new Generator(options.seed ?? 0);
    this.weightIh = this.registerParameter('weight_ih', uniformParameter([gates * H, this.inputSize], H, generator, options.backend, 'float32', cellName));
    this.biasIh = this.registerParameter('bias_ih', options.bias === false ? null : uniformParameter([gates * H], H, generator, options.backend, 'float32', cellName));
  }

  /** Zeros `[batch, H]`. */
  initialState(batch: number): Tensor[] {
    return zeroStates(this.weightIh.value, batch, this.stateSizes, this.cellName);
  }

  /** One step: `h_t` from `x_t` and `h_{t−1}` (zeros when absent). */
  abstract forward(x: StepInput, h?: StepInput | null): Variable;

  /** The gate pre-activations `k = x W_ihᵀ + b_ih` `[B, gates·H]` and the checked `h_{t−1}`. */
  protected project(x: StepInput, h: StepInput | null): { k: Variable; previous: StepInput } {
    const batch = checkInput(this.cellName, valueOf(x), this.inputSize);
    if (h !== null) checkState(this.cellName, 'h', valueOf(h), batch, this.hiddenSize);
    const product = matmul(x, this.weightIh, { transposeB: true });
    const k = this.biasIh ? add(product, this.biasIh) : product;
    return { k, previous: h ?? this.initialState(batch)[0] };
  }

  /** The common step interface: `{ output: h, state: [h] }`. */
  step(x: StepInput, state?: readonly StepInput[] | null, _time = 0): CellStepResult {
    const h = this.forward(x, state?.[0] ?? null);
    return { output: h, state: [h] };
  }

  /** The options as plain JSON. */
  config(): CellConfig {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias };
  }
}

/**
 * minGRU (Feng et al. 2024, "Were RNNs all we needed?"): a GRU whose gates read only the input,
 * so that a whole sequence is a linear recurrence (see the `MinGRU` layer's parallel scan).
 * Gate order `z, h̃` in `weight_ih`:
 *
 * ```
 * z_t = σ(W_iz x_t + b_iz)
 * h̃_t = g(W_ih x_t + b_ih)          g(v) = v + ½ (v ≥ 0), σ(v) (v < 0)
 * h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t
 * ```
 *
 * This cell is the sequential definition, one step at a time. Parameters: `weight_ih [2H, I]`,
 * `bias_ih [2H]`. Shapes: `x [B, I]`, `h [B, H]` → `h' [B, H]`.
 *
 * @example
 * const cell = new MinGRUCell({ inputSize: 8, hiddenSize: 16 });
 * const h1 = cell.forward(x0);     // zeros as h0
 * const h2 = cell.forward(x1, h1);
 */
export class MinGRUCell extends MinCell implements RecurrentCell {
  constructor(options: MinCellOptions) {
    super('MinGRUCell', 2, options);
  }

  /** One step: `h_t` from `x_t` and `h_{t−1}` (zeros when absent). */
  forward(x: StepInput, h: StepInput | null = null): Variable {
    const H = this.hiddenSize;
    const { k, previous } = this.project(x, h);
    const z = sigmoid(narrow(k, 1, 0, H));
    const candidate = minRnnG(narrow(k, 1, H, H));
    // h_t = h_{t−1} + z ⊙ (h̃_t − h_{t−1})
    return add(previous, mul(z, sub(candidate, previous)));
  }
}
