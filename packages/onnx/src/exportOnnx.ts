import type { Tensor } from '@recurrent/tensor';
import { Dropout, Embedding, GRU, LSTM, LayerNorm, Linear, RNN } from '@recurrent/layers';
import { type ResetBeforeGRU, recurrentView } from './recurrentView.js';
import { type AttributeValue, GraphBuilder } from './graphBuilder.js';
import { hardSigmoidAlpha, hardSigmoidBeta } from './recurrentNode.js';
import { DataType, encodeModel } from './proto.js';

/**
 * One stage of a model to export, applied in order: a module of the library, or a function
 * name. `'lastStep'` keeps only the last time step (`[batch, time, F]` → `[batch, F]`), as a
 * classifier on a recurrent layer's final output does.
 */
export type OnnxStage = Embedding | RNN | LSTM | GRU | ResetBeforeGRU | Linear | LayerNorm | Dropout | 'softmax' | 'logSoftmax' | 'lastStep';

/** Options of {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** Features of each input step when the first stage is a recurrent layer (default: its `inputSize`). */
  inputSize?: number;
  /** Give the graph `h0` (and `c0`) inputs for the recurrent layers' initial states (default
   * false: zeros, as the library's default). */
  initialStates?: boolean;
  /** Give the graph a `lengths` input (`[batch]` int32, each sequence's length, `1 ≤ length ≤
   * time`): a padded batch then runs as PyTorch's packed sequences (the recurrent nodes'
   * `sequence_lens`: outputs past a length are 0, states are each sequence's last, the reverse
   * direction starts at each sequence's end). Default false. */
  lengths?: boolean;
  /** Default-domain opset (default 17, the first with `LayerNormalization`; at least 14). */
  opset?: number;
  /** `producer_name` written into the file (default `'@recurrent/onnx'`). */
  producerName?: string;
  /** Key-value pairs written as the model's `metadata_props` (what a deployment needs beside the
   * graph, e.g. a vocabulary or a standardisation). */
  metadata?: Record<string, string>;
}

type Recurrent = RNN | LSTM | GRU | ResetBeforeGRU;
const isRecurrent = (stage: OnnxStage): stage is Recurrent => recurrentView(stage) !== null;

/** ONNX gate block k is PyTorch's block order[k] (LSTM i, o, f, c from i, f, g, o; GRU z, r, h from r, z, n). */
const onnxGateOrder = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN: [0] } as const;

/** The names of the graph inputs and outputs an export has, with their batch-first shapes. */
export interface OnnxSignature {
  inputs: { name: string; dtype: 'float32' | 'int64' | 'int32'; shape: (number | string)[] }[];
  outputs: { name: string; shape: (number | string)[] }[];
}

function checkStages(stages: readonly OnnxStage[]): void {
  if (stages.length === 0) throw new Error('exportOnnx: expected at least one stage, got none');
  stages.forEach((stage, k) => {
    const known = isRecurrent(stage) || stage instanceof Embedding || stage instanceof Linear || stage instanceof LayerNorm || stage instanceof Dropout || stage === 'softmax' || stage === 'logSoftmax' || stage === 'lastStep';
    if (!known) {
      const got = typeof stage === 'object' && stage ? (stage as object).constructor.name : JSON.stringify(stage);
      throw new Error(`exportOnnx: expected stage ${k} to be an Embedding, RNN, LSTM, GRU (or a Recurrent / concatenating Bidirectional of GRUCell({ resetAfter: false })), Linear, LayerNorm, Dropout, 'softmax', 'logSoftmax' or 'lastStep', got ${got}`);
    }
    if (stage instanceof Embedding && k !== 0) throw new Error(`exportOnnx: expected the Embedding as the first stage, got it at stage ${k}`);
    if (stage instanceof LSTM && stage.peephole) throw new Error(`exportOnnx: expected an LSTM without peepholes (this exporter does not write ONNX's P input), got peephole: true at stage ${k}`);
    if ((stage instanceof LSTM) && stage.projSize > 0) throw new Error(`exportOnnx: expected an LSTM without projSize (ONNX's LSTM has no projection), got projSize ${stage.projSize} at stage ${k}`);
  });
}

