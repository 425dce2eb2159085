import { type Tensor, fail, formatShape } from '@recurrent/tensor';
import { Module, type Variable, add, affine, mul, narrow, relu, reshape, sigmoid, softmax, squeeze, tanh, valueOf } from '@recurrent/autograd';
import { GRUCell } from '@recurrent/cells';
import { Bidirectional } from '../bidirectional.js';
import { Embedding } from '../embedding.js';
import { GRU } from '../gru.js';
import { Linear } from '../linear.js';
import { LSTM } from '../lstm.js';
import { Recurrent } from '../recurrent.js';
import { RNN } from '../rnn.js';
import { concatFeatures } from '../sequenceOps.js';

/** How Keras' `Bidirectional` merges its two directions (`merge_mode`). */
export type KerasMergeMode = 'concat' | 'sum' | 'mul' | 'ave';

/** A `Dense` layer's activation that the library applies after its `Linear`. */
export type KerasDenseActivation = 'linear' | 'softmax' | 'relu' | 'tanh' | 'sigmoid';

/** A TensorFlow.js GRU as the library runs it: reset-before cells (`reset_after = false`). */
export type KerasGRULayer = Recurrent | Bidirectional;

/** One layer of a {@link TfjsModel}, in Keras' terms, holding the library module that computes it. */
export type TfjsStage =
  | { kind: 'Embedding'; module: Embedding; name?: string }
  | { kind: 'LSTM'; module: LSTM; returnSequences: boolean; merge?: KerasMergeMode; name?: string }
  | { kind: 'SimpleRNN'; module: RNN; returnSequences: boolean; merge?: KerasMergeMode; name?: string }
  | { kind: 'GRU'; module: GRU | KerasGRULayer; returnSequences: boolean; merge?: KerasMergeMode; name?: string }
  | { kind: 'Dense'; module: Linear; activation: KerasDenseActivation; timeDistributed: boolean; name?: string };

const activations: Record<KerasDenseActivation, (x: Variable) => Variable> = {
  linear: (x) => x,
  softmax: (x) => softmax(x, -1),
  relu,
  tanh,
  sigmoid,
};

/** The reset-before GRU cell inside a {@link KerasGRULayer}, checked. */
export function gruCellOf(layer: KerasGRULayer, where: string): GRUCell {
  const inner = layer instanceof Bidirectional ? layer.forwardLayer : layer;
  const cell = inner instanceof Recurrent ? inner.cell : null;
  if (!(cell instanceof GRUCell) || cell.resetAfter !== false) {
    fail(where, 'a Recurrent (or Bidirectional of Recurrent) of GRUCell({ resetAfter: false }), the GRU TensorFlow.js has', layer.constructor.name);
  }
  return cell;
}

function merge(mode: KerasMergeMode, a: Variable, b: Variable): Variable {
  if (mode === 'concat') return concatFeatures(a, b);
  if (mode === 'sum') return add(a, b);
  if (mode === 'mul') return mul(a, b);
  return affine(add(a, b), 0.5);
}

/**
 * A TensorFlow.js / Keras `Sequential` model as the library's modules, batch-first as Keras is:
 * `Embedding` → {@link Embedding}; `LSTM` → {@link LSTM}; `SimpleRNN` → {@link RNN}; `GRU`
 * (TensorFlow.js' `reset_after = false`) → `GRU({ resetAfter: false })` (a {@link Recurrent} of
 * `GRUCell({ resetAfter: false })` is accepted too); the gates' `recurrent_activation`
 * `sigmoid` or `hard_sigmoid` (TensorFlow.js' default) → the layer's `recurrentActivation`;
 * `Bidirectional(…)` → the bidirectional layer, its two directions merged by `merge_mode`
 * (`concat`, `sum`, `mul`, `ave`); `Dense` and `TimeDistributed(Dense)` → {@link Linear} then the
 * activation. A recurrent layer without `return_sequences` gives its last step (for a
 * bidirectional one, the backward direction's last step is the first time step).
 *
 * Shapes: input `[batch, time]` int32 ids (Embedding first) or `[batch, time, features]`;
 * output as the last Keras layer's.
 *
 * @example
 * const model = await loadTfjsModel('model/model.json');
 * const y = model.forward(tensor([[1, 4, 2]], { dtype: 'int32' }));
 */
export class TfjsModel extends Module {
  readonly stages: readonly TfjsStage[];

  constructor(stages: readonly TfjsStage[]) {
    super();
    if (stages.length === 0) fail('TfjsModel', 'at least one layer', 'none');
    this.stages = stages.map((stage, k) => {
      checkStage(stage, k);
      const name = stage.name ?? `${stage.kind.toLowerCase()}_${k}`;
      this.registerModule(name, stage.module);
      return { ...stage, name };
    });
  }

