import { type Variable, reshape } from '@recurrent/autograd';
import {
  type CarriedState as LayersCarriedState, Embedding, type FusedRecurrentLayer, GRU, LSTM, LayerNormLSTM, Linear, LockedDropout, MinGRU, MinLSTM, RNN,
  SequenceModel as LayersSequenceModel, TokenModel as LayersTokenModel, WeightDrop,
} from '@recurrent/layers';
import type { Backend, Generator, Tensor } from '@recurrent/tensor';
import { CliError } from '../cliError.js';

/** The cells `--cell` names: the fused layers, the layer-normalised LSTM and the min-RNNs. */
export type CellName = 'lstm' | 'gru' | 'rnn' | 'layernorm-lstm' | 'mingru' | 'minlstm';

/** The recurrent core of every task's model. */
export interface RecurrentConfig {
  cell: CellName;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  dropout: number;
}

/** The settings every task's model shares: the recurrent cell and its size, dropout between
 * layers, the batch, where it runs and the seed of its initialisation. */
export interface RecurrentModelSettings {
  cell: CellName;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  batch: number;
  /** Backend of the model's parameters and of the input tensors (default: the CPU backend). */
  backend?: Backend;
  seed: number;
  /** DropConnect on the recurrent weights and locked dropout (token models only; 0 or absent: none). */
  weightDrop?: number;
  lockedDropout?: number;
}

/** A recurrent state carried between calls: `h` (and `c` for an LSTM), `[layers·D, batch, H]`. */
export interface CarriedState {
  h: Tensor;
  c?: Tensor;
}

type RecurrentLayer = LSTM | GRU | RNN | LayerNormLSTM | MinGRU | MinLSTM | WeightDrop;

/**
 * `nn.LSTM` / `nn.GRU` / `nn.RNN` (or a layer-normalised LSTM, minGRU, minLSTM) from a
 * {@link RecurrentConfig}, time-major, its parameters on `backend`; with `weightDrop` > 0 the fused
 * layer is wrapped in {@link WeightDrop} (same parameter names).
 */
export function recurrentLayer(config: RecurrentConfig & { weightDrop?: number }, generator: Generator, backend?: Backend): RecurrentLayer {
  const base = { inputSize: config.inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers, generator, backend };
  const fused = config.cell === 'lstm' || config.cell === 'gru' || config.cell === 'rnn';
  if (!fused) {
    if (config.dropout > 0) throw new CliError(`recurrent train: --dropout works with --cell lstm, gru or rnn, got --cell ${config.cell} (use --locked-dropout)`, 2);
    if ((config.weightDrop ?? 0) > 0) throw new CliError(`recurrent train: --weight-drop works with --cell lstm, gru or rnn, got --cell ${config.cell}`, 2);
  }
  if (config.cell === 'layernorm-lstm') return new LayerNormLSTM({ ...base, bidirectional: config.bidirectional });
  if (config.cell === 'mingru' || config.cell === 'minlstm') {
    if (config.bidirectional) throw new CliError(`recurrent train: --cell ${config.cell} runs one direction, got --bidirectional`, 2);
    return config.cell === 'mingru' ? new MinGRU(base) : new MinLSTM(base);
  }
  const options = { ...base, bidirectional: config.bidirectional, dropout: config.dropout };
  const layer = config.cell === 'lstm' ? new LSTM(options) : config.cell === 'gru' ? new GRU(options) : new RNN(options);
  return (config.weightDrop ?? 0) > 0 ? new WeightDrop(layer, { p: config.weightDrop, generator }) : layer;
}

/** Runs a recurrent layer and returns its output and the final state as plain tensors. */
export function runRecurrent(layer: RecurrentLayer, x: Variable | Tensor, state: CarriedState | null, lengths?: readonly number[]): { output: Variable; state: CarriedState; h_n: Variable } {
  const given: Record<string, unknown> = { h0: state?.h ?? null, lengths: lengths ?? null };
  if (state?.c) given.c0 = state.c;
  const result = (layer.forward as (x: Variable | Tensor, state: object) => { output: Variable; h_n: Variable; c_n?: Variable }).call(layer, x, given);
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
  /** Locked dropout on the embeddings and on the recurrent outputs (AWD-LSTM's; training only, so not in the model file), or null. */
  readonly lockedDropout: LockedDropout | null;

  constructor(
    readonly config: { vocabularySize: number; embeddingSize: number; outputSize: number; weightDrop?: number; lockedDropout?: number } & Omit<RecurrentConfig, 'inputSize'>,
    generator: Generator, backend?: Backend,
  ) {
    const width = config.hiddenSize * (config.bidirectional ? 2 : 1);
    super({
      embedding: new Embedding({ numEmbeddings: config.vocabularySize, embeddingDim: config.embeddingSize, generator, backend }),
      // the library's TokenModel types its layer as fused; the others run through the same forward
      rnn: recurrentLayer({ ...config, inputSize: config.embeddingSize }, generator, backend) as FusedRecurrentLayer,
      linear: new Linear({ inFeatures: width, outFeatures: config.outputSize, generator, backend }),
    });
    // the model's own generator, so its masks resume with the checkpoint's generator state
    this.lockedDropout = (config.lockedDropout ?? 0) > 0 ? this.registerModule('locked_dropout', new LockedDropout({ p: config.lockedDropout, generator })) : null;
  }

  override forward(ids: Tensor, state: LayersCarriedState | null, lengths?: readonly number[]): { logits: Variable; state: LayersCarriedState } {
    if (!this.lockedDropout && this.rnn instanceof LSTM) return super.forward(ids, state, lengths);
    const [steps, batch] = ids.shape;
    let embedded: Variable = this.embedding.forward(ids);
    if (this.lockedDropout) embedded = this.lockedDropout.forward(embedded);
    const run = runRecurrent(this.rnn as RecurrentLayer, embedded, state, lengths);
    const output = this.lockedDropout ? this.lockedDropout.forward(run.output) : run.output;
    return { logits: this.linear.forward(reshape(output, [steps * batch, output.shape[2]])), state: run.state };
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
      rnn: recurrentLayer(config, generator, backend) as FusedRecurrentLayer,
      linear: new Linear({ inFeatures: width, outFeatures: config.outputSize, generator, backend }),
    });
  }
}