/** Throws on an option name {@link exportOnnx} does not know. */
export function checkExportOptions(op: string, options: object): void {
  const known = ['inputSize', 'initialStates', 'lengths', 'opset', 'producerName', 'metadata'];
  for (const key of Object.keys(options)) if (!known.includes(key)) throw new Error(`${op}: expected options ${known.join(', ')}, got '${key}'`);
}

/** State input / output names of the recurrent stages: `h0`, `c0`, `h_n`, `c_n`, numbered when several. */
function stateNames(stages: readonly OnnxStage[]): Map<Recurrent, { h0: string; c0: string; hN: string; cN: string }> {
  const recurrent = stages.filter(isRecurrent);
  return new Map(recurrent.map((layer, k) => {
    const s = recurrent.length > 1 ? `_${k}` : '';
    return [layer, { h0: `h0${s}`, c0: `c0${s}`, hN: `h_n${s}`, cN: `c_n${s}` }];
  }));
}

/**
 * Writes a model of the library as an ONNX file (default opset 17): `Embedding` → `Gather`,
 * `RNN` / `LSTM` / `GRU` → one ONNX `RNN` / `LSTM` / `GRU` node per layer (both directions in
 * one node, gate blocks reordered to ONNX's `i, o, f, c` / `z, r, h`, GRU with
 * `linear_before_reset = 1` as PyTorch's; a `Recurrent` or concatenating `Bidirectional` of
 * `GRUCell({ resetAfter: false })`, TensorFlow.js' GRU, with `linear_before_reset = 0`),
 * `Linear` → `MatMul` + `Add`, `LayerNorm` →
 * `LayerNormalization`, `Dropout` → nothing (inference), `softmax` / `logSoftmax` over the last
 * axis, `lastStep` → `Gather` of the last time step.
 *
 * The graph is batch-first whatever the layers' `batchFirst`: input `x` is `[batch, time,
 * features]` float32, or `[batch, time]` int64 token ids with an Embedding first; the main output
 * `y` is `[batch, time, F]` (`[batch, F]` after `lastStep`); each recurrent stage adds outputs
 * `h_n` (and `c_n`) `[batch, layers·directions, hidden]` (PyTorch's `h_n` with the first two
 * axes swapped, so that it feeds `h0` directly) and, with `initialStates`, inputs `h0` (`c0`) of
 * that shape; with `lengths`, an int32 input `lengths [batch]` runs padded batches packed. `batch`
 * and `time` are dynamic axes.
 *
 * @example
 * const bytes = exportOnnx([embedding, lstm, head, 'logSoftmax']);
 * writeFileSync('model.onnx', bytes);
 */
