import type { Tensor } from '@recurrent/tensor';
import { Module, type Parameter, type Variable } from '@recurrent/autograd';
import type { SequenceLayer, SequenceOptions, SequenceResult } from '../recurrent.js';
import type { FusedLayer } from './fusedLayer.js';

/**
 * Presents a fused `RNN`, `LSTM` or `GRU` as a {@link SequenceLayer}: `initialState` is
 * `[h0]` or `[h0, c0]` in the fused layer's layout `[numLayers·D, B, H]`, and the final state is
 * `[h_n]` or `[h_n, c_n]`.
 *
 * @example
 * const stack = new Stacked([asSequenceLayer(new LSTM({ inputSize: 4, hiddenSize: 8 })), new JordanCell({ … })]);
 */
export function asSequenceLayer(layer: FusedLayer | SequenceLayer): SequenceLayer {
  return 'stateCount' in layer ? layer : new FusedLayerAdapter(layer);
}

class FusedLayerAdapter extends Module implements SequenceLayer {
  readonly batchFirst: boolean;
  readonly outputSize: number;
  readonly stateCount: number;

  constructor(readonly layer: FusedLayer) {
    super();
    this.batchFirst = layer.batchFirst;
    this.outputSize = (layer.bidirectional ? 2 : 1) * (layer.projSize || layer.hiddenSize);
    this.stateCount = layer.constructor.name === 'LSTM' ? 2 : 1;
    for (const [name, parameter] of layer.namedParameters()) this.registerParameter(name, parameter as Parameter);
  }

  override train(mode = true): this {
    super.train(mode);
    this.layer.train(mode);
    return this;
  }

  forward(input: Variable | Tensor, options: SequenceOptions = {}): SequenceResult {
    const [h0, c0] = options.initialState ?? [];
    const run = this.layer as unknown as { forward(x: Variable | Tensor, state: object): { output: Variable; h_n: Variable; c_n?: Variable } };
    const result = run.forward(input, { h0: h0 ?? null, c0: c0 ?? null, lengths: options.lengths ?? null });
    return { output: result.output, state: result.c_n ? [result.h_n, result.c_n] : [result.h_n] };
  }
}
