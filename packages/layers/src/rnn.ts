import { option } from '@recurrent/tensor';
import {
  FusedLayer, type FusedLayerConfig, type FusedLayerOptions, type FusedLayerOutput, type FusedLayerState, type LayerInput, fusedLayerSchema,
} from './sequence/fusedLayer.js';

/** Options of {@link RNN}. */
export interface RNNOptions extends FusedLayerOptions {
  /** `tanh` (default) or `relu`. */
  nonlinearity?: 'tanh' | 'relu';
}

/** The options of an {@link RNN} as plain JSON, from {@link RNN.config}. */
export interface RNNConfig extends FusedLayerConfig {
  nonlinearity: 'tanh' | 'relu';
}

const rnnSchema = { ...fusedLayerSchema, nonlinearity: option.oneOf(['tanh', 'relu']) };

/**
 * A multi-layer Elman RNN over whole sequences, exactly as PyTorch's `nn.RNN`. For each layer
 * and time step:
 *
 * ```
 * h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)        act = tanh | relu
 * ```
 *
 * Layer `k > 0` takes the previous layer's output (both directions concatenated) as `x_t`, with
 * dropout in between in training mode. Each layer and direction is one fused primitive: the input
 * projection of all steps in one gemm, one gemm per step for `h_{t−1} W_hhᵀ`, and weight gradients
 * in a few large gemms after backpropagation through time.
 *
 * Parameters (state-dict order, `s` = `''` or `'_reverse'`): `weight_ih_l{k}s [H, I_k]`,
 * `weight_hh_l{k}s [H, H]`, `bias_ih_l{k}s [H]`, `bias_hh_l{k}s [H]`.
 *
 * Shapes (`D = 2` if bidirectional else 1):
 * - `x`: `[T, B, inputSize]` (`[B, T, inputSize]` with `batchFirst`)
 * - `h0`: `[numLayers·D, B, hiddenSize]`; `lengths`: `[B]`
 * - `output`: `[T, B, D·hiddenSize]` (or batch-first); `h_n`: `[numLayers·D, B, hiddenSize]`
 *
 * @example
 * import { randn, Generator } from '@recurrent/tensor';
 * const rnn = new RNN({ inputSize: 10, hiddenSize: 20, numLayers: 2 });
 * const { output, h_n } = rnn.forward(randn([5, 3, 10], new Generator(1)));
 * output.shape; // [5, 3, 20]
 */
export class RNN extends FusedLayer {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(options: RNNOptions) {
    super('RNN', options?.nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH', options, rnnSchema);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
  }

  /** The options as plain JSON (`new RNN(rnn.config())` builds the same layer, up to its weights). */
  config(): RNNConfig {
    return { ...this.baseConfig(), nonlinearity: this.nonlinearity };
  }

  /** Runs the layers over a whole batch of sequences: `{ output, h_n }`. */
  forward(x: LayerInput, state: Omit<FusedLayerState, 'c0'> = {}): Omit<FusedLayerOutput, 'c_n'> {
    return this.run(x, state);
  }
}
