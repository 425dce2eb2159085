import { type Tensor, fail, fromData } from '@recurrent/tensor';
import { Embedding } from '../embedding.js';
import { GRU } from '../gru.js';
import { Linear } from '../linear.js';
import { LSTM } from '../lstm.js';
import { RNN } from '../rnn.js';
import { kerasDenseToStateDict, kerasGRUToStateDict, kerasLSTMToStateDict, kerasSimpleRNNToStateDict } from './keras.js';
import { type KerasDenseActivation, type KerasMergeMode, TfjsModel, type TfjsStage } from './tfjsModel.js';

/** One weight's entry in a TensorFlow.js weights manifest. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

/**
 * What TensorFlow.js' `model.save()` hands a save handler (`tf.io.withSaveHandler`):
 * the Keras topology, the weights' specs and their bytes (little-endian float32, in spec order).
 */
export interface TfjsArtifacts {
  modelTopology: { class_name: string; config: unknown; keras_version?: string; backend?: string } | Record<string, unknown>;
  weightSpecs: TfjsWeightSpec[];
  weightData: ArrayBuffer | ArrayBuffer[] | Uint8Array;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

interface KerasLayer {
  class_name: string;
  config: Record<string, any>;
}

/** Reads weights in spec order. */
class WeightReader {
  private index = 0;
  private readonly view: DataView;
  private offset = 0;