  /** Runs every layer in order; see the class documentation for shapes. */
  forward(input: Tensor | Variable): Variable {
    let x: Tensor | Variable = input;
    for (const stage of this.stages) {
      if (stage.kind === 'Embedding') x = stage.module.forward(valueOf(x));
      else if (stage.kind === 'Dense') {
        const shape = valueOf(x).shape;
        if (!stage.timeDistributed && shape.length !== 2) fail(`TfjsModel ${stage.name}`, `Dense input [batch, ${stage.module.inFeatures}] (a sequence needs TimeDistributed)`, formatShape(shape));
        x = activations[stage.activation](stage.module.forward(x));
      } else x = runRecurrent(stage, x);
    }
    return x as Variable;
  }
}

function runRecurrent(stage: Extract<TfjsStage, { returnSequences: boolean }>, x: Tensor | Variable): Variable {
  const mode = stage.merge ?? 'concat';
  if (stage.kind === 'GRU' && !(stage.module instanceof GRU)) {
    const { output, state } = stage.module.forward(x);
    if (stage.module instanceof Bidirectional) {
      if (stage.returnSequences) return mode === 'concat' ? output : mergeHalves(mode, output);
      return merge(mode, state[0], state[1]);
    }
    return stage.returnSequences ? output : state[0];
  }
  const layer = stage.module as LSTM | GRU | RNN;
  const { output, h_n } = layer.forward(x);
  if (!layer.bidirectional) return stage.returnSequences ? output : squeeze(h_n, 0);
  if (stage.returnSequences) return mode === 'concat' ? output : mergeHalves(mode, output);
  const [B, H] = [h_n.shape[1], h_n.shape[2]];
  return merge(mode, reshape(narrow(h_n, 0, 0, 1), [B, H]), reshape(narrow(h_n, 0, 1, 1), [B, H]));
}

/** `[batch, time, 2H]` (forward, then backward) merged into `[batch, time, H]`. */
function mergeHalves(mode: KerasMergeMode, output: Variable): Variable {
  const width = output.shape[2] / 2;
  return merge(mode, narrow(output, 2, 0, width), narrow(output, 2, width, width));
}

/** The class name of whatever was given, for errors. */
const nameOf = (value: unknown): string => (value && typeof value === 'object' ? value.constructor.name : String(value));

function checkStage(stage: TfjsStage, k: number): void {
  const where = `TfjsModel layer ${k}`;
  if (stage.kind === 'Embedding') {
    if (!(stage.module instanceof Embedding)) fail(where, 'an Embedding module', nameOf(stage.module));
    if (k !== 0) fail(where, 'the Embedding first', `it at position ${k}`);
  } else if (stage.kind === 'Dense') {
    if (!(stage.module instanceof Linear)) fail(where, 'a Linear module for Dense', nameOf(stage.module));
    if (!(stage.activation in activations)) fail(where, `a Dense activation ${Object.keys(activations).join(', ')}`, `'${stage.activation}'`);
  } else if (stage.kind === 'GRU' && !(stage.module instanceof GRU)) {
    gruCellOf(stage.module, where);
    if (!stage.module.batchFirst) fail(where, 'a batch-first GRU layer (Keras is batch-first)', 'batchFirst false');
  } else if (stage.kind === 'LSTM' || stage.kind === 'SimpleRNN' || stage.kind === 'GRU') {
    const expected = stage.kind === 'LSTM' ? LSTM : stage.kind === 'GRU' ? GRU : RNN;
    if (stage.module instanceof GRU && stage.module.resetAfter) fail(where, 'a GRU with resetAfter: false (the only GRU TensorFlow.js has)', 'resetAfter true');
    if (!(stage.module instanceof expected)) fail(where, `a${stage.kind === 'LSTM' ? 'n LSTM' : stage.kind === 'GRU' ? ' GRU' : ' RNN'} module for ${stage.kind}`, nameOf(stage.module));
    if (!stage.module.batchFirst || stage.module.numLayers !== 1 || stage.module.projSize > 0) {
      fail(where, `a one-layer, batch-first ${stage.kind} without projection (one Keras layer)`, `numLayers ${stage.module.numLayers}, batchFirst ${stage.module.batchFirst}, projSize ${stage.module.projSize}`);
    }
  } else {
    fail(where, "a layer kind 'Embedding', 'LSTM', 'GRU', 'SimpleRNN' or 'Dense'", `'${(stage as { kind: string }).kind}'`);
  }
  if ('merge' in stage && stage.merge !== undefined && !['concat', 'sum', 'mul', 'ave'].includes(stage.merge)) {
    fail(where, "merge 'concat', 'sum', 'mul' or 'ave'", `'${stage.merge}'`);
  }
}
