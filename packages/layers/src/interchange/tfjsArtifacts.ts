import type { Tensor } from '@recurrent/tensor';
import { Bidirectional } from '../bidirectional.js';
import { Recurrent } from '../recurrent.js';
import { stateDictToKerasDense, stateDictToKerasGRU, stateDictToKerasLSTM, stateDictToKerasSimpleRNN } from './keras.js';
import type { TfjsArtifacts, TfjsWeightSpec } from './loadTfjsModel.js';
import { type TfjsModel, type TfjsStage, gruCellOf } from './tfjsModel.js';

// Written explicitly: TensorFlow.js 4.22 runs each layer's initializers while it loads a model,
// and its default recurrent initializer (orthogonal) crashes there.
const glorotUniform = { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } };
const zeros = { class_name: 'Zeros', config: {} };

/** Keras layer names: letters, digits and underscores, unique. */
function kerasNames(stages: readonly TfjsStage[]): string[] {
  const taken = new Set<string>();
  return stages.map((stage, k) => {
    let name = (stage.name ?? `${stage.kind.toLowerCase()}_${k}`).replace(/[^A-Za-z0-9_]/g, '_');
    while (taken.has(name)) name += '_';
    taken.add(name);
    return name;
  });
}

function recurrentConfig(stage: Extract<TfjsStage, { returnSequences: boolean }>, name: string, hiddenSize: number, useBias: boolean): Record<string, unknown> {
  const config: Record<string, unknown> = {
    name, trainable: true, units: hiddenSize, activation: stage.kind === 'SimpleRNN' && (stage.module as { nonlinearity?: string }).nonlinearity === 'relu' ? 'relu' : 'tanh',
    use_bias: useBias, kernel_initializer: glorotUniform, recurrent_initializer: glorotUniform, bias_initializer: zeros,
    dropout: 0, recurrent_dropout: 0, return_sequences: stage.returnSequences, return_state: false, go_backwards: false, stateful: false, unroll: false,
  };
  if (stage.kind !== 'SimpleRNN') {
    const gate = 'recurrentActivation' in stage.module ? stage.module.recurrentActivation : 'sigmoid';
    config.recurrent_activation = gate === 'hardSigmoid' ? 'hard_sigmoid' : 'sigmoid';
  }
  if (stage.kind === 'GRU') config.reset_after = false;
  return config;
}

/**
 * A {@link TfjsModel} as TensorFlow.js layers-model artefacts: a Keras `Sequential` topology (the
 * recurrent layers' `recurrent_activation` from their `recurrentActivation`, GRUs with
 * `reset_after: false`), the
 * weight specs under the names TensorFlow.js gives them, and the float32 bytes.
 * `tf.loadLayersModel(tf.io.fromMemory(artifacts))` reads them; {@link tfjsModelFiles} gives the
 * `model.json` + `weights.bin` pair instead.
 *
 * @example
 * const artifacts = tfjsArtifacts(model);
 * const tfModel = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
 */
