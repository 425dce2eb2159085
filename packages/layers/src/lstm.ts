import type { Variable } from '@recurrent/autograd';
import { type RecurrentActivation, option } from '@recurrent/tensor';
import {
  FusedLayer, type FusedLayerConfig, type FusedLayerOptions, type FusedLayerOutput, type FusedLayerState, type LayerInput, fusedLayerSchema,
} from './sequence/fusedLayer.js';

/** Options of {@link LSTM}. */
export interface LSTMOptions extends FusedLayerOptions {
  /** Project each hidden state to this many features with `weight_hr_l{k}` (LSTMP; 0 = none). */
  projSize?: number;
  /** Peephole connections from the cell state into the gates, diagonal weights `weight_ci_l{k}`,
   * `weight_cf_l{k}`, `weight_co_l{k}` (`[hiddenSize]` each; default false, as PyTorch's). */
  peephole?: boolean;
  /** The gate activation of `i`, `f`, `o`: `'sigmoid'` (default, PyTorch's) or `'hardSigmoid'`,
   * tf.keras's `max(0, min(1, 0.2·x + 0.5))` (TF.js's default `recurrentActivation`). */
  recurrentActivation?: RecurrentActivation;
}

/** The options of an {@link LSTM} as plain JSON, from {@link LSTM.config}. */
export interface LSTMConfig extends FusedLayerConfig {
  projSize: number;
  peephole: boolean;
  recurrentActivation: RecurrentActivation;
}

const lstmSchema = {
  ...fusedLayerSchema, projSize: option.integer({ min: 0 }), peephole: option.boolean, recurrentActivation: option.oneOf(['sigmoid', 'hardSigmoid']),
};

/** The result of {@link LSTM.forward}. */
export interface LSTMOutput extends FusedLayerOutput {
  /** Final cell states `[numLayers·D, B, hiddenSize]`. */
  c_n: Variable;
}

/**
 * A multi-layer long short-term memory over whole sequences, exactly as PyTorch's `nn.LSTM`
 * (gates `i, f, g, o`), with the optional LSTMP projection `projSize`:
 *
 * ```
 * i_t = σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi)
 * f_t = σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf)
 * g_t = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)
 * o_t = σ(W_io x_t + b_io + W_ho h_{t−1} + b_ho)
 * c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
 * h_t = o_t ⊙ tanh(c_t)            (projSize > 0:  h_t = W_hr (o_t ⊙ tanh(c_t)))
 * ```
 *
 * With `peephole: true` the gates also read the cell state (Gers & Schmidhuber):
 * `i_t = σ(… + w_ci ⊙ c_{t−1})`, `f_t = σ(… + w_cf ⊙ c_{t−1})`, `o_t = σ(… + w_co ⊙ c_t)`.
 *
 * Each layer and direction is one fused primitive, run by the input's backend
 * (`backend.kernels.recurrent`): input projection of all steps in one gemm,
 * one gemm per step for `h_{t−1} W_hhᵀ` and one fused pass over the gates; backpropagation through
 * time collects the gate gradients of all steps and forms `dW_ih`, `dW_hh`, `dx` with a few large
 * gemms. Variable-length batches follow PyTorch's packed sequences.
 *
 * Parameters (state-dict order, `s` = `''` or `'_reverse'`, `H_out = projSize || hiddenSize`):
 * `weight_ih_l{k}s [4H, I_k]`, `weight_hh_l{k}s [4H, H_out]`, `bias_ih_l{k}s [4H]`,
 * `bias_hh_l{k}s [4H]`, `weight_hr_l{k}s [projSize, H]`, then (peephole only) `weight_ci_l{k}s`,
 * `weight_cf_l{k}s`, `weight_co_l{k}s [H]`.
 *
 * Shapes (`D = 2` if bidirectional else 1):
 * - `x`: `[T, B, inputSize]` (`[B, T, inputSize]` with `batchFirst`)
 * - `h0`: `[numLayers·D, B, H_out]`, `c0`: `[numLayers·D, B, hiddenSize]`; `lengths`: `[B]`
 * - `output`: `[T, B, D·H_out]` (or batch-first); `h_n`: `[numLayers·D, B, H_out]`;
 *   `c_n`: `[numLayers·D, B, hiddenSize]`
 *
 * @example
 * import { randn, Generator } from '@recurrent/tensor';
 * import { backward, mean, mul } from '@recurrent/autograd';
 * const lstm = new LSTM({ inputSize: 10, hiddenSize: 20, numLayers: 2, batchFirst: true });
 * const { output, h_n, c_n } = lstm.forward(randn([3, 5, 10], new Generator(1)));
 * backward(mean(mul(output, output)));
 */
export class LSTM extends FusedLayer {
  constructor(options: LSTMOptions) {
    super('LSTM', 'LSTM', options, lstmSchema, {
      projSize: options.projSize ?? 0, peephole: options.peephole ?? false, recurrentActivation: options.recurrentActivation ?? 'sigmoid',
    });
  }

  /** The options as plain JSON (`new LSTM(lstm.config())` builds the same layer, up to its weights). */
  config(): LSTMConfig {
    return { ...this.baseConfig(), projSize: this.projSize, peephole: this.peephole, recurrentActivation: this.recurrentActivation };
  }

  /** Runs the layers over a whole batch of sequences: `{ output, h_n, c_n }`. */
  forward(x: LayerInput, state: FusedLayerState = {}): LSTMOutput {
    return this.run(x, state) as LSTMOutput;
  }
}