export function exportOnnx(stages: readonly OnnxStage[], options: OnnxExportOptions = {}): Uint8Array {
  checkExportOptions('exportOnnx', options);
  checkStages(stages);
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < 14) throw new Error(`exportOnnx: expected opset an integer ≥ 14, got ${opset}`);
  if (opset < 17 && stages.some((s) => s instanceof LayerNorm)) throw new Error(`exportOnnx: expected opset ≥ 17 for a LayerNorm (LayerNormalization), got ${opset}`);
  const g = new GraphBuilder();
  const signature = onnxSignature(stages, options);
  const names = stateNames(stages);
  for (const input of signature.inputs) g.input(input.name, input.dtype === 'int64' ? DataType.INT64 : input.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT, input.shape);
  for (const output of signature.outputs) g.reserve(output.name);
  let current = 'x';
  const last = stages.length - 1;
  // The stage whose result is `y` writes straight into that name.
  const outName = (k: number, fallback: string) => (k === last ? 'y' : g.fresh(fallback));
  stages.forEach((stage, k) => {
    if (stage instanceof Embedding) {
      const weight = g.floats('embedding.weight', stage.weight.value.data, [stage.numEmbeddings, stage.embeddingDim]);
      current = g.node('Gather', [weight, current], { name: '/embedding/Gather', outputs: [outName(k, '/embedding/Gather_output_0')] })[0];
    } else if (isRecurrent(stage)) {
      current = recurrentNodes(g, stage, current, names.get(stage)!, options.initialStates ?? false, options.lengths ? 'lengths' : '', k === last);
    } else if (stage instanceof Linear) {
      const weight = g.floats(`linear${k}.weight.T`, transpose(stage.weight.value), [stage.inFeatures, stage.outFeatures]);
      let y = g.node('MatMul', [current, weight], { name: `/linear${k}/MatMul`, outputs: [stage.bias ? g.fresh(`/linear${k}/MatMul_output_0`) : outName(k, `/linear${k}/MatMul_output_0`)] })[0];
      if (stage.bias) y = g.node('Add', [y, g.floats(`linear${k}.bias`, stage.bias.value.data, [stage.outFeatures])], { name: `/linear${k}/Add`, outputs: [outName(k, `/linear${k}/Add_output_0`)] })[0];
      current = y;
    } else if (stage instanceof LayerNorm) {
      const size = stage.normalizedShape.reduce((a, b) => a * b, 1);
      const scale = g.floats(`norm${k}.weight`, stage.weight ? stage.weight.value.data : new Float32Array(size).fill(1), [...stage.normalizedShape]);
      const inputs = [current, scale, ...(stage.bias ? [g.floats(`norm${k}.bias`, stage.bias.value.data, [...stage.normalizedShape])] : [])];
      current = g.node('LayerNormalization', inputs, { name: `/norm${k}/LayerNormalization`, outputs: [outName(k, `/norm${k}/LayerNormalization_output_0`)], attributes: { axis: -stage.normalizedShape.length, epsilon: { float: stage.eps } } })[0];
    } else if (stage instanceof Dropout) {
      // Inference: the identity, written as one so that a Dropout at the end still names `y`.
      if (k === last) current = g.node('Identity', [current], { name: `/dropout${k}/Identity`, outputs: ['y'] })[0];
    } else if (stage === 'softmax' || stage === 'logSoftmax') {
      const op = stage === 'softmax' ? 'Softmax' : 'LogSoftmax';
      current = g.node(op, [current], { name: `/${op}`, outputs: [outName(k, `/${op}_output_0`)], attributes: { axis: -1 } })[0];
    } else {
      const index = g.ints('last_step', [-1], []);
      current = g.node('Gather', [current, index], { name: '/last_step/Gather', outputs: [outName(k, '/last_step/Gather_output_0')], attributes: { axis: 1 } })[0];
    }
  });
  for (const output of signature.outputs) g.output(output.name, DataType.FLOAT, output.shape);
  return encodeModel({
    irVersion: 8,
    producerName: options.producerName ?? '@recurrent/onnx',
    opsetImport: [{ domain: '', version: opset }],
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value: String(value) })),
    graph: { name: 'recurrent', node: g.nodes, initializer: g.initializers, input: g.inputs, output: g.outputs },
  });
}

