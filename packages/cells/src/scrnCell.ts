import { type DType, type Tensor, checkOptions, fail, full, option } from '@recurrent/tensor';
import { Module, Parameter, type Variable, definePrimitive } from '@recurrent/autograd';
import { type CellConfig, type CellOptions, type RecurrentCell, cellSchema } from './cell.js';
import { orthogonalBlocks } from './init.js';
import { checkStep } from './internal/checks.js';
import { addColumnSums, addRowVector, gemmInto, zerosOf } from './internal/dense.js';
import { drawParameters, zeroStates } from './internal/drawParameters.js';

/** Options of {@link SCRNCell}. */
export interface SCRNCellOptions extends CellOptions {
  /** Size `S` of the slow context state. */
  contextSize: number;
  outputSize: number;
  /** Decay `α` of the context (default 0.95). */
  alpha?: number;
  /** Learn `α` as a parameter `alpha [S]` (one decay per context unit, starting at `alpha`); default false. */
  learnAlpha?: boolean;
  /** `f`, the output nonlinearity (default `identity`; `softmax` is over the last axis). */
  outputNonlinearity?: 'identity' | 'softmax' | 'tanh';
  /** Parameter dtype (default `float32`; `float64` for finite-difference checks). */
  dtype?: DType;
}

const scrnCellSchema = {
  ...cellSchema, contextSize: option.integer({ min: 1 }), outputSize: option.integer({ min: 1 }), alpha: option.number({ min: 0, max: 1 }),
  learnAlpha: option.boolean, outputNonlinearity: option.oneOf(['identity', 'softmax', 'tanh']), dtype: option.oneOf(['float32', 'float64']),
};

/** What one step of a {@link SCRNCell} returns. */
export interface SCRNStep {
  /** `y_t`: `[batch, outputSize]`. */
  output: Variable;
  /** `[h_t, s_t]`. */
  state: Variable[];
}

interface SCRNOptions {
  /** Fixed α, used when no `alpha` tensor is passed. */
  alpha: number;
  outputKind: 'identity' | 'softmax' | 'tanh';
}

type Saved = Record<string, Tensor>;

/** The names of the fused step's inputs (the parameters by their field names: `weightIs` is B, … `weightSo` is V). */
type SCRNInput = 'x' | 'hPrev' | 'sPrev' | 'weightIs' | 'weightIh' | 'weightSh' | 'weightHh' | 'weightHo' | 'weightSo' | 'biasH' | 'biasO' | 'alpha';

/**
 * The fused step: inputs by name (`alpha` a tensor `[S]`, or null for the fixed constant),
 * outputs `[y, h, s]`.
 */