export function tfjsArtifacts(model: TfjsModel): TfjsArtifacts {
  const names = kerasNames(model.stages);
  const layers: unknown[] = [];
  const specs: TfjsWeightSpec[] = [];
  const blobs: Float32Array[] = [];
  const push = (name: string, t: Tensor) => {
    specs.push({ name, shape: [...t.shape], dtype: 'float32' });
    blobs.push(Float32Array.from(t.data));
  };
  model.stages.forEach((stage, k) => {
    const name = names[k];
    const first = k === 0;
    if (stage.kind === 'Embedding') {
      layers.push({ class_name: 'Embedding', config: { name, trainable: true, input_dim: stage.module.numEmbeddings, output_dim: stage.module.embeddingDim, embeddings_initializer: glorotUniform, mask_zero: false, input_length: null, batch_input_shape: [null, null], dtype: 'float32' } });
      push(`${name}/embeddings`, stage.module.weight.value);
    } else if (stage.kind === 'Dense') {
      const linear = stage.module;
      const dense = { units: linear.outFeatures, activation: stage.activation, use_bias: linear.bias !== null, kernel_initializer: glorotUniform, bias_initializer: zeros };
      const shape = stage.timeDistributed ? [null, null, linear.inFeatures] : [null, linear.inFeatures];
      const inputShape = first ? { batch_input_shape: shape, dtype: 'float32' } : {};
      if (stage.timeDistributed) layers.push({ class_name: 'TimeDistributed', config: { name, trainable: true, layer: { class_name: 'Dense', config: { ...dense, name: `${name}_dense`, trainable: true } }, ...inputShape } });
      else layers.push({ class_name: 'Dense', config: { ...dense, name, trainable: true, ...inputShape } });
      const { kernel, bias } = stateDictToKerasDense(linear.stateDict());
      push(`${name}/kernel`, kernel);
      if (bias) push(`${name}/bias`, bias);
    } else {
      const inputShape = first ? { batch_input_shape: [null, null, inputSizeOf(stage)], dtype: 'float32' } : {};
      const bidirectional = stage.module instanceof Bidirectional ? true : stage.module instanceof Recurrent ? false : stage.module.bidirectional;
      const { hiddenSize, useBias, directions } = recurrentWeights(stage, bidirectional);
      const innerName = bidirectional ? `${name}_${stage.kind.toLowerCase()}` : name;
      const inner = { class_name: stage.kind, config: recurrentConfig(stage, innerName, hiddenSize, useBias) };
      if (bidirectional) layers.push({ class_name: 'Bidirectional', config: { name, trainable: true, merge_mode: stage.merge ?? 'concat', layer: inner, ...inputShape } });
      else layers.push({ ...inner, config: { ...inner.config, ...inputShape } });
      directions.forEach((w, d) => {
        const prefix = bidirectional ? `${name}/${d === 0 ? 'forward' : 'backward'}_${innerName}` : name;
        push(`${prefix}/kernel`, w.kernel);
        push(`${prefix}/recurrent_kernel`, w.recurrentKernel);
        if (w.bias) push(`${prefix}/bias`, w.bias);
      });
    }
  });
  const total = blobs.reduce((n, b) => n + b.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const b of blobs) {
    data.set(b, at);
    at += b.length;
  }
  // little-endian on every engine that runs this package; DataView keeps it explicit
  const bytes = new Uint8Array(4 * total);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return {
    modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightSpecs: specs,
    weightData: bytes.buffer,
    format: 'layers-model',
    generatedBy: '@recurrent/layers',
    convertedBy: null,
  };
}

/** A {@link TfjsModel} as the files `model.save('file://dir')` writes: `model.json` and one `weights.bin` shard. @example const { modelJson, weights } = tfjsModelFiles(model); */
export function tfjsModelFiles(model: TfjsModel): { modelJson: string; weights: Uint8Array } {
  const artifacts = tfjsArtifacts(model);
  const modelJson = {
    modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  return { modelJson: JSON.stringify(modelJson), weights: new Uint8Array(artifacts.weightData as ArrayBuffer) };
}

function inputSizeOf(stage: Extract<TfjsStage, { returnSequences: boolean }>): number {
  if (stage.module instanceof Recurrent || stage.module instanceof Bidirectional) return gruCellOf(stage.module, 'tfjsArtifacts').inputSize;
  return stage.module.inputSize;
}

function recurrentWeights(stage: Extract<TfjsStage, { returnSequences: boolean }>, bidirectional: boolean) {
  if (stage.module instanceof Recurrent || stage.module instanceof Bidirectional) {
    const layers = stage.module instanceof Bidirectional ? [stage.module.forwardLayer, stage.module.reverseLayer] : [stage.module];
    const cells = layers.map((l) => gruCellOf(l as Recurrent, 'tfjsArtifacts'));
    return { hiddenSize: cells[0].hiddenSize, useBias: cells[0].biasIh !== null, directions: cells.map((cell) => stateDictToKerasGRU(cell.stateDict(), { resetAfter: false })) };
  }
  const dict = stage.module.stateDict();
  const convert = stage.kind === 'LSTM' ? stateDictToKerasLSTM : stage.kind === 'GRU' ? (d: typeof dict, o: { suffix: string }) => stateDictToKerasGRU(d, { ...o, resetAfter: false }) : stateDictToKerasSimpleRNN;
  const directions = (bidirectional ? ['_l0', '_l0_reverse'] : ['_l0']).map((suffix) => convert(dict, { suffix }));
  return { hiddenSize: stage.module.hiddenSize, useBias: stage.module.bias, directions };
}
