// The model kinds every export test runs: each a list of stages and an input maker.
import { Generator, type Tensor, fromData, randn } from '@recurrent/tensor';
import { GRUCell } from '@recurrent/cells';
import { Bidirectional, Dropout, Embedding, GRU, LSTM, LayerNorm, Linear, RNN, Recurrent } from '@recurrent/layers';
import type { OnnxExportOptions, OnnxStage } from '../src/index.js';

export interface ExportCase {
  name: string;
  stages: OnnxStage[];
  options: OnnxExportOptions;
  /** Inputs for a batch and a length. */
  inputs(batch: number, time: number, seed: number): Record<string, Tensor>;
}

const ids = (batch: number, time: number, vocabulary: number, seed: number) => {
  const g = new Generator(seed);
  return fromData(Int32Array.from({ length: batch * time }, () => g.integer(vocabulary)), [batch, time]);
};
const floats = (shape: number[], seed: number) => randn(shape, new Generator(seed));
/** Wide inputs, so hard-sigmoid gates reach their clipped ends (0 and 1) as well as the slope. */
const wide = (shape: number[], seed: number) => fromData(Float32Array.from(randn(shape, new Generator(seed)).data, (v) => 4 * v), shape);
/** Lengths in [1, time], unsorted, the first one full. */
const lengthsFor = (batch: number, time: number, seed: number) => {
  const g = new Generator(seed + 7);
  return fromData(Int32Array.from({ length: batch }, (_, b) => (b === 0 ? time : 1 + g.integer(time))), [batch]);
};

