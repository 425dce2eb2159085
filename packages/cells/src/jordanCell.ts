import { type DType, type Tensor, checkOptions, option } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, definePrimitive } from '@recurrent/autograd';
import { checkStep } from './internal/checks.js';
import { type CellConfig, type CellOptions, type RecurrentCell, drawSchema } from './cell.js';
import { addColumnSums, addRowVector, gemmInto, zerosOf } from './internal/dense.js';
import { drawParameters, zeroStates } from './internal/drawParameters.js';

/** Options of {@link JordanCell}. */
export interface JordanCellOptions extends Omit<CellOptions, 'recurrentInit'> {
  /** Features of the output `y_t`, fed back as the state. */
  outputSize: number;
  /** `act_h`, the hidden nonlinearity (default `tanh`). */
  nonlinearity?: 'tanh' | 'relu';
  /** `act_y`, the output nonlinearity (default `sigmoid`). */
  outputNonlinearity?: 'sigmoid' | 'tanh' | 'identity';
  /** Parameter dtype (default `float32`; `float64` for finite-difference checks). */
  dtype?: DType;
}

const jordanCellSchema = {
  ...drawSchema, outputSize: option.integer({ min: 1 }), nonlinearity: option.oneOf(['tanh', 'relu']),
  outputNonlinearity: option.oneOf(['sigmoid', 'tanh', 'identity']), dtype: option.oneOf(['float32', 'float64']),
};

/** What one step of a {@link JordanCell} returns. */
export interface JordanStep {
  /** `y_t`, the output, also the state fed back: `[batch, outputSize]`. */
  output: Variable;
  /** The state to pass to the next step: `[y_t]`. */
  state: Variable[];
  /** `h_t`, the hidden layer: `[batch, hiddenSize]`. */
  hidden: Variable;
}

interface JordanOptions {
  relu: boolean;
  outputKind: 'sigmoid' | 'tanh' | 'identity';
}