  constructor(private readonly specs: TfjsWeightSpec[], data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  next(layer: string, what: string): Tensor {
    const spec = this.specs[this.index++];
    if (!spec) fail('loadTfjsModel', `a weight '${what}' for layer '${layer}'`, 'the end of the weights manifest');
    if (spec.dtype !== 'float32' || spec.quantization) fail('loadTfjsModel', `float32 weights (not quantized) for '${spec.name}'`, spec.quantization ? 'quantized weights' : spec.dtype);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (this.offset + 4 * size > this.view.byteLength) fail('loadTfjsModel', `${4 * size} bytes for '${spec.name}'`, `${this.view.byteLength - this.offset} left in the weight data`);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = this.view.getFloat32(this.offset + 4 * i, true);
    this.offset += 4 * size;
    return fromData(data, spec.shape);
  }

  finish(): void {
    if (this.index !== this.specs.length) fail('loadTfjsModel', `${this.index} weights for the layers read`, `${this.specs.length} in the manifest`);
  }
}

const normal = (name: unknown) => String(name ?? '').replace(/_/g, '').toLowerCase();

/** Refuses Keras options that change what a layer computes and that the library does not have. */
function checkRecurrentConfig(layer: KerasLayer, where: string): void {
  const c = layer.config;
  if (c.go_backwards) fail(where, 'go_backwards false', 'true');
  if (c.stateful) fail(where, 'stateful false', 'true');
  if (c.return_state) fail(where, 'return_state false (a Sequential passes one output on)', 'true');
}

function denseActivation(value: unknown, where: string): KerasDenseActivation {
  const name = normal(value ?? 'linear');
  const known: Record<string, KerasDenseActivation> = { linear: 'linear', softmax: 'softmax', relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid' };
  if (!known[name]) fail(where, 'a Dense activation linear, softmax, relu, tanh or sigmoid', `'${value}'`);
  return known[name];
}

/** Builds the stages of a Keras `Sequential` topology, reading the weights in manifest order. */
function stagesOf(topology: TfjsArtifacts['modelTopology'], weights: WeightReader): TfjsStage[] {
  const top = topology as { class_name?: string; config?: unknown; model_config?: KerasLayer };
  const model = top.class_name ? (top as KerasLayer) : top.model_config;
  if (!model || model.class_name !== 'Sequential') fail('loadTfjsModel', 'a Sequential model', model ? `'${model.class_name}'` : 'no model topology');
  const layers: KerasLayer[] = Array.isArray(model.config) ? model.config : model.config.layers;
  const stages: TfjsStage[] = [];
  for (const layer of layers) {
    const c = layer.config;
    const where = `loadTfjsModel: ${layer.class_name} '${c.name}'`;
    if (layer.class_name === 'InputLayer') continue;
    if (layer.class_name === 'Embedding') {
      if (c.mask_zero) fail(where, 'mask_zero false (the library has no masks)', 'true');
      const module = new Embedding({ numEmbeddings: c.input_dim, embeddingDim: c.output_dim });
      module.loadStateDict({ weight: weights.next(c.name, 'embeddings') });
      stages.push({ kind: 'Embedding', module, name: c.name });
    } else if (layer.class_name === 'Dense' || layer.class_name === 'TimeDistributed') {
      const timeDistributed = layer.class_name === 'TimeDistributed';
      const dense: KerasLayer = timeDistributed ? c.layer : layer;
      if (dense.class_name !== 'Dense') fail(where, 'TimeDistributed(Dense)', `TimeDistributed(${dense.class_name})`);
      const useBias = dense.config.use_bias ?? true;
      const kernel = weights.next(c.name, 'kernel');
      const bias = useBias ? weights.next(c.name, 'bias') : undefined;
      const module = new Linear({ inFeatures: kernel.shape[0], outFeatures: kernel.shape[1], bias: useBias });
      module.loadStateDict(kerasDenseToStateDict({ kernel, bias }));
      stages.push({ kind: 'Dense', module, activation: denseActivation(dense.config.activation, where), timeDistributed, name: c.name });
    } else if (['LSTM', 'GRU', 'SimpleRNN', 'Bidirectional'].includes(layer.class_name)) {
      const bidirectional = layer.class_name === 'Bidirectional';
      const inner: KerasLayer = bidirectional ? c.layer : layer;
      if (!['LSTM', 'GRU', 'SimpleRNN'].includes(inner.class_name)) fail(where, 'Bidirectional(LSTM | GRU | SimpleRNN)', `Bidirectional(${inner.class_name})`);
      checkRecurrentConfig(inner, where);
      const mergeMode = bidirectional ? (c.merge_mode === undefined ? 'concat' : c.merge_mode) : null;
      if (bidirectional && !['concat', 'sum', 'mul', 'ave'].includes(mergeMode)) fail(where, "merge_mode 'concat', 'sum', 'mul' or 'ave' (one output)", `${JSON.stringify(mergeMode)}`);
      const stage = recurrentStage(inner, bidirectional, where, weights, c.name);
      if (bidirectional) (stage as { merge?: KerasMergeMode }).merge = mergeMode as KerasMergeMode;
      stages.push(stage);
    } else {
      fail('loadTfjsModel', 'layers Embedding, LSTM, GRU, SimpleRNN, Bidirectional, Dense or TimeDistributed(Dense)', `${layer.class_name} '${c.name}'`);
    }
  }
  return stages;
}

function recurrentStage(inner: KerasLayer, bidirectional: boolean, where: string, weights: WeightReader, name: string): TfjsStage {
  const c = inner.config;
  const kind = inner.class_name as 'LSTM' | 'GRU' | 'SimpleRNN';
  const useBias = c.use_bias ?? true;
  const read = () => {
    const kernel = weights.next(name, 'kernel');
    const recurrentKernel = weights.next(name, 'recurrent_kernel');
    const bias = useBias ? weights.next(name, 'bias') : undefined;
    return { kernel, recurrentKernel, bias };
  };
  const directions = bidirectional ? [read(), read()] : [read()];
  const inputSize = directions[0].kernel.shape[0];
  const hiddenSize = c.units as number;
  const activation = c.activation ?? 'tanh';
  // The gate function is the layer's option, not a weight: the weights convert as for sigmoid.
  const gate = normal(c.recurrent_activation ?? 'hard_sigmoid');
  if (kind !== 'SimpleRNN' && gate !== 'sigmoid' && gate !== 'hardsigmoid') {
    fail(where, "recurrent_activation 'sigmoid' or 'hard_sigmoid' (the gates the library's layers compute)", `'${c.recurrent_activation}'`);
  }
  const recurrentActivation = gate === 'hardsigmoid' ? 'hardSigmoid' : 'sigmoid';
  const returnSequences = Boolean(c.return_sequences);
  if (kind === 'GRU' && c.reset_after) fail(where, 'reset_after false (TensorFlow.js 4.22 has no other GRU)', 'true');
  const options = { inputSize, hiddenSize, bias: useBias, bidirectional, batchFirst: true };
  const dict: Record<string, Tensor> = {};
  directions.forEach((w, d) => {
    const suffix = `_l0${d === 1 ? '_reverse' : ''}`;
    const gates = { activation, recurrentActivation: c.recurrent_activation ?? 'hard_sigmoid', layerRecurrentActivation: recurrentActivation } as const;
    const converted = kind === 'LSTM' ? kerasLSTMToStateDict(w, { ...gates, suffix })
      : kind === 'GRU' ? kerasGRUToStateDict(w, { ...gates, suffix, resetAfter: false })
      : kerasSimpleRNNToStateDict(w, { activation, suffix });
    Object.assign(dict, converted);
  });
  if (kind === 'LSTM') {
    const module = new LSTM({ ...options, recurrentActivation });
    module.loadStateDict(dict);
    return { kind, module, returnSequences, name };
  }
  if (kind === 'GRU') {
    const module = new GRU({ ...options, resetAfter: false, recurrentActivation });
    module.loadStateDict(dict);
    return { kind, module, returnSequences, name };
  }
  const module = new RNN({ ...options, nonlinearity: normal(activation) === 'relu' ? 'relu' : 'tanh' });
  module.loadStateDict(dict);
  return { kind, module, returnSequences, name };
}

/** The weight bytes of artefacts as one Uint8Array (TensorFlow.js may hand several buffers). */
function weightBytes(data: TfjsArtifacts['weightData']): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (Array.isArray(data)) {
    const total = data.reduce((n, b) => n + b.byteLength, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const b of data) {
      out.set(new Uint8Array(b), at);
      at += b.byteLength;
    }
    return out;
  }
  return new Uint8Array(data);
}

/**
 * A {@link TfjsModel} from TensorFlow.js artefacts held in memory: what `tf.io.withSaveHandler`
 * captures from `model.save()`. The gates' `recurrent_activation` (`hard_sigmoid`, TensorFlow.js
 * 4.22's default, or `sigmoid`) becomes the layer's `recurrentActivation`; any other is refused
 * with an error naming it.
 *
 * @example
 * let artifacts; await tfModel.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: {} }; }));
 * const model = tfjsModelFromArtifacts(artifacts);
 */
export function tfjsModelFromArtifacts(artifacts: TfjsArtifacts): TfjsModel {
  if (!artifacts || !artifacts.modelTopology || !Array.isArray(artifacts.weightSpecs)) {
    fail('loadTfjsModel', 'artefacts with modelTopology, weightSpecs and weightData', artifacts ? Object.keys(artifacts).join(', ') || 'an empty object' : String(artifacts));
  }
  const reader = new WeightReader(artifacts.weightSpecs, weightBytes(artifacts.weightData ?? new Uint8Array()));
  const stages = stagesOf(artifacts.modelTopology, reader);
  reader.finish();
  return new TfjsModel(stages);
}

/** A `model.json` (TensorFlow.js' layers-model format) with its weight shards' bytes by path. */
export async function tfjsModelFromFiles(modelJson: { modelTopology: TfjsArtifacts['modelTopology']; weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[] }, readShard: (path: string) => Promise<Uint8Array>): Promise<TfjsModel> {
  if (!modelJson?.modelTopology || !Array.isArray(modelJson.weightsManifest)) fail('loadTfjsModel', 'a model.json with modelTopology and weightsManifest', modelJson ? Object.keys(modelJson).join(', ') : String(modelJson));
  const specs: TfjsWeightSpec[] = [];
  const shards: ArrayBuffer[] = [];
  for (const group of modelJson.weightsManifest) {
    specs.push(...group.weights);
    for (const path of group.paths) {
      const bytes = await readShard(path);
      shards.push(bytes.slice().buffer);
    }
  }
  return tfjsModelFromArtifacts({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData: shards });
}

/**
 * Loads a TensorFlow.js layers model: a `model.json` path (Node), an `http(s):` URL (fetched, its
 * shards beside it), or artefacts captured with `tf.io.withSaveHandler`.
 *
 * @example
 * const model = await loadTfjsModel('exported/model.json');
 * const fromWeb = await loadTfjsModel(new URL('https://example.com/model/model.json'));
 */
export async function loadTfjsModel(source: string | URL | TfjsArtifacts): Promise<TfjsModel> {
  if (typeof source === 'object' && !(source instanceof URL)) return tfjsModelFromArtifacts(source);
  const text = String(source);
  if (/^https?:\/\//.test(text)) {
    const base = new URL(text);
    const get = async (url: URL) => {
      const response = await fetch(url);
      if (!response.ok) fail('loadTfjsModel', `HTTP 200 for ${url.href}`, `${response.status} ${response.statusText}`);
      return new Uint8Array(await response.arrayBuffer());
    };
    const modelJson = JSON.parse(new TextDecoder().decode(await get(base)));
    return tfjsModelFromFiles(modelJson, (path) => get(new URL(path, base)));
  }
  // Node's modules by a computed name: bundlers for the browser then leave them out (a browser
  // passes a URL or artefacts, never a path).
  const node = (name: string) => import(/* @vite-ignore */ `node:${name}`);
  const { readFile } = (await node('fs/promises')) as typeof import('node:fs/promises');
  const { dirname, join } = (await node('path')) as typeof import('node:path');
  const { fileURLToPath } = (await node('url')) as typeof import('node:url');
  const file = text.startsWith('file:') ? fileURLToPath(text) : text;
  const modelJson = JSON.parse(await readFile(file, 'utf8'));
  return tfjsModelFromFiles(modelJson, async (path) => new Uint8Array(await readFile(join(dirname(file), path))));
}

