import { type RecurrentActivation, type RecurrentGradients, type RecurrentKernels, type RecurrentMode, type RecurrentTape, type Tensor, fail, fromData } from '@recurrent/tensor';
import { definePrimitive, isGradEnabled } from '@recurrent/autograd';

export type { RecurrentMode } from '@recurrent/tensor';

/** Options of {@link recurrentPrimitive}. */
export interface RecurrentPrimitiveOptions {
  mode: RecurrentMode;
  /** One step of a cell: `x [B, I]`, outputs `h [B, R]` (and `c [B, H]`), no sequence output. */
  step: boolean;
  reverse: boolean;
  lengths: Int32Array | null;
  projSize: number;
  /** GRU only: PyTorch's reset-after form (true) or Keras's reset-before form. */
  resetAfter: boolean;
  /** LSTM and GRU gate activation. */
  recurrentActivation: RecurrentActivation;
  /** The sequence is `[B, T, I]` in and `[B, T, R]` out, run as it is: only where the backend's
   * recurrence takes it (`RecurrentKernels.batchFirst`); the default is time-major. */
  batchFirst?: boolean;
}

/** The inputs of {@link recurrentPrimitive}, by name (`weightCi` … are the LSTM peepholes). */
export type RecurrentInput = 'x' | 'h0' | 'c0' | 'weightIh' | 'weightHh' | 'biasIh' | 'biasHh' | 'weightHr' | 'weightCi' | 'weightCf' | 'weightCo';

const inputNames: readonly RecurrentInput[] = ['x', 'h0', 'c0', 'weightIh', 'weightHh', 'biasIh', 'biasHh', 'weightHr', 'weightCi', 'weightCf', 'weightCo'];
const gateCount: Record<RecurrentMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

const data = (x: Tensor | null): Float32Array | null => (x === null ? null : (x.data as Float32Array));

/** The backend's whole-sequence recurrence, or an error naming the backend that has none. */
export function recurrenceOf(x: Tensor, layer: string): RecurrentKernels {
  const recurrent = x.backend.kernels.recurrent;
  if (!recurrent) fail(layer, `a backend with a recurrent kernel entry (kernels.recurrent; see createCpuRecurrence)`, `backend '${x.backend.name}' without one`);
  return recurrent;
}

/**
 * One direction of one layer over a whole sequence (or one step of a built-in cell) as a single
 * graph node, run by the input's backend (`backend.kernels.recurrent`): the fused `RNN`, `LSTM`
 * and `GRU` layers and the `RNNCell`, `LSTMCell` and `GRUCell` steps are all this primitive.
 * Inputs: `x [T, B, I]` (time-major; `[B, T, I]` with `batchFirst`; `[B, I]` for a step), `h0 [B, R]`, `c0 [B, H]` (LSTM),
 * `weightIh`, `weightHh`, `biasIh`, `biasHh`, `weightHr` (projection), `weightCi`, `weightCf`,
 * `weightCo` (peepholes); any may be absent except `x` and the two weights.
 * Outputs: `output [T, B, R]` (not for a step), `h_n [B, R]` and, for LSTM, `c_n [B, H]`.
 *
 * @example
 * const [output, hN] = recurrentPrimitive({ x, weightIh, weightHh, biasIh, biasHh }, {
 *   mode: 'GRU', step: false, reverse: false, lengths: null, projSize: 0, resetAfter: true, recurrentActivation: 'sigmoid',
 * });
 */
export const recurrentPrimitive = definePrimitive<RecurrentPrimitiveOptions, RecurrentInput>({
  name: 'recurrence',
  inputs: inputNames,
  forward(context, inputs, options) {
    const input = inputs.x!;
    const batchFirst = !options.step && options.batchFirst === true;
    const [steps, batch, inputSize] = options.step ? [1, ...input.shape] : batchFirst ? [input.shape[1], input.shape[0], input.shape[2]] : input.shape;
    const hiddenSize = inputs.weightIh!.shape[0] / gateCount[options.mode];
    const recurrent = recurrenceOf(input, options.step ? `${options.mode === 'LSTM' ? 'LSTM' : options.mode === 'GRU' ? 'GRU' : 'RNN'}Cell` : options.mode);
    const width = options.projSize || hiddenSize;
    const result = recurrent.forward({
      mode: options.mode, steps, batch, inputSize, hiddenSize, projSize: options.projSize,
      resetAfter: options.resetAfter, recurrentActivation: options.recurrentActivation,
      x: data(input)!, h0: data(inputs.h0), c0: data(inputs.c0),
      weights: {
        weightIh: data(inputs.weightIh)!, weightHh: data(inputs.weightHh)!, biasIh: data(inputs.biasIh), biasHh: data(inputs.biasHh),
        weightHr: data(inputs.weightHr), weightCi: data(inputs.weightCi), weightCf: data(inputs.weightCf), weightCo: data(inputs.weightCo),
      },
      reverse: options.reverse, lengths: options.lengths,
      batchFirst,
      // without a graph to keep (inference, or no input needing a gradient) forward reuses its buffers
      keepTape: isGradEnabled() && Object.values(context.needsGrad).some(Boolean),
    });
    context.saved.tape = result.tape;
    context.saved.recurrent = recurrent;
    context.saved.shapes = Object.fromEntries(inputNames.map((name) => [name, inputs[name]?.shape ?? null]));
    const wrap = (values: Float32Array, shape: number[]) => fromData(values, shape, { backend: input.backend });
    const sequenceShape = batchFirst ? [batch, steps, width] : [steps, batch, width];
    const outputs = options.step ? [wrap(result.hN, [batch, width])] : [wrap(result.output, sequenceShape), wrap(result.hN, [batch, width])];
    if (result.cN) outputs.push(wrap(result.cN, [batch, hiddenSize]));
    return outputs;
  },
  release(context) {
    // the last backward through this graph has run: its tape's work buffers go back for reuse
    const tape = context.saved.tape as RecurrentTape | null;
    if (tape) (context.saved.recurrent as RecurrentKernels).releaseTape(tape);
  },
  backward(context, gradients, options) {
    const [dOutput, dhN, dcN] = options.step ? [null, ...gradients] : gradients;
    const needs = context.needsGrad;
    const recurrent = context.saved.recurrent as RecurrentKernels;
    const shapes = context.saved.shapes as Record<RecurrentInput, readonly number[] | null>;
    const g: RecurrentGradients = recurrent.backward({
      tape: context.saved.tape as RecurrentTape,
      dOutput: data(dOutput ?? null), dhN: data(dhN), dcN: options.mode === 'LSTM' ? data(dcN) : null,
      needs: {
        x: needs.x, h0: needs.h0, c0: needs.c0,
        weights: needs.weightIh || needs.weightHh || needs.biasIh || needs.biasHh || needs.weightHr || needs.weightCi || needs.weightCf || needs.weightCo,
      },
    });
    const named: Partial<Record<RecurrentInput, Tensor | null>> = {};
    for (const name of inputNames) {
      const values = g[name];
      const shape = shapes[name];
      if (needs[name] && values && shape) named[name] = fromData(values, [...shape], { backend: gradients[0].backend });
    }
    return named;
  },
});
