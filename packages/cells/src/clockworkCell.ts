import { type DType, type Tensor, checkOptions, fail, option, zeros } from '@recurrent/tensor';
import { Module, type Parameter, type Variable, definePrimitive } from '@recurrent/autograd';
import { type CellConfig, type CellOptions, type RecurrentCell, cellSchema } from './cell.js';
import { orthogonalBlocks } from './init.js';
import { checkStep } from './internal/checks.js';
import { gemmInto, zerosOf } from './internal/dense.js';
import { drawParameters, zeroStates } from './internal/drawParameters.js';

/** Options of {@link ClockworkCell}. */
export interface ClockworkCellOptions extends CellOptions {
  /** Periods `T_i` of the modules, strictly increasing positive integers (e.g. `[1, 2, 4, 8]`). */
  periods: readonly number[];
  /** Units per module (default `hiddenSize / periods.length`, which must then be an integer). */
  moduleSize?: number;
  /** Parameter dtype (default `float32`; `float64` for finite-difference checks). With `orthogonal`
   * recurrent weights, each module's own `[k, k]` block of `weight_hh` is orthogonal. */
  dtype?: DType;
}

const clockworkCellSchema = {
  ...cellSchema, periods: option.arrayOf(option.integer({ min: 1 })), moduleSize: option.integer({ min: 1 }),
  dtype: option.oneOf(['float32', 'float64']),
};

/** What one step of a {@link ClockworkCell} returns. */
export interface ClockworkStep {
  /** `h_t`: `[batch, hiddenSize]`. */
  output: Variable;
  /** `[h_t]`. */
  state: Variable[];
}

interface ClockworkOptions {
  moduleSize: number;
  /** Modules active at this step. */
  active: boolean[];
}

/**
 * The fused step: inputs by name, output `[h]`. Only the active
 * modules are computed, and module `i` reads only units `[i·k, H)` of `h_{t−1}` (the block
 * upper-triangular mask), so the masked blocks of `W_hh` are never read and get zero gradient.
 */