const scrnStep = definePrimitive<SCRNOptions, SCRNInput>({
  name: 'SCRNCell',
  inputs: ['x', 'hPrev', 'sPrev', 'weightIs', 'weightIh', 'weightSh', 'weightHh', 'weightHo', 'weightSo', 'biasH', 'biasO', 'alpha'],
  forward(context, inputs, options) {
    const { x, hPrev, sPrev, weightIs: B, weightIh: A, weightSh: P, weightHh: R, weightHo: U, weightSo: V } = inputs as Record<SCRNInput, Tensor>;
    const { biasH, biasO, alpha: alphaTensor } = inputs;
    const backend = x.backend;
    const batch = x.shape[0], I = x.shape[1], S = B.shape[0], H = A.shape[0], O = U.shape[0];
    const bx = zerosOf(x, [batch, S]), s = zerosOf(x, [batch, S]), h = zerosOf(x, [batch, H]), y = zerosOf(x, [batch, O]);
    const bxd = bx.data as Float32Array, sd = s.data as Float32Array, hd = h.data as Float32Array, yd = y.data as Float32Array;
    const spd = sPrev.data;
    // s_t = (1 − α)·B x_t + α·s_{t−1}
    gemmInto(backend, { data: bxd }, { data: x.data as Float32Array }, { data: B.data as Float32Array }, batch, S, I, { transB: true });
    const alpha = alphaTensor ? alphaTensor.data : new Float64Array(S).fill(options.alpha);
    for (let b = 0, o = 0; b < batch; b++) {
      for (let j = 0; j < S; j++, o++) sd[o] = (1 - alpha[j]) * bxd[o] + alpha[j] * spd[o];
    }
    // h_t = σ(P s_t + A x_t + R h_{t−1} + b_h)
    gemmInto(backend, { data: hd }, { data: sd }, { data: P.data as Float32Array }, batch, H, S, { transB: true });
    gemmInto(backend, { data: hd }, { data: x.data as Float32Array }, { data: A.data as Float32Array }, batch, H, I, { transB: true, beta: 1 });
    gemmInto(backend, { data: hd }, { data: hPrev.data as Float32Array }, { data: R.data as Float32Array }, batch, H, H, { transB: true, beta: 1 });
    if (biasH) addRowVector(hd, biasH.data as Float32Array, batch, H);
    for (let i = 0; i < hd.length; i++) hd[i] = 1 / (1 + Math.exp(-hd[i]));
    // y_t = f(U h_t + V s_t + b_o)
    gemmInto(backend, { data: yd }, { data: hd }, { data: U.data as Float32Array }, batch, O, H, { transB: true });
    gemmInto(backend, { data: yd }, { data: sd }, { data: V.data as Float32Array }, batch, O, S, { transB: true, beta: 1 });
    if (biasO) addRowVector(yd, biasO.data as Float32Array, batch, O);
    if (options.outputKind === 'tanh') for (let i = 0; i < yd.length; i++) yd[i] = Math.tanh(yd[i]);
    else if (options.outputKind === 'softmax') {
      for (let b = 0; b < batch; b++) {
        let largest = -Infinity, total = 0;
        for (let j = b * O; j < (b + 1) * O; j++) largest = Math.max(largest, yd[j]);
        for (let j = b * O; j < (b + 1) * O; j++) total += yd[j] = Math.exp(yd[j] - largest);
        for (let j = b * O; j < (b + 1) * O; j++) yd[j] /= total;
      }
    }
    Object.assign(context.saved, { x, hPrev, sPrev, B, A, P, R, U, V, alphaTensor, bx, s, h, y });
    return [y, h, s];
  },
  backward(context, [gy, gh, gs], options) {
    const { x, hPrev, sPrev, B, A, P, R, U, V, alphaTensor, bx, s, h, y } = context.saved as Saved;
    const backend = x.backend;
    const batch = x.shape[0], I = x.shape[1], S = B.shape[0], H = A.shape[0], O = U.shape[0];
    const need = context.needsGrad;
    const yd = y.data, hd = h.data as Float32Array, sd = s.data as Float32Array, gyd = gy.data;
    // dz = f'(z)·dy; for softmax dz = y ⊙ (dy − Σ dy·y)
    const dz = zerosOf(x, [batch, O]).data as Float32Array;
    if (options.outputKind === 'identity') dz.set(gyd);
    else if (options.outputKind === 'tanh') for (let j = 0; j < dz.length; j++) dz[j] = gyd[j] * (1 - yd[j] * yd[j]);
    else {
      for (let b = 0; b < batch; b++) {
        let dot = 0;
        for (let j = b * O; j < (b + 1) * O; j++) dot += gyd[j] * yd[j];
        for (let j = b * O; j < (b + 1) * O; j++) dz[j] = yd[j] * (gyd[j] - dot);
      }
    }
    // dh = gh + dz U;  dpre = h(1 − h)·dh
    const dpre = zerosOf(x, [batch, H]).data as Float32Array;
    dpre.set(gh.data);
    gemmInto(backend, { data: dpre }, { data: dz }, { data: U.data as Float32Array }, batch, H, O, { beta: 1 });
    for (let i = 0; i < dpre.length; i++) dpre[i] *= hd[i] * (1 - hd[i]);
    // ds = gs + dz V + dpre P
    const ds = zerosOf(x, [batch, S]).data as Float32Array;
    ds.set(gs.data);
    gemmInto(backend, { data: ds }, { data: dz }, { data: V.data as Float32Array }, batch, S, O, { beta: 1 });
    gemmInto(backend, { data: ds }, { data: dpre }, { data: P.data as Float32Array }, batch, S, H, { beta: 1 });
    // d(Bx) = (1 − α)·ds;  d s_{t−1} = α·ds;  dα = Σ_b ds·(s_{t−1} − Bx)
    const dbx = zerosOf(x, [batch, S]).data as Float32Array;
    const dsPrev = need.sPrev ? zerosOf(x, [batch, S]) : null;
    const dAlpha = alphaTensor && need.alpha ? zerosOf(x, [S]) : null;
    const alpha = alphaTensor ? alphaTensor.data : new Float64Array(S).fill(options.alpha);
    for (let b = 0, o = 0; b < batch; b++) {
      for (let j = 0; j < S; j++, o++) {
        dbx[o] = (1 - alpha[j]) * ds[o];
        if (dsPrev) dsPrev.data[o] = alpha[j] * ds[o];
        if (dAlpha) dAlpha.data[j] += ds[o] * (sPrev.data[o] - bx.data[o]);
      }
    }
    const result: Partial<Record<SCRNInput, Tensor | null>> = { sPrev: dsPrev, alpha: dAlpha };
    const product = (name: SCRNInput, shape: number[], run: (out: Float32Array) => void) => {
      if (!need[name]) return;
      const out = zerosOf(x, shape);
      run(out.data as Float32Array);
      result[name] = out;
    };
    product('x', [batch, I], (out) => {
      gemmInto(backend, { data: out }, { data: dpre }, { data: A.data as Float32Array }, batch, I, H);
      gemmInto(backend, { data: out }, { data: dbx }, { data: B.data as Float32Array }, batch, I, S, { beta: 1 });
    });
    product('hPrev', [batch, H], (out) => gemmInto(backend, { data: out }, { data: dpre }, { data: R.data as Float32Array }, batch, H, H));
    product('weightIs', [S, I], (out) => gemmInto(backend, { data: out }, { data: dbx }, { data: x.data as Float32Array }, S, I, batch, { transA: true }));
    product('weightIh', [H, I], (out) => gemmInto(backend, { data: out }, { data: dpre }, { data: x.data as Float32Array }, H, I, batch, { transA: true }));
    product('weightSh', [H, S], (out) => gemmInto(backend, { data: out }, { data: dpre }, { data: sd }, H, S, batch, { transA: true }));
    product('weightHh', [H, H], (out) => gemmInto(backend, { data: out }, { data: dpre }, { data: hPrev.data as Float32Array }, H, H, batch, { transA: true }));
    product('weightHo', [O, H], (out) => gemmInto(backend, { data: out }, { data: dz }, { data: hd }, O, H, batch, { transA: true }));
    product('weightSo', [O, S], (out) => gemmInto(backend, { data: out }, { data: dz }, { data: sd }, O, S, batch, { transA: true }));
    product('biasH', [H], (out) => addColumnSums(out, dpre, batch, H));
    product('biasO', [O], (out) => addColumnSums(out, dz, batch, O));
    return result;
  },
});