export function exportCases(): ExportCase[] {
  const g = (seed: number) => new Generator(seed);
  return [
    {
      name: 'lstm_2layer_embedding_logsoftmax',
      stages: [new Embedding({ numEmbeddings: 11, embeddingDim: 5, seed: 1 }), new LSTM({ inputSize: 5, hiddenSize: 6, numLayers: 2, generator: g(2) }), new Linear({ inFeatures: 6, outFeatures: 11, seed: 3 }), 'logSoftmax'],
      options: {},
      inputs: (b, t, s) => ({ x: ids(b, t, 11, s) }),
    },
    {
      name: 'lstm_bidirectional_states',
      stages: [new LSTM({ inputSize: 4, hiddenSize: 5, bidirectional: true, batchFirst: true, generator: g(4) })],
      options: { initialStates: true },
      inputs: (b, t, s) => ({ x: floats([b, t, 4], s), h0: floats([b, 2, 5], s + 1), c0: floats([b, 2, 5], s + 2) }),
    },
    {
      name: 'gru_2layer_bidirectional_layernorm_softmax',
      stages: [new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, generator: g(5) }), new LayerNorm({ normalizedShape: 8 }), new Dropout({ p: 0.3 }), new Linear({ inFeatures: 8, outFeatures: 3, seed: 6 }), 'softmax'],
      options: {},
      inputs: (b, t, s) => ({ x: floats([b, t, 3], s) }),
    },
    {
      name: 'gru_states_no_bias',
      stages: [new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, bias: false, generator: g(7) })],
      options: { initialStates: true },
      inputs: (b, t, s) => ({ x: floats([b, t, 3], s), h0: floats([b, 2, 4], s + 1) }),
    },
    {
      name: 'rnn_tanh_last_step_classifier',
      stages: [new RNN({ inputSize: 4, hiddenSize: 6, numLayers: 2, generator: g(8) }), 'lastStep', new Linear({ inFeatures: 6, outFeatures: 2, seed: 9 })],
      options: {},
      inputs: (b, t, s) => ({ x: floats([b, t, 4], s) }),
    },
    {
      name: 'gru_bidirectional_embedding_packed_lengths',
      stages: [new Embedding({ numEmbeddings: 9, embeddingDim: 4, seed: 13 }), new GRU({ inputSize: 4, hiddenSize: 5, bidirectional: true, generator: g(14) }), new Linear({ inFeatures: 10, outFeatures: 9, seed: 15 }), 'logSoftmax'],
      options: { lengths: true },
      inputs: (b, t, s) => ({ x: ids(b, t, 9, s), lengths: lengthsFor(b, t, s) }),
    },
    {
      name: 'lstm_2layer_bidirectional_packed_lengths_states',
      stages: [new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true, generator: g(16) })],
      options: { lengths: true, initialStates: true },
      inputs: (b, t, s) => ({ x: floats([b, t, 3], s), h0: floats([b, 4, 4], s + 1), c0: floats([b, 4, 4], s + 2), lengths: lengthsFor(b, t, s) }),
    },
    {
      name: 'gru_reset_before_cells_bidirectional_packed_states',
      stages: [new Bidirectional(new GRUCell({ inputSize: 3, hiddenSize: 4, resetAfter: false, generator: g(17) }), new GRUCell({ inputSize: 3, hiddenSize: 4, resetAfter: false, generator: g(18) }), { batchFirst: true }), new Linear({ inFeatures: 8, outFeatures: 2, seed: 19 })],
      options: { lengths: true, initialStates: true },
      inputs: (b, t, s) => ({ x: floats([b, t, 3], s), h0: floats([b, 2, 4], s + 1), lengths: lengthsFor(b, t, s) }),
    },
    {
      name: 'gru_reset_before_cell_embedding',
      stages: [new Embedding({ numEmbeddings: 6, embeddingDim: 3, seed: 20 }), new Recurrent(new GRUCell({ inputSize: 3, hiddenSize: 5, resetAfter: false, bias: false, generator: g(21) })), 'lastStep'],
      options: {},
      inputs: (b, t, s) => ({ x: ids(b, t, 6, s) }),
    },
    {
      name: 'gru_fused_reset_before_bidirectional',
      stages: [new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true, resetAfter: false, batchFirst: true, generator: g(22) })],
      options: { lengths: true },
      inputs: (b, t, s) => ({ x: floats([b, t, 3], s), lengths: lengthsFor(b, t, s) }),
    },
    {
      name: 'rnn_relu_bidirectional_embedding',
      stages: [new Embedding({ numEmbeddings: 7, embeddingDim: 3, seed: 10 }), new RNN({ inputSize: 3, hiddenSize: 4, bidirectional: true, nonlinearity: 'relu', generator: g(11) }), new Linear({ inFeatures: 8, outFeatures: 7, seed: 12 })],
      options: {},
      inputs: (b, t, s) => ({ x: ids(b, t, 7, s) }),
    },
    {
      name: 'lstm_hard_sigmoid_2layer_bidirectional_states',
      stages: [new LSTM({ inputSize: 4, hiddenSize: 5, numLayers: 2, bidirectional: true, batchFirst: true, recurrentActivation: 'hardSigmoid', generator: g(23) })],
      options: { initialStates: true },
      inputs: (b, t, s) => ({ x: wide([b, t, 4], s), h0: floats([b, 4, 5], s + 1), c0: floats([b, 4, 5], s + 2) }),
    },
    {
      name: 'gru_hard_sigmoid_embedding_logsoftmax',
      stages: [new Embedding({ numEmbeddings: 9, embeddingDim: 4, seed: 24 }), new GRU({ inputSize: 4, hiddenSize: 6, recurrentActivation: 'hardSigmoid', generator: g(25) }), new Linear({ inFeatures: 6, outFeatures: 9, seed: 26 }), 'logSoftmax'],
      options: {},
      inputs: (b, t, s) => ({ x: ids(b, t, 9, s) }),
    },
    {
      name: 'gru_hard_sigmoid_reset_before_bidirectional_packed_lengths',
      stages: [new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true, resetAfter: false, recurrentActivation: 'hardSigmoid', generator: g(27) })],
      options: { lengths: true, initialStates: true },
      inputs: (b, t, s) => ({ x: wide([b, t, 3], s), lengths: lengthsFor(b, t, s), h0: floats([b, 2, 4], s + 1) }),
    },
  ];
}
