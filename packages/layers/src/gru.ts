import { type RecurrentActivation, option } from '@recurrent/tensor';
import {
  FusedLayer, type FusedLayerConfig, type FusedLayerOptions, type FusedLayerOutput, type FusedLayerState, type LayerInput, fusedLayerSchema,
} from './sequence/fusedLayer.js';

/** Options of {@link GRU}. */
export interface GRUOptions extends FusedLayerOptions {
  /** `true` (default): PyTorch / cuDNN, the reset gate multiplies `W_hn h + b_hn`. `false`: Keras /
   * TensorFlow.js `reset_after=False`, `n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t−1}) + b_hn)`. */
  resetAfter?: boolean;
  /** The gate activation of `r`, `z`: `'sigmoid'` (default, PyTorch's) or `'hardSigmoid'`,
   * tf.keras's `max(0, min(1, 0.2·x + 0.5))` (TF.js's default `recurrentActivation`). */
  recurrentActivation?: RecurrentActivation;
}

/** The options of a {@link GRU} as plain JSON, from {@link GRU.config}. */
export interface GRUConfig extends FusedLayerConfig {
  resetAfter: boolean;
  recurrentActivation: RecurrentActivation;
}

const gruSchema = { ...fusedLayerSchema, resetAfter: option.boolean, recurrentActivation: option.oneOf(['sigmoid', 'hardSigmoid']) };

/**
 * A multi-layer gated recurrent unit over whole sequences, exactly as PyTorch's `nn.GRU`
 * (gates `r, z, n`; the reset gate multiplies `W_hn h + b_hn`, as cuDNN does):
 *
 * ```
 * r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)
 * z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
 * n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))
 * h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 * ```
 *
 * With `resetAfter: false` (Keras's `reset_after=False`): `n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t−1}) + b_hn)`.
 *
 * Each layer and direction is one fused primitive (input projection of all steps in one gemm, one
 * gemm per step, weight gradients after the loop). Dropout between layers in training mode.
 *
 * Parameters (state-dict order): `weight_ih_l{k}{s} [3H, I_k]`, `weight_hh_l{k}{s} [3H, H]`,
 * `bias_ih_l{k}{s} [3H]`, `bias_hh_l{k}{s} [3H]`, `s` = `''` or `'_reverse'`.
 *
 * Shapes (`D = 2` if bidirectional else 1):
 * - `x`: `[T, B, inputSize]` (`[B, T, inputSize]` with `batchFirst`)
 * - `h0`: `[numLayers·D, B, hiddenSize]`; `lengths`: `[B]`
 * - `output`: `[T, B, D·hiddenSize]` (or batch-first); `h_n`: `[numLayers·D, B, hiddenSize]`
 *
 * @example
 * import { randn, Generator } from '@recurrent/tensor';
 * const gru = new GRU({ inputSize: 8, hiddenSize: 16, bidirectional: true, batchFirst: true });
 * const { output, h_n } = gru.forward(randn([4, 7, 8], new Generator(1)), { lengths: [7, 3, 5, 1] });
 * output.shape; // [4, 7, 32]
 */
export class GRU extends FusedLayer {
  constructor(options: GRUOptions) {
    super('GRU', 'GRU', options, gruSchema, { resetAfter: options.resetAfter ?? true, recurrentActivation: options.recurrentActivation ?? 'sigmoid' });
  }

  /** The options as plain JSON (`new GRU(gru.config())` builds the same layer, up to its weights). */
  config(): GRUConfig {
    return { ...this.baseConfig(), resetAfter: this.resetAfter, recurrentActivation: this.recurrentActivation };
  }

  /** Runs the layers over a whole batch of sequences: `{ output, h_n }`. */
  forward(x: LayerInput, state: Omit<FusedLayerState, 'c0'> = {}): Omit<FusedLayerOutput, 'c_n'> {
    return this.run(x, state);
  }
}