const clockworkStep = definePrimitive<ClockworkOptions, 'x' | 'hPrev' | 'weightIh' | 'weightHh' | 'biasIh' | 'biasHh'>({
  name: 'ClockworkCell',
  inputs: ['x', 'hPrev', 'weightIh', 'weightHh', 'biasIh', 'biasHh'],
  forward(context, { x, hPrev, weightIh, weightHh, biasIh, biasHh }, { moduleSize, active }) {
    const backend = x!.backend;
    const batch = x!.shape[0], inputSize = x!.shape[1], hiddenSize = weightHh!.shape[0];
    const h = zerosOf(x!, [batch, hiddenSize]);
    const hd = h.data as Float32Array, hp = hPrev!.data as Float32Array;
    hd.set(hp);
    // b_ih + b_hh once per step, not per element
    const bias = new Float64Array(hiddenSize);
    if (biasIh) for (let j = 0; j < hiddenSize; j++) bias[j] += biasIh.data[j];
    if (biasHh) for (let j = 0; j < hiddenSize; j++) bias[j] += biasHh.data[j];
    for (let module = 0; module < active.length; module++) {
      if (!active[module]) continue;
      const start = module * moduleSize, width = hiddenSize - start;
      // a[:, module] = x W_ih[module]ᵀ + h_{t−1}[:, start:] W_hh[module, start:]ᵀ + b
      const out = { data: hd, offset: start, ld: hiddenSize };
      gemmInto(backend, out, { data: x!.data as Float32Array }, { data: weightIh!.data as Float32Array, offset: start * inputSize, ld: inputSize }, batch, moduleSize, inputSize, { transB: true });
      gemmInto(backend, out, { data: hp, offset: start, ld: hiddenSize }, { data: weightHh!.data as Float32Array, offset: start * hiddenSize + start, ld: hiddenSize }, batch, moduleSize, width, { transB: true, beta: 1 });
      for (let b = 0; b < batch; b++) {
        for (let j = start, o = b * hiddenSize + start; j < start + moduleSize; j++, o++) hd[o] = Math.tanh(hd[o] + bias[j]);
      }
    }
    Object.assign(context.saved, { x, hPrev, weightIh, weightHh, h });
    return [h];
  },
  backward(context, [gh], { moduleSize, active }) {
    const { x, hPrev, weightIh, weightHh, h } = context.saved as Record<string, Tensor>;
    const backend = x.backend;
    const batch = x.shape[0], inputSize = x.shape[1], hiddenSize = weightHh.shape[0];
    const need = context.needsGrad;
    const dx = need.x ? zerosOf(x, x.shape) : null;
    const dhPrev = need.hPrev ? zerosOf(x, hPrev.shape) : null;
    const dWih = need.weightIh ? zerosOf(x, weightIh.shape) : null;
    const dWhh = need.weightHh ? zerosOf(x, weightHh.shape) : null;
    const db = need.biasIh || need.biasHh ? zerosOf(x, [hiddenSize]) : null;
    const ghd = gh.data, hd = h.data;
    const da = zerosOf(x, [batch, hiddenSize]).data as Float32Array;
    for (let module = 0; module < active.length; module++) {
      const start = module * moduleSize, end = start + moduleSize;
      // an active module: d a = (1 − h²)·dh; an idle one copies h_{t−1}, so d h_{t−1} = dh
      if (active[module]) {
        for (let b = 0; b < batch; b++) for (let o = b * hiddenSize + start; o < b * hiddenSize + end; o++) da[o] = ghd[o] * (1 - hd[o] * hd[o]);
      } else if (dhPrev) {
        for (let b = 0; b < batch; b++) for (let o = b * hiddenSize + start; o < b * hiddenSize + end; o++) dhPrev.data[o] += ghd[o];
      }
    }
    for (let module = 0; module < active.length; module++) {
      if (!active[module]) continue;
      const start = module * moduleSize, width = hiddenSize - start;
      const daView = { data: da, offset: start, ld: hiddenSize };
      if (dx) gemmInto(backend, { data: dx.data as Float32Array }, daView, { data: weightIh.data as Float32Array, offset: start * inputSize, ld: inputSize }, batch, inputSize, moduleSize, { beta: 1 });
      if (dhPrev) {
        gemmInto(backend, { data: dhPrev.data as Float32Array, offset: start, ld: hiddenSize }, daView, { data: weightHh.data as Float32Array, offset: start * hiddenSize + start, ld: hiddenSize }, batch, width, moduleSize, { beta: 1 });
      }
      if (dWih) gemmInto(backend, { data: dWih.data as Float32Array, offset: start * inputSize, ld: inputSize }, daView, { data: x.data as Float32Array }, moduleSize, inputSize, batch, { transA: true });
      if (dWhh) {
        gemmInto(backend, { data: dWhh.data as Float32Array, offset: start * hiddenSize + start, ld: hiddenSize }, daView, { data: hPrev.data as Float32Array, offset: start, ld: hiddenSize }, moduleSize, width, batch, { transA: true });
      }
      if (db) for (let b = 0; b < batch; b++) for (let j = start; j < start + moduleSize; j++) db.data[j] += da[b * hiddenSize + j];
    }
    // b_ih and b_hh enter the same sum: one gradient for both
    return { x: dx, hPrev: dhPrev, weightIh: dWih, weightHh: dWhh, biasIh: need.biasIh ? db : null, biasHh: need.biasHh ? db : null };
  },
});

/**
 * A Clockwork RNN step (Koutník et al., 2014). The `H = g·k` hidden units form `g` modules of `k`
 * units; module `i` has period `T_i` (strictly increasing) and updates only at steps where
 * `t mod T_i == 0`, time counted from 0. A module receives recurrent input from itself and from
 * slower modules (block upper-triangular mask `M`), never from faster ones.
 *
 * ```
 * a_t = W_ih x_t + b_ih + (W_hh ⊙ M) h_{t−1} + b_hh
 * h_t[module i] = tanh(a_t[module i])  if t mod T_i == 0,  else h_{t−1}[module i]
 * ```
 * Parameters: `weight_ih [H, I]`, `weight_hh [H, H]` (stored dense; masked blocks are zero and
 * get zero gradient), `bias_ih [H]`, `bias_hh [H]`; uniform ±1/√H. Only the active modules are
 * computed at each step.
 *
 * Shapes: input `[batch, inputSize]`; state `[h]`, `h: [batch, hiddenSize]`; output = `h_t`.
 *
 * @example
 * const cell = new ClockworkCell({ inputSize: 2, hiddenSize: 12, periods: [1, 2, 4, 8] });
 * let state = cell.initialState(batch);
 * for (let t = 0; t < steps; t++) ({ state } = cell.step(xs[t], state, t));
 */