/** The graph's inputs and outputs for these stages (what {@link exportOnnx} declares). */
export function onnxSignature(stages: readonly OnnxStage[], options: OnnxExportOptions = {}): OnnxSignature {
  checkStages(stages);
  const names = stateNames(stages);
  const first = stages[0];
  const inputs: OnnxSignature['inputs'] = [];
  if (first instanceof Embedding) inputs.push({ name: 'x', dtype: 'int64', shape: ['batch', 'time'] });
  else {
    const size = options.inputSize ?? (isRecurrent(first) ? recurrentView(first)!.inputSize : first instanceof Linear ? first.inFeatures : first instanceof LayerNorm ? first.normalizedShape[0] : null);
    if (!size) throw new Error('exportOnnx: expected options.inputSize for a model that starts with no layer of known input size, got none');
    inputs.push({ name: 'x', dtype: 'float32', shape: ['batch', 'time', size] });
  }
  if (options.lengths) {
    if (!stages.some(isRecurrent)) throw new Error('exportOnnx: expected a recurrent stage for options.lengths, got none');
    inputs.push({ name: 'lengths', dtype: 'int32', shape: ['batch'] });
  }
  const outputs: OnnxSignature['outputs'] = [{ name: 'y', shape: [] }];
  let width = first instanceof Embedding ? first.embeddingDim : (inputs[0].shape[2] as number);
  let timed = true;
  for (const stage of stages) {
    const view = recurrentView(stage);
    if (view) {
      const D = view.directions;
      const state = ['batch', view.numLayers * D, view.hiddenSize];
      const n = names.get(stage as Recurrent)!;
      if (options.initialStates) {
        inputs.push({ name: n.h0, dtype: 'float32', shape: state });
        if (view.kind === 'LSTM') inputs.push({ name: n.c0, dtype: 'float32', shape: state });
      }
      outputs.push({ name: n.hN, shape: state });
      if (view.kind === 'LSTM') outputs.push({ name: n.cN, shape: state });
      width = D * view.hiddenSize;
    } else if (stage instanceof Linear) width = stage.outFeatures;
    else if (stage === 'lastStep') timed = false;
  }
  outputs[0].shape = timed ? ['batch', 'time', width] : ['batch', width];
  return { inputs, outputs };
}