/**
 * A Structurally Constrained Recurrent Network step (Mikolov et al., 2014): a fast hidden state
 * `h` next to a slow context state `s` that decays with `α`.
 *
 * ```
 * s_t = (1 − α)·B x_t + α·s_{t−1}
 * h_t = σ(P s_t + A x_t + R h_{t−1} + b_h)
 * y_t = f(U h_t + V s_t + b_o)
 * ```
 * `f` is `identity`, `softmax` (last axis) or `tanh`. `α` is a fixed constant (default 0.95) or,
 * with `learnAlpha`, a parameter `alpha [S]`. Parameters: `weight_is` (B) `[S, I]`, `weight_ih`
 * (A) `[H, I]`, `weight_sh` (P) `[H, S]`, `weight_hh` (R) `[H, H]`, `weight_ho` (U) `[O, H]`,
 * `weight_so` (V) `[O, S]`, `bias_h [H]`, `bias_o [O]`; uniform ±1/√H.
 *
 * Shapes: input `[batch, inputSize]`; state `[h, s]` with `h: [batch, hiddenSize]`,
 * `s: [batch, contextSize]`; output `[batch, outputSize]`.
 *
 * @example
 * const cell = new SCRNCell({ inputSize: 3, hiddenSize: 6, contextSize: 4, outputSize: 3 });
 * const { output, state } = cell.step(x);   // state = [h, s]
 */