export class ClockworkCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly moduleSize: number;
  readonly periods: readonly number[];
  readonly stateSizes: number[];
  /** `hiddenSize`: the output is `h_t`. */
  readonly outputSize: number;
  readonly bias: boolean;
  readonly recurrentInit: 'uniform' | 'orthogonal';
  readonly dtype: DType;
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter | null;
  readonly biasHh: Parameter | null;

  constructor(options: ClockworkCellOptions) {
    super();
    checkOptions('ClockworkCell', options, clockworkCellSchema, ['inputSize', 'hiddenSize', 'periods']);
    const { inputSize, hiddenSize, periods } = options;
    if (!Array.isArray(periods) || periods.length === 0) fail('ClockworkCell', 'periods, a non-empty list', String(periods));
    for (let i = 0; i < periods.length; i++) {
      if (!Number.isInteger(periods[i]) || periods[i] <= 0 || (i > 0 && periods[i] <= periods[i - 1])) {
        fail('ClockworkCell', 'periods of strictly increasing positive integers', `[${periods.join(', ')}]`);
      }
    }
    const moduleSize = options.moduleSize ?? hiddenSize / periods.length;
    if (!Number.isInteger(moduleSize) || moduleSize <= 0 || moduleSize * periods.length !== hiddenSize) {
      fail('ClockworkCell', `hiddenSize ${hiddenSize} split into ${periods.length} modules${options.moduleSize ? ` of ${options.moduleSize} units` : ''}`, `periods [${periods.join(', ')}] that do not split it`);
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.moduleSize = moduleSize;
    this.periods = [...periods];
    this.stateSizes = [hiddenSize];
    this.outputSize = hiddenSize;
    this.recurrentInit = options.recurrentInit ?? 'uniform';
    const { draw, bias, generator, dtype } = drawParameters(options, hiddenSize, 'ClockworkCell');
    this.bias = bias;
    this.dtype = dtype;
    this.weightIh = this.registerParameter('weight_ih', draw([hiddenSize, inputSize]));
    const recurrent = draw([hiddenSize, hiddenSize]);
    // Zero the blocks below the diagonal: faster modules never feed slower ones.
    for (let row = 0; row < hiddenSize; row++) {
      for (let column = 0; column < Math.floor(row / moduleSize) * moduleSize; column++) recurrent.value.data[row * hiddenSize + column] = 0;
    }
    if (this.recurrentInit === 'orthogonal') {
      const block = zeros([moduleSize, moduleSize], { dtype: 'float64' });
      for (let start = 0; start < hiddenSize; start += moduleSize) {
        orthogonalBlocks(block, 1, generator);
        for (let r = 0; r < moduleSize; r++) recurrent.value.data.set(block.data.subarray(r * moduleSize, (r + 1) * moduleSize), (start + r) * hiddenSize + start);
      }
    }
    this.weightHh = this.registerParameter('weight_hh', recurrent);
    this.biasIh = this.registerParameter('bias_ih', bias ? draw([hiddenSize]) : null);
    this.biasHh = this.registerParameter('bias_hh', bias ? draw([hiddenSize]) : null);
  }

  /** Whether module `i` updates at step `time` (`time mod T_i == 0`). */
  activeModules(time: number): boolean[] {
    if (!Number.isInteger(time) || time < 0) fail('ClockworkCell', 'a time index, an integer ≥ 0', String(time));
    return this.periods.map((period) => time % period === 0);
  }

  /** The options as plain JSON. */
  config(): CellConfig {
    return {
      inputSize: this.inputSize, hiddenSize: this.hiddenSize, periods: this.periods, moduleSize: this.moduleSize, bias: this.bias,
      recurrentInit: this.recurrentInit, dtype: this.dtype,
    };
  }

  /** Zeros: `[h_{−1}]`. */
  initialState(batch: number): Tensor[] {
    return zeroStates(this.weightIh.value, batch, this.stateSizes, 'ClockworkCell');
  }

  /** One step at time index `time` (counted from 0; decides which modules update). */
  step(input: Variable | Tensor, state: readonly (Variable | Tensor)[] | null | undefined, time = 0): ClockworkStep {
    const [previous] = checkStep('ClockworkCell', ['h'], this, input, state);
    const [h] = clockworkStep({ x: input, hPrev: previous, weightIh: this.weightIh, weightHh: this.weightHh, biasIh: this.biasIh, biasHh: this.biasHh }, {
      moduleSize: this.moduleSize,
      active: this.activeModules(time),
    });
    return { output: h, state: [h] };
  }

  /** Same as {@link ClockworkCell.step}. */
  forward(input: Variable | Tensor, state: readonly (Variable | Tensor)[] | undefined, time: number): ClockworkStep {
    return this.step(input, state, time);
  }
}
