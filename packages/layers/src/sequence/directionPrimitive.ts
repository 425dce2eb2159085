import { type Tensor, fromData } from '@recurrent/tensor';
import { definePrimitive, isGradEnabled } from '@recurrent/autograd';
import {
  type GruTape, type LstmTape, type RnnTape, gruBackward, gruForward, lstmBackward, lstmForward, releaseGruTape, releaseLstmTape,
  releaseRnnTape, rnnBackward, rnnForward,
} from '@recurrent/cells/kernels';

/** Which built-in recurrence a fused layer runs (PyTorch's `mode`). */
export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** Options of one direction of one layer. */
export interface DirectionOptions {
  mode: RecurrentMode;
  reverse: boolean;
  lengths: Int32Array | null;
  projSize: number;
}

const data = (x: Tensor | null): Float32Array | null => (x === null ? null : (x.data as Float32Array));
const wrap = (values: Float32Array, shape: number[], like: Tensor): Tensor => fromData(values, shape, { backend: like.backend });

/**
 * One direction of one layer over the whole sequence as a single graph node.
 * Inputs: `x [T, B, I]` (time-major), `h0 [B, R]`, `c0 [B, H]` (LSTM), `weight_ih`, `weight_hh`,
 * `bias_ih`, `bias_hh`, `weight_hr` (any may be null except `x` and the weights).
 * Outputs: `output [T, B, R]`, `h_n [B, R]` and, for LSTM, `c_n [B, H]`.
 */
export const sequenceDirection = definePrimitive<DirectionOptions>({
  name: 'sequence',
  forward(context, [x, h0, c0, weightIh, weightHh, biasIh, biasHh, weightHr], options) {
    const input = x!;
    const [steps, batch, inputSize] = input.shape;
    const base = {
      gemm: input.backend.kernels.gemm, packB: input.backend.kernels.packB, steps, batch, inputSize, x: data(input)!, h0: data(h0),
      reverse: options.reverse, lengths: options.lengths,
      // without a graph to keep (inference, or no input needing a gradient) forward reuses its buffers
      keepTape: isGradEnabled() && context.needsGrad.some(Boolean),
      weightIh: data(weightIh)!, weightHh: data(weightHh)!, biasIh: data(biasIh), biasHh: data(biasHh),
    };
    if (options.mode === 'LSTM') {
      const hiddenSize = weightIh!.shape[0] / 4;
      const width = options.projSize || hiddenSize;
      const result = lstmForward({ ...base, hiddenSize, projSize: options.projSize, c0: data(c0), weightHr: data(weightHr), peephole: null });
      context.saved.tape = result.tape;
      return [wrap(result.output, [steps, batch, width], input), wrap(result.hN, [batch, width], input), wrap(result.cN, [batch, hiddenSize], input)];
    }
    if (options.mode === 'GRU') {
      const hiddenSize = weightIh!.shape[0] / 3;
      const result = gruForward({ ...base, hiddenSize, resetAfter: true });
      context.saved.tape = result.tape;
      return [wrap(result.output, [steps, batch, hiddenSize], input), wrap(result.hN, [batch, hiddenSize], input)];
    }
    const hiddenSize = weightIh!.shape[0];
    const result = rnnForward({ ...base, hiddenSize, nonlinearity: options.mode === 'RNN_RELU' ? 'relu' : 'tanh' });
    context.saved.tape = result.tape;
    return [wrap(result.output, [steps, batch, hiddenSize], input), wrap(result.hN, [batch, hiddenSize], input)];
  },
  release(context, options) {
    // the last backward through this graph has run: its tape's work buffers go back for reuse
    if (options.mode === 'LSTM') releaseLstmTape(context.saved.tape as LstmTape);
    else if (options.mode === 'GRU') releaseGruTape(context.saved.tape as GruTape);
    else releaseRnnTape(context.saved.tape as RnnTape);
  },
  backward(context, gradients, options) {
    const needs = context.needsGrad;
    const [dOutput, dhN, dcN] = gradients;
    const shapeOf = (i: number, values: Float32Array | null, shape: number[]) => (needs[i] && values ? wrap(values, shape, dOutput) : null);
    if (options.mode === 'LSTM') {
      const tape = context.saved.tape as LstmTape;
      const { steps: T, batch: B, inputSize: I, hiddenSize: H } = tape.run;
      const R = options.projSize || H;
      const g = lstmBackward(tape, data(dOutput), data(dhN), data(dcN), needs[0]);
      return [
        shapeOf(0, g.dx, [T, B, I]), shapeOf(1, g.dh0, [B, R]), shapeOf(2, g.dc0, [B, H]),
        shapeOf(3, g.dWeightIh, [4 * H, I]), shapeOf(4, g.dWeightHh, [4 * H, R]),
        shapeOf(5, g.dBias, [4 * H]), shapeOf(6, g.dBias.slice(), [4 * H]),
        shapeOf(7, g.dWeightHr, [options.projSize, H]),
      ];
    }
    if (options.mode === 'GRU') {
      const tape = context.saved.tape as GruTape;
      const { steps: T, batch: B, inputSize: I, hiddenSize: H } = tape.run;
      const g = gruBackward(tape, data(dOutput), data(dhN), needs[0]);
      return [
        shapeOf(0, g.dx, [T, B, I]), shapeOf(1, g.dh0, [B, H]), null,
        shapeOf(3, g.dWeightIh, [3 * H, I]), shapeOf(4, g.dWeightHh, [3 * H, H]),
        shapeOf(5, g.dBiasIh, [3 * H]), shapeOf(6, g.dBiasHh, [3 * H]), null,
      ];
    }
    const tape = context.saved.tape as RnnTape;
    const { steps: T, batch: B, inputSize: I, hiddenSize: H } = tape.run;
    const g = rnnBackward(tape, data(dOutput), data(dhN), needs[0]);
    return [
      shapeOf(0, g.dx, [T, B, I]), shapeOf(1, g.dh0, [B, H]), null,
      shapeOf(3, g.dWeightIh, [H, I]), shapeOf(4, g.dWeightHh, [H, H]),
      shapeOf(5, g.dBias, [H]), shapeOf(6, g.dBias.slice(), [H]), null,
    ];
  },
});