/** The fused step: inputs by name, outputs `[y, h]`. */
const jordanStep = definePrimitive<JordanOptions, 'x' | 'yPrev' | 'weightIh' | 'biasIh' | 'weightOh' | 'biasOh' | 'weightHo' | 'biasHo'>({
  name: 'JordanCell',
  inputs: ['x', 'yPrev', 'weightIh', 'biasIh', 'weightOh', 'biasOh', 'weightHo', 'biasHo'],
  forward(context, { x, yPrev, weightIh, biasIh, weightOh, biasOh, weightHo, biasHo }, options) {
    const backend = x!.backend;
    const batch = x!.shape[0], inputSize = x!.shape[1];
    const hiddenSize = weightIh!.shape[0], outputSize = weightHo!.shape[0];
    const h = zerosOf(x!, [batch, hiddenSize]);
    const y = zerosOf(x!, [batch, outputSize]);
    const hd = h.data as Float32Array, yd = y.data as Float32Array;
    // a = x W_ihᵀ + y_{t−1} W_ohᵀ + b_ih + b_oh
    gemmInto(backend, { data: hd }, { data: x!.data as Float32Array }, { data: weightIh!.data as Float32Array }, batch, hiddenSize, inputSize, { transB: true });
    gemmInto(backend, { data: hd }, { data: yPrev!.data as Float32Array }, { data: weightOh!.data as Float32Array }, batch, hiddenSize, outputSize, { transB: true, beta: 1 });
    if (biasIh) addRowVector(hd, biasIh.data as Float32Array, batch, hiddenSize);
    if (biasOh) addRowVector(hd, biasOh.data as Float32Array, batch, hiddenSize);
    if (options.relu) for (let i = 0; i < hd.length; i++) hd[i] = hd[i] > 0 ? hd[i] : 0;
    else for (let i = 0; i < hd.length; i++) hd[i] = Math.tanh(hd[i]);
    // y = act_y(h W_hoᵀ + b_ho)
    gemmInto(backend, { data: yd }, { data: hd }, { data: weightHo!.data as Float32Array }, batch, outputSize, hiddenSize, { transB: true });
    if (biasHo) addRowVector(yd, biasHo.data as Float32Array, batch, outputSize);
    if (options.outputKind === 'sigmoid') for (let i = 0; i < yd.length; i++) yd[i] = 1 / (1 + Math.exp(-yd[i]));
    else if (options.outputKind === 'tanh') for (let i = 0; i < yd.length; i++) yd[i] = Math.tanh(yd[i]);
    Object.assign(context.saved, { x, yPrev, weightIh, weightOh, weightHo, h, y });
    return [y, h];
  },
  backward(context, [gy, gh], options) {
    const { x, yPrev, weightIh, weightOh, weightHo, h, y } = context.saved as Record<string, Tensor>;
    const backend = x.backend;
    const batch = x.shape[0], inputSize = x.shape[1];
    const hiddenSize = weightIh.shape[0], outputSize = weightHo.shape[0];
    const yd = y.data, hd = h.data;
    // dz = act_y'(z)·dy
    const dz = zerosOf(x, [batch, outputSize]).data as Float32Array;
    const gyd = gy.data;
    if (options.outputKind === 'sigmoid') for (let i = 0; i < dz.length; i++) dz[i] = gyd[i] * yd[i] * (1 - yd[i]);
    else if (options.outputKind === 'tanh') for (let i = 0; i < dz.length; i++) dz[i] = gyd[i] * (1 - yd[i] * yd[i]);
    else dz.set(gyd);
    // dh = gh + dz W_ho;  da = act_h'(a)·dh
    const da = zerosOf(x, [batch, hiddenSize]);
    const dad = da.data as Float32Array;
    dad.set(gh.data);
    gemmInto(backend, { data: dad }, { data: dz }, { data: weightHo.data as Float32Array }, batch, hiddenSize, outputSize, { beta: 1 });
    if (options.relu) for (let i = 0; i < dad.length; i++) dad[i] = hd[i] > 0 ? dad[i] : 0;
    else for (let i = 0; i < dad.length; i++) dad[i] *= 1 - hd[i] * hd[i];
    const need = context.needsGrad;
    const result: Partial<Record<keyof typeof need, Tensor>> = {};
    if (need.x) {
      result.x = zerosOf(x, x.shape);
      gemmInto(backend, { data: result.x.data as Float32Array }, { data: dad }, { data: weightIh.data as Float32Array }, batch, inputSize, hiddenSize);
    }
    if (need.yPrev) {
      result.yPrev = zerosOf(x, yPrev.shape);
      gemmInto(backend, { data: result.yPrev.data as Float32Array }, { data: dad }, { data: weightOh.data as Float32Array }, batch, outputSize, hiddenSize);
    }
    if (need.weightIh) {
      result.weightIh = zerosOf(x, weightIh.shape);
      gemmInto(backend, { data: result.weightIh.data as Float32Array }, { data: dad }, { data: x.data as Float32Array }, hiddenSize, inputSize, batch, { transA: true });
    }
    if (need.weightOh) {
      result.weightOh = zerosOf(x, weightOh.shape);
      gemmInto(backend, { data: result.weightOh.data as Float32Array }, { data: dad }, { data: yPrev.data as Float32Array }, hiddenSize, outputSize, batch, { transA: true });
    }
    if (need.weightHo) {
      result.weightHo = zerosOf(x, weightHo.shape);
      gemmInto(backend, { data: result.weightHo.data as Float32Array }, { data: dz }, { data: hd as Float32Array }, outputSize, hiddenSize, batch, { transA: true });
    }
    if (need.biasIh || need.biasOh) {
      // b_ih and b_oh enter the same sum: one gradient for both
      const db = zerosOf(x, [hiddenSize]);
      addColumnSums(db.data as Float32Array, dad, batch, hiddenSize);
      if (need.biasIh) result.biasIh = db;
      if (need.biasOh) result.biasOh = db;
    }
    if (need.biasHo) {
      result.biasHo = zerosOf(x, [outputSize]);
      addColumnSums(result.biasHo.data as Float32Array, dz, batch, outputSize);
    }
    return result;
  },
});

