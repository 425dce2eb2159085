import type { Variable } from '@recurrent/autograd';
import { Embedding, GRU, LSTM, Linear, RNN, SequenceModel as LayersSequenceModel, TokenModel as LayersTokenModel } from '@recurrent/layers';
import type { Backend, Generator, Tensor } from '@recurrent/tensor';

/** The recurrent core of every task's model. */
export interface RecurrentConfig {
  cell: 'lstm' | 'gru' | 'rnn';
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  dropout: number;
}

/** The settings every task's model shares: the recurrent cell and its size, dropout between
 * layers, the batch, where it runs and the seed of its initialisation. */
export interface RecurrentModelSettings {
  cell: 'lstm' | 'gru' | 'rnn';
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  batch: number;
  /** Backend of the model's parameters and of the input tensors (default: the CPU backend). */
  backend?: Backend;
  seed: number;
}

/** A recurrent state carried between calls: `h` (and `c` for an LSTM), `[layers·D, batch, H]`. */
export interface CarriedState {
  h: Tensor;
  c?: Tensor;
}

type RecurrentLayer = LSTM | GRU | RNN;

/** `nn.LSTM` / `nn.GRU` / `nn.RNN` from a {@link RecurrentConfig}, time-major, its parameters on `backend`. */
export function recurrentLayer(config: RecurrentConfig, generator: Generator, backend?: Backend): RecurrentLayer {
  const options = {
    inputSize: config.inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers,
    bidirectional: config.bidirectional, dropout: config.dropout, generator, backend,
  };
  if (config.cell === 'lstm') return new LSTM(options);
  if (config.cell === 'gru') return new GRU(options);
  return new RNN(options);
}

/** Runs a recurrent layer and returns its output and the final state as plain tensors. */
export function runRecurrent(layer: RecurrentLayer, x: Variable | Tensor, state: CarriedState | null, lengths?: readonly number[]): { output: Variable; state: CarriedState; h_n: Variable } {
  const result = layer.forward(x, { h0: state?.h ?? null, c0: state?.c ?? null, lengths: lengths ?? null }) as { output: Variable; h_n: Variable; c_n?: Variable };
  return { output: result.output, h_n: result.h_n, state: { h: result.h_n.value, c: result.c_n?.value } };
}

/**
 * Embedding → RNN/LSTM/GRU → Linear over token ids `[T, B]`, giving logits `[T·B, vocabulary]`:
 * the library's {@link LayersTokenModel} built from the task's configuration, so a checkpoint's
 * weights are a model file any page loads. State-dict names are PyTorch's for the same
 * `nn.Module` with submodules `embedding`, `rnn`, `linear`. Every parameter lives on `backend`
 * (default: the CPU backend).
 */
export class TokenModel extends LayersTokenModel {
  constructor(readonly config: { vocabularySize: number; embeddingSize: number; outputSize: number } & Omit<RecurrentConfig, 'inputSize'>, generator: Generator, backend?: Backend) {
    const width = config.hiddenSize * (config.bidirectional ? 2 : 1);
    super({
      embedding: new Embedding({ numEmbeddings: config.vocabularySize, embeddingDim: config.embeddingSize, generator, backend }),
      rnn: recurrentLayer({ ...config, inputSize: config.embeddingSize }, generator, backend),
      linear: new Linear({ inFeatures: width, outFeatures: config.outputSize, generator, backend }),
    });
  }
}

/**
 * An RNN/LSTM/GRU over real-valued steps `[T, B, inputSize]` with a Linear head on the last
 * state (`seq-mnist`, `forecast`): the library's {@link LayersSequenceModel} built from the
 * task's configuration. Every parameter lives on `backend` (default: the CPU backend); give the
 * inputs the same backend (ops run on their first operand's).
 */
export class SequenceModel extends LayersSequenceModel {
  constructor(readonly config: { outputSize: number } & RecurrentConfig, generator: Generator, backend?: Backend) {
    const width = config.hiddenSize * (config.bidirectional ? 2 : 1);
    super({
      rnn: recurrentLayer(config, generator, backend),
      linear: new Linear({ inFeatures: width, outFeatures: config.outputSize, generator, backend }),
    });
  }
}
