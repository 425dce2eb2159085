// What the exporter needs of any recurrent stage: the fused layers (RNN, LSTM, GRU: any depth,
// both directions) and the reset-before GRU that TensorFlow.js has, a Recurrent (or a
// concatenating Bidirectional of Recurrents) of GRUCell({ resetAfter: false }).
import type { Tensor } from '@recurrent/tensor';
import { GRUCell } from '@recurrent/cells';
import { Bidirectional, GRU, LSTM, RNN, Recurrent } from '@recurrent/layers';

/** A cell-based GRU with the reset gate before the recurrent product (ONNX `linear_before_reset = 0`). */
export type ResetBeforeGRU = Recurrent | Bidirectional;

/** One layer and direction's PyTorch-named weights. */
export interface DirectionWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

/** A recurrent stage as ONNX sees it. */
export interface RecurrentView {
  kind: 'LSTM' | 'GRU' | 'RNN';
  directions: 1 | 2;
  hiddenSize: number;
  inputSize: number;
  numLayers: number;
  bias: boolean;
  /** GRU: 1 for PyTorch's form, 0 for the reset-before cell. */
  linearBeforeReset: 0 | 1;
  nonlinearity: 'tanh' | 'relu';
  /** LSTM / GRU gates: σ, or tf.keras's hard sigmoid (ONNX `HardSigmoid`, alpha 0.2, beta 0.5). */
  recurrentActivation: 'sigmoid' | 'hardSigmoid';
  batchFirst: boolean;
  weights(layer: number, direction: number): DirectionWeights;
}

function cellOf(layer: unknown): GRUCell | null {
  if (!(layer instanceof Recurrent)) return null;
  const inner = layer.cell;
  return inner instanceof GRUCell && inner.resetAfter === false ? inner : null;
}

/** The view of a stage, or null when it is not a recurrent stage the exporter writes. */
export function recurrentView(stage: unknown): RecurrentView | null {
  if (stage instanceof LSTM || stage instanceof GRU || stage instanceof RNN) {
    const dict = stage.stateDict();
    return {
      kind: stage instanceof LSTM ? 'LSTM' : stage instanceof GRU ? 'GRU' : 'RNN',
      directions: stage.bidirectional ? 2 : 1,
      hiddenSize: stage.hiddenSize,
      inputSize: stage.inputSize,
      numLayers: stage.numLayers,
      bias: stage.bias,
      // the fused GRU's resetAfter: false is ONNX's linear_before_reset = 0
      linearBeforeReset: stage instanceof GRU && stage.resetAfter === false ? 0 : 1,
      nonlinearity: stage instanceof RNN ? stage.nonlinearity : 'tanh',
      recurrentActivation: stage instanceof RNN ? 'sigmoid' : stage.recurrentActivation,
      batchFirst: stage.batchFirst,
      weights(layer, direction) {
        const s = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
        return { weightIh: dict[`weight_ih${s}`], weightHh: dict[`weight_hh${s}`], biasIh: dict[`bias_ih${s}`] ?? null, biasHh: dict[`bias_hh${s}`] ?? null };
      },
    };
  }
  const cells = stage instanceof Bidirectional ? [cellOf(stage.forwardLayer), cellOf(stage.reverseLayer)] : [cellOf(stage)];
  if (cells.some((c) => c === null)) return null;
  if (stage instanceof Bidirectional && stage.merge !== 'concat') return null;
  const [first] = cells as GRUCell[];
  return {
    kind: 'GRU',
    directions: cells.length as 1 | 2,
    hiddenSize: first.hiddenSize,
    inputSize: first.inputSize,
    numLayers: 1,
    bias: first.biasIh !== null,
    linearBeforeReset: 0,
    nonlinearity: 'tanh',
    recurrentActivation: 'sigmoid',
    batchFirst: (stage as ResetBeforeGRU).batchFirst,
    weights(_layer, direction) {
      const cell = cells[direction]!;
      return { weightIh: cell.weightIh.value, weightHh: cell.weightHh.value, biasIh: cell.biasIh?.value ?? null, biasHh: cell.biasHh?.value ?? null };
    },
  };
}