/** One ONNX node per layer of a fused recurrent layer; returns the batch-first output name. */
function recurrentNodes(g: GraphBuilder, stage: Recurrent, input: string, names: { h0: string; c0: string; hN: string; cN: string }, initialStates: boolean, lengths: string, isLast: boolean): string {
  const layer = recurrentView(stage)!;
  const kind = layer.kind;
  const D = layer.directions;
  const H = layer.hiddenSize;
  const order = onnxGateOrder[kind];
  const rows = order.length * H;
  const isLSTM = kind === 'LSTM';
  const base = `/${kind.toLowerCase()}`;
  // Graph values are batch-first; ONNX recurrent nodes take time-major X and [D, batch, H] states.
  let x = g.node('Transpose', [input], { name: `${base}/Transpose`, attributes: { perm: [1, 0, 2] } })[0];
  const stateIn = (name: string) => (initialStates ? g.node('Transpose', [name], { name: `${base}/Transpose_${name}`, attributes: { perm: [1, 0, 2] } })[0] : null);
  const h0 = stateIn(names.h0);
  const c0 = isLSTM ? stateIn(names.c0) : null;
  const finalH: string[] = [];
  const finalC: string[] = [];
  let y = '';
  for (let l = 0; l < layer.numLayers; l++) {
    const inputSize = layer.weights(l, 0).weightIh.shape[1];
    const W = new Float32Array(D * rows * inputSize), R = new Float32Array(D * rows * H), B = new Float32Array(D * 2 * rows);
    for (let d = 0; d < D; d++) {
      const w = layer.weights(l, d);
      W.set(reorder(w.weightIh, order, rows), d * rows * inputSize);
      R.set(reorder(w.weightHh, order, rows), d * rows * H);
      if (w.biasIh && w.biasHh) {
        B.set(reorder(w.biasIh, order, rows), d * 2 * rows);
        B.set(reorder(w.biasHh, order, rows), d * 2 * rows + rows);
      }
    }
    const name = `${base}/${kind}${l === 0 ? '' : `_${l}`}`;
    const stateSlice = (state: string | null, label: string) => {
      if (!state) return '';
      return g.node('Slice', [state, g.ints(`${name}/${label}_start`, [l * D]), g.ints(`${name}/${label}_end`, [(l + 1) * D]), g.ints(`${name}/${label}_axis`, [0])], { name: `${name}/Slice_${label}` })[0];
    };
    const inputs = [x, g.floats(`${name}/W`, W, [D, rows, inputSize]), g.floats(`${name}/R`, R, [D, rows, H]), layer.bias ? g.floats(`${name}/B`, B, [D, 2 * rows]) : '', lengths, stateSlice(h0, 'h0')];
    if (isLSTM) inputs.push(stateSlice(c0, 'c0'));
    while (inputs[inputs.length - 1] === '') inputs.pop();
    const attributes: Record<string, AttributeValue> = { hidden_size: H, direction: D === 2 ? 'bidirectional' : 'forward' };
    if (kind === 'GRU') attributes.linear_before_reset = layer.linearBeforeReset;
    if (kind === 'RNN') attributes.activations = new Array<string>(D).fill(layer.nonlinearity === 'relu' ? 'Relu' : 'Tanh');
    if (layer.recurrentActivation === 'hardSigmoid') {
      // tf.keras's hard sigmoid max(0, min(1, 0.2·x + 0.5)) is ONNX's HardSigmoid with these alpha and beta
      // (also its defaults); each direction's HardSigmoid takes the next alpha and beta.
      const perDirection = isLSTM ? ['HardSigmoid', 'Tanh', 'Tanh'] : ['HardSigmoid', 'Tanh'];
      attributes.activations = Array.from({ length: D }, () => perDirection).flat();
      attributes.activation_alpha = { floats: new Array<number>(D).fill(hardSigmoidAlpha) };
      attributes.activation_beta = { floats: new Array<number>(D).fill(hardSigmoidBeta) };
    }
    const outs = g.node(kind, inputs, { name, outputs: isLSTM ? [1, 2, 3] : [1, 2], attributes });
    y = outs[0];
    finalH.push(outs[1]);
    if (isLSTM) finalC.push(outs[2]);
    // [T, D, batch, H] → [T, batch, D·H], the next layer's time-major input.
    if (l < layer.numLayers - 1) {
      const swapped = g.node('Transpose', [y], { name: `${name}/Transpose`, attributes: { perm: [0, 2, 1, 3] } })[0];
      x = g.node('Reshape', [swapped, g.ints(`${name}/shape`, [0, 0, -1])], { name: `${name}/Reshape` })[0];
    }
  }
  const stateOut = (parts: string[], output: string, label: string) => {
    const joined = parts.length > 1 ? g.node('Concat', parts, { name: `${base}/Concat_${label}`, attributes: { axis: 0 } })[0] : parts[0];
    g.node('Transpose', [joined], { name: `${base}/Transpose_${label}`, outputs: [output], attributes: { perm: [1, 0, 2] } });
  };
  stateOut(finalH, names.hN, 'h_n');
  if (isLSTM) stateOut(finalC, names.cN, 'c_n');
  // [T, D, batch, H] → [batch, T, D, H] → [batch, T, D·H]
  const batchFirst = g.node('Transpose', [y], { name: `${base}/Transpose_y`, attributes: { perm: [2, 0, 1, 3] } })[0];
  return g.node('Reshape', [batchFirst, g.ints(`${base}/output_shape`, [0, 0, -1])], { name: `${base}/Reshape_y`, outputs: [isLast ? 'y' : g.fresh(`${base}/Reshape_y_output_0`)] })[0];
}

/** Gate blocks of a `[gates·H, width]` weight (or `[gates·H]` bias) in ONNX's order. */
function reorder(t: Tensor, order: readonly number[], rows: number): Float32Array {
  const width = t.size / rows;
  const block = (rows / order.length) * width;
  const out = new Float32Array(t.size);
  const data = t.data as Float32Array;
  order.forEach((source, k) => out.set(data.subarray(source * block, (source + 1) * block), k * block));
  return out;
}

function transpose(t: Tensor): Float32Array {
  const [rows, columns] = t.shape;
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = t.data[r * columns + c];
  return out;
}