/**
 * A Jordan network step: the state fed back is the previous **output** `y`, not the hidden layer.
 *
 * ```
 * h_t = act_h(W_ih x_t + b_ih + W_oh y_{t−1} + b_oh)
 * y_t = act_y(W_ho h_t + b_ho)
 * ```
 * `act_h` is `tanh` or `relu`, `act_y` is `sigmoid`, `tanh` or `identity`; `y_{−1}` is zeros when
 * no state is given. Parameters (PyTorch-style names): `weight_ih [H, I]`, `bias_ih [H]`,
 * `weight_oh [H, O]`, `bias_oh [H]`, `weight_ho [O, H]`, `bias_ho [O]`, all drawn uniform in
 * ±1/√hiddenSize. One step is one fused primitive with a hand-written backward.
 *
 * Shapes: input `[batch, inputSize]`; state `[y]` with `y: [batch, outputSize]`; output
 * `[batch, outputSize]`; hidden `[batch, hiddenSize]`.
 *
 * @example
 * const cell = new JordanCell({ inputSize: 4, hiddenSize: 8, outputSize: 2 });
 * const { output, state } = cell.step(x);        // x: [batch, 4]
 * const next = cell.step(x2, state);             // feeds y back
 */
export class JordanCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly nonlinearity: 'tanh' | 'relu';
  readonly outputNonlinearity: 'sigmoid' | 'tanh' | 'identity';
  /** Width of each state tensor: `[outputSize]` (the fed-back output). */
  readonly stateSizes: number[];
  readonly bias: boolean;
  readonly dtype: DType;
  readonly weightIh: Parameter;
  readonly biasIh: Parameter | null;
  readonly weightOh: Parameter;
  readonly biasOh: Parameter | null;
  readonly weightHo: Parameter;
  readonly biasHo: Parameter | null;

  constructor(options: JordanCellOptions) {
    super();
    checkOptions('JordanCell', options, jordanCellSchema, ['inputSize', 'hiddenSize', 'outputSize']);
    const { inputSize, hiddenSize, outputSize } = options;
    this.nonlinearity = options.nonlinearity ?? 'tanh';
    this.outputNonlinearity = options.outputNonlinearity ?? 'sigmoid';
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.outputSize = outputSize;
    this.stateSizes = [outputSize];
    const { draw, bias, dtype } = drawParameters(options, hiddenSize, 'JordanCell');
    this.bias = bias;
    this.dtype = dtype;
    this.weightIh = this.registerParameter('weight_ih', draw([hiddenSize, inputSize]));
    this.biasIh = this.registerParameter('bias_ih', bias ? draw([hiddenSize]) : null);
    this.weightOh = this.registerParameter('weight_oh', draw([hiddenSize, outputSize]));
    this.biasOh = this.registerParameter('bias_oh', bias ? draw([hiddenSize]) : null);
    this.weightHo = this.registerParameter('weight_ho', draw([outputSize, hiddenSize]));
    this.biasHo = this.registerParameter('bias_ho', bias ? draw([outputSize]) : null);
  }

  /** The options as plain JSON. */
  config(): CellConfig {
    return {
      inputSize: this.inputSize, hiddenSize: this.hiddenSize, outputSize: this.outputSize, nonlinearity: this.nonlinearity,
      outputNonlinearity: this.outputNonlinearity, bias: this.bias, dtype: this.dtype,
    };
  }

  /** Zeros for every state tensor: `[y_{−1}]`. */
  initialState(batch: number): Tensor[] {
    return zeroStates(this.weightIh.value, batch, this.stateSizes, 'JordanCell');
  }

  /** One step; the time index is accepted for the common cell interface and unused. */
  step(input: Variable | Tensor, state?: readonly (Variable | Tensor)[] | null, _time = 0): JordanStep {
    const [previous] = checkStep('JordanCell', ['y'], this, input, state);
    const [y, h] = jordanStep(
      { x: input, yPrev: previous, weightIh: this.weightIh, biasIh: this.biasIh, weightOh: this.weightOh, biasOh: this.biasOh, weightHo: this.weightHo, biasHo: this.biasHo },
      { relu: this.nonlinearity === 'relu', outputKind: this.outputNonlinearity },
    );
    return { output: y, state: [y], hidden: h };
  }

  /** Same as {@link JordanCell.step}. */
  forward(input: Variable | Tensor, state?: readonly (Variable | Tensor)[]): JordanStep {
    return this.step(input, state);
  }

  override toString(): string {
    return `JordanCell(${this.inputSize}, ${this.hiddenSize}, ${this.outputSize}, ${this.nonlinearity}, ${this.outputNonlinearity})`;
  }
}

