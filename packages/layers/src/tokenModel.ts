import type { Backend, Tensor } from '@recurrent/tensor';
import { Module, type Variable, reshape } from '@recurrent/autograd';
import type { Embedding } from './embedding.js';
import type { GRU } from './gru.js';
import type { Linear } from './linear.js';
import type { LSTM } from './lstm.js';
import type { RNN } from './rnn.js';
import { unbind } from './sequenceOps.js';

/** A fused recurrent layer: `nn.LSTM`, `nn.GRU` or `nn.RNN`. */
export type FusedRecurrentLayer = LSTM | GRU | RNN;

/** A recurrent state carried between calls: `h` (and `c` for an LSTM), `[numLayers·D, batch, H]`. */
export interface CarriedState {
  h: Tensor;
  c?: Tensor;
}

function runLayer(layer: FusedRecurrentLayer, x: Variable | Tensor, state: CarriedState | null, lengths?: readonly number[]): { output: Variable; state: CarriedState } {
  const result = layer.forward(x, { h0: state?.h ?? null, c0: state?.c ?? null, lengths: lengths ?? null }) as { output: Variable; h_n: Variable; c_n?: Variable };
  return { output: result.output, state: { h: result.h_n.value, c: result.c_n?.value } };
}

/** The submodules of a {@link TokenModel}. */
export interface TokenModelModules {
  embedding: Embedding;
  /** Time-major (`batchFirst: false`); its `inputSize` is the embedding's `embeddingDim`. */
  rnn: FusedRecurrentLayer;
  /** Its `inFeatures` is the recurrent layer's output width (`D·hiddenSize`). */
  linear: Linear;
}

/**
 * Embedding → LSTM/GRU/RNN → Linear over token ids, the model of a character language model, a
 * name generator or a CTC grapheme-to-phoneme tagger. State-dict names are PyTorch's for an
 * `nn.Module` with submodules `embedding`, `rnn` and `linear` (`embedding.weight`,
 * `rnn.weight_ih_l0`, `linear.bias`, …).
 *
 * Shapes: ids `[T, B]` int32 → logits `[T·B, outputSize]`; carried state as the layer's `h_n`/`c_n`.
 *
 * @example
 * const model = new TokenModel({
 *   embedding: new Embedding({ numEmbeddings: 60, embeddingDim: 16 }),
 *   rnn: new LSTM({ inputSize: 16, hiddenSize: 64 }),
 *   linear: new Linear({ inFeatures: 64, outFeatures: 60 }),
 * });
 * const { logits, state } = model.forward(ids, null); // ids: int32 [T, B]
 */
export class TokenModel extends Module {
  readonly embedding: Embedding;
  readonly rnn: FusedRecurrentLayer;
  readonly linear: Linear;

  constructor(modules: TokenModelModules) {
    super();
    this.embedding = this.registerModule('embedding', modules.embedding);
    this.rnn = this.registerModule('rnn', modules.rnn);
    this.linear = this.registerModule('linear', modules.linear);
  }

  /** The backend the parameters live on: make the inputs on it. */
  get backend(): Backend {
    return this.linear.weight.value.backend;
  }

  /** Logits `[T·B, outputSize]` and the final state, for ids `[T, B]` (int32), with optional per-sequence lengths. */
  forward(ids: Tensor, state: CarriedState | null, lengths?: readonly number[]): { logits: Variable; state: CarriedState } {
    const [steps, batch] = ids.shape;
    const embedded = this.embedding.forward(ids);
    const { output, state: next } = runLayer(this.rnn, embedded, state, lengths);
    const flat = reshape(output, [steps * batch, output.shape[2]]);
    return { logits: this.linear.forward(flat), state: next };
  }
}

/** The submodules of a {@link SequenceModel}. */
export interface SequenceModelModules {
  /** Time-major (`batchFirst: false`). */
  rnn: FusedRecurrentLayer;
  linear: Linear;
}

/**
 * An LSTM/GRU/RNN over real-valued steps with a Linear head on the last step's output: a
 * sequence classifier or a forecaster. State-dict names `rnn.*`, `linear.*`, as PyTorch's.
 *
 * Shapes: x `[T, B, inputSize]` → `[B, outputSize]`.
 *
 * @example
 * const model = new SequenceModel({ rnn: new GRU({ inputSize: 1, hiddenSize: 32, bidirectional: true }), linear: new Linear({ inFeatures: 64, outFeatures: 10 }) });
 * model.forward(x).shape; // x: [T, B, 1] → [B, 10]
 */
export class SequenceModel extends Module {
  readonly rnn: FusedRecurrentLayer;
  readonly linear: Linear;

  constructor(modules: SequenceModelModules) {
    super();
    this.rnn = this.registerModule('rnn', modules.rnn);
    this.linear = this.registerModule('linear', modules.linear);
  }

  /** The backend the parameters live on: make the inputs on it. */
  get backend(): Backend {
    return this.linear.weight.value.backend;
  }

  /** Outputs `[B, outputSize]` from the last time step's output `[B, D·H]`. */
  forward(x: Tensor): Variable {
    const { output } = runLayer(this.rnn, x, null);
    const steps = unbind(output, 0);
    return this.linear.forward(steps[steps.length - 1]);
  }
}