export class SCRNCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly contextSize: number;
  readonly outputSize: number;
  readonly outputNonlinearity: 'identity' | 'softmax' | 'tanh';
  /** The fixed decay (or the starting value of the learned one). */
  readonly alpha: number;
  readonly stateSizes: number[];
  readonly bias: boolean;
  readonly learnAlpha: boolean;
  readonly recurrentInit: 'uniform' | 'orthogonal';
  readonly dtype: DType;
  readonly weightIs: Parameter;
  readonly weightIh: Parameter;
  readonly weightSh: Parameter;
  readonly weightHh: Parameter;
  readonly weightHo: Parameter;
  readonly weightSo: Parameter;
  readonly biasH: Parameter | null;
  readonly biasO: Parameter | null;
  /** The learned decay `[S]` (only with `learnAlpha`). */
  readonly alphaParameter: Parameter | null;

  constructor(options: SCRNCellOptions) {
    super();
    checkOptions('SCRNCell', options, scrnCellSchema, ['inputSize', 'hiddenSize', 'contextSize', 'outputSize']);
    const { inputSize, hiddenSize, contextSize, outputSize } = options;
    this.alpha = options.alpha ?? 0.95;
    if (!(this.alpha >= 0 && this.alpha <= 1)) fail('SCRNCell', 'alpha in [0, 1]', String(options.alpha));
    this.outputNonlinearity = options.outputNonlinearity ?? 'identity';
    if (!['identity', 'softmax', 'tanh'].includes(this.outputNonlinearity)) {
      fail('SCRNCell', "outputNonlinearity 'identity', 'softmax' or 'tanh'", String(this.outputNonlinearity));
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.contextSize = contextSize;
    this.outputSize = outputSize;
    this.stateSizes = [hiddenSize, contextSize];
    const { draw, bias, generator, dtype } = drawParameters(options, hiddenSize, 'SCRNCell');
    this.bias = bias;
    this.dtype = dtype;
    this.learnAlpha = options.learnAlpha ?? false;
    this.recurrentInit = options.recurrentInit ?? 'uniform';
    this.weightIs = this.registerParameter('weight_is', draw([contextSize, inputSize]));
    this.weightIh = this.registerParameter('weight_ih', draw([hiddenSize, inputSize]));
    this.weightSh = this.registerParameter('weight_sh', draw([hiddenSize, contextSize]));
    this.weightHh = this.registerParameter('weight_hh', draw([hiddenSize, hiddenSize]));
    if (this.recurrentInit === 'orthogonal') orthogonalBlocks(this.weightHh.value, 1, generator);
    this.weightHo = this.registerParameter('weight_ho', draw([outputSize, hiddenSize]));
    this.weightSo = this.registerParameter('weight_so', draw([outputSize, contextSize]));
    this.biasH = this.registerParameter('bias_h', bias ? draw([hiddenSize]) : null);
    this.biasO = this.registerParameter('bias_o', bias ? draw([outputSize]) : null);
    this.alphaParameter = options.learnAlpha ? this.registerParameter('alpha', new Parameter(full([contextSize], this.alpha, { dtype, backend: options.backend }))) : null;
  }

  /** The options as plain JSON. */
  config(): CellConfig {
    return {
      inputSize: this.inputSize, hiddenSize: this.hiddenSize, contextSize: this.contextSize, outputSize: this.outputSize, alpha: this.alpha,
      learnAlpha: this.learnAlpha, outputNonlinearity: this.outputNonlinearity, bias: this.bias, recurrentInit: this.recurrentInit, dtype: this.dtype,
    };
  }

  /** Zeros: `[h_{−1}, s_{−1}]`. */
  initialState(batch: number): Tensor[] {
    return zeroStates(this.weightIh.value, batch, this.stateSizes, 'SCRNCell');
  }

  /** One step; the time index is accepted for the common cell interface and unused. */
  step(input: Variable | Tensor, state?: readonly (Variable | Tensor)[] | null, _time = 0): SCRNStep {
    const [hPrev, sPrev] = checkStep('SCRNCell', ['h', 's'], this, input, state);
    const [y, h, s] = scrnStep(
      {
        x: input, hPrev, sPrev, weightIs: this.weightIs, weightIh: this.weightIh, weightSh: this.weightSh, weightHh: this.weightHh,
        weightHo: this.weightHo, weightSo: this.weightSo, biasH: this.biasH, biasO: this.biasO, alpha: this.alphaParameter,
      },
      { alpha: this.alpha, outputKind: this.outputNonlinearity },
    );
    return { output: y, state: [h, s] };
  }

  /** Same as {@link SCRNCell.step}. */
  forward(input: Variable | Tensor, state?: readonly (Variable | Tensor)[]): SCRNStep {
    return this.step(input, state);
  }
}
