// ONNX LSTM / GRU / RNN nodes as the library's layers: the weights move from ONNX's gate order
// and stacked [directions, ...] layout into PyTorch's state-dict names, and each run converts the
// node's inputs and outputs between ONNX's layouts and the layer's.
import { type Tensor, fromData } from '@recurrent/tensor';
import { type Module, type Variable, narrow, permute, reshape, stack, valueOf } from '@recurrent/autograd';
import { GRUCell } from '@recurrent/cells';
import { Bidirectional, GRU, LSTM, RNN, Recurrent, reverseWithinLengths } from '@recurrent/layers';
import type { Attributes } from './attributes.js';
import { type FloatValue, type OnnxValue, intToFloat, isInt } from './values.js';

/** ONNX gate blocks → PyTorch's: block k of PyTorch's weight is block order[k] of ONNX's. */
const gateOrder = {
  LSTM: [0, 2, 3, 1], // ONNX i, o, f, c → PyTorch i, f, g, o
  GRU: [1, 0, 2], // ONNX z, r, h → PyTorch r, z, n
  RNN: [0],
} as const;

/** The default activations ONNX assumes per direction. */
const defaultActivations = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'], RNN: ['Tanh'] } as const;

type Kind = keyof typeof gateOrder;

/** A recurrent node bound to a library layer. */
export interface RecurrentNode {
  kind: Kind;
  /** The library module holding the node's weights (an `LSTM`, `GRU`, `RNN`, or a `Recurrent` /
   * `Bidirectional` of `GRUCell({ resetAfter: false })` for `linear_before_reset = 0`). */
  module: Module;
  /** Runs the node: its ONNX outputs `Y`, `Y_h` (and `Y_c` for LSTM). */
  run(inputs: (OnnxValue | null)[]): OnnxValue[];
}

/** Reorders the gate blocks along the rows of a `[gates·H, width]` matrix (or `[gates·H]` vector). */
function reorder(data: Float32Array, rows: number, width: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(rows * width);
  const block = (rows / order.length) * width;
  order.forEach((source, k) => out.set(data.subarray(source * block, (source + 1) * block), k * block));
  return out;
}

/** What one ONNX recurrent node computes, read from its attributes and weight shapes. */
export interface RecurrentSpec {
  kind: Kind;
  inputSize: number;
  hiddenSize: number;
  directions: 1 | 2;
  direction: 'forward' | 'reverse' | 'bidirectional';
  /** `layout = 1`: batch-first X, Y and states. */
  batchFirst: boolean;
  bias: boolean;
  /** GRU's `linear_before_reset` (1 for LSTM and RNN). */
  linearBeforeReset: 0 | 1;
  nonlinearity: 'tanh' | 'relu';
  /** The gate activation: ONNX's `Sigmoid`, or `HardSigmoid` with alpha 0.2 and beta 0.5 (tf.keras's). */
  recurrentActivation: 'sigmoid' | 'hardSigmoid';
}

/** The weight shapes of a recurrent node: `W`, `R` and `B` (null without a bias). */
export interface RecurrentWeightShapes {
  W: number[];
  R: number[];
  B: number[] | null;
}

/** The library's hard sigmoid as ONNX's `HardSigmoid` (`max(0, min(1, alpha·x + beta))`, its defaults). */
export const hardSigmoidAlpha = 0.2;
/** See {@link hardSigmoidAlpha}. */
export const hardSigmoidBeta = 0.5;

/** Functions of ONNX's recurrent `activations` that take an alpha and a beta (consumed in order, as onnxruntime does). */
const takesAlpha: Record<string, [boolean, boolean]> = {
  hardsigmoid: [true, true], leakyrelu: [true, false], thresholdedrelu: [true, false], scaledtanh: [true, true], affine: [true, true], elu: [true, false], softsign: [false, false], softplus: [false, false],
};

/**
 * Reads one ONNX recurrent node: sizes from the weight shapes, the rest from its attributes.
 * Anything the library's layers would compute differently (clip, coupled input-forget gate,
 * peepholes, other activations) is refused with an error naming the node and the attribute.
 */
export function recurrentSpec(kind: Kind, where: string, attributes: Attributes, shapes: RecurrentWeightShapes, inputNames: string[]): RecurrentSpec {
  const { W, R, B } = shapes;
  const hidden = attributes.int('hidden_size', R[2]);
  const direction = attributes.string('direction', 'forward');
  if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') throw new Error(`${where}: expected direction 'forward', 'reverse' or 'bidirectional', got '${direction}'`);
  const D = direction === 'bidirectional' ? 2 : 1;
  const gates = gateOrder[kind].length;
  if (!Number.isSafeInteger(hidden) || hidden < 1) throw new Error(`${where}: expected hidden_size an integer ≥ 1, got ${hidden}`);
  if (W.length !== 3 || W[0] !== D || W[1] !== gates * hidden || !(W[2] >= 1)) throw new Error(`${where}: expected W [${D}, ${gates * hidden}, input_size], got [${W.join(', ')}]`);
  if (R.length !== 3 || R[0] !== D || R[1] !== gates * hidden || R[2] !== hidden) throw new Error(`${where}: expected R [${D}, ${gates * hidden}, ${hidden}], got [${R.join(', ')}]`);
  if (B && (B.length !== 2 || B[0] !== D || B[1] !== 2 * gates * hidden)) throw new Error(`${where}: expected B [${D}, ${2 * gates * hidden}], got [${B.join(', ')}]`);
  if (attributes.has('clip')) throw new Error(`${where}: expected no 'clip' attribute (the library's layers do not clip cell inputs), got clip = ${attributes.float('clip', 0)}`);
  if (attributes.int('input_forget', 0) !== 0) throw new Error(`${where}: expected input_forget = 0, got 1 (a coupled input-forget gate the library's LSTM does not have)`);
  if (kind === 'LSTM' && inputNames[7]) throw new Error(`${where}: expected no peephole input P, got '${inputNames[7]}' (not supported by the library's fused LSTM)`);
  const layout = attributes.int('layout', 0);
  if (layout !== 0 && layout !== 1) throw new Error(`${where}: expected layout 0 or 1, got ${layout}`);
  const linearBeforeReset = kind === 'GRU' ? attributes.int('linear_before_reset', 0) : 1;
  if (linearBeforeReset !== 0 && linearBeforeReset !== 1) throw new Error(`${where}: expected linear_before_reset 0 or 1, got ${linearBeforeReset}`);
  const activations = attributes.strings('activations') ?? [];
  const alphas = attributes.floats('activation_alpha') ?? [];
  const betas = attributes.floats('activation_beta') ?? [];
  const perDirection = defaultActivations[kind].length;
  if (activations.length > 0 && activations.length !== D * perDirection) throw new Error(`${where}: expected ${D * perDirection} activations (${perDirection} per direction), got ${activations.length}`);
  let nonlinearity: 'tanh' | 'relu' = 'tanh';
  const gateActivations = new Set<string>();
  let alphaAt = 0, betaAt = 0;
  activations.forEach((name, index) => {
    const k = index % perDirection;
    const expected = defaultActivations[kind][k];
    const lower = name.toLowerCase();
    const [usesAlpha, usesBeta] = takesAlpha[lower] ?? [false, false];
    const alpha = usesAlpha && alphaAt < alphas.length ? alphas[alphaAt++] : null;
    const beta = usesBeta && betaAt < betas.length ? betas[betaAt++] : null;
    if (kind === 'RNN' && (lower === 'relu' || lower === 'tanh')) {
      nonlinearity = lower;
      return;
    }
    if (kind !== 'RNN' && k === 0 && lower === 'hardsigmoid') {
      // ONNX's defaults are tf.keras's slope and offset; other values are another function.
      const a = alpha ?? hardSigmoidAlpha, b = beta ?? hardSigmoidBeta;
      if (Math.fround(a) !== Math.fround(hardSigmoidAlpha) || Math.fround(b) !== Math.fround(hardSigmoidBeta)) {
        throw new Error(`${where}: expected HardSigmoid with alpha ${hardSigmoidAlpha} and beta ${hardSigmoidBeta} (the library's hard sigmoid), got alpha ${a} and beta ${b}`);
      }
      gateActivations.add('hardSigmoid');
      return;
    }
    if (lower !== expected.toLowerCase()) {
      const also = kind === 'RNN' ? " or 'Relu'" : k === 0 ? " or 'HardSigmoid'" : '';
      throw new Error(`${where}: expected activation ${k} '${expected}'${also}, got '${name}' (the library's ${kind} has no such activation)`);
    }
    if (k === 0) gateActivations.add('sigmoid');
  });
  if (alphaAt < alphas.length || betaAt < betas.length) throw new Error(`${where}: expected activation_alpha / activation_beta only for activations that take them, got ${alphas.length} alphas and ${betas.length} betas`);
  if (gateActivations.size > 1) throw new Error(`${where}: expected the same gate activation in both directions, got Sigmoid and HardSigmoid`);
  if (kind === 'RNN' && D === 2 && activations.length === 2 && activations[0].toLowerCase() !== activations[1].toLowerCase()) {
    throw new Error(`${where}: expected the same activation in both directions, got '${activations[0]}' and '${activations[1]}'`);
  }
  return {
    kind, inputSize: W[2], hiddenSize: hidden, directions: D, direction, batchFirst: layout === 1, bias: B !== null,
    linearBeforeReset: linearBeforeReset as 0 | 1, nonlinearity, recurrentActivation: gateActivations.has('hardSigmoid') ? 'hardSigmoid' : 'sigmoid',
  };
}

/** Whether a node becomes a `Recurrent` / `Bidirectional` of `GRUCell({ resetAfter: false })` (else a fused layer). */
const onCells = (spec: RecurrentSpec) => spec.kind === 'GRU' && spec.linearBeforeReset === 0 && spec.recurrentActivation === 'sigmoid';

/**
 * A fresh library layer for a node (weights drawn, to be loaded): an `LSTM`, `GRU`, `RNN`, a
 * `GRU({ resetAfter: false })` for a hard-sigmoid `linear_before_reset = 0`, or a `Recurrent` /
 * `Bidirectional` of `GRUCell({ resetAfter: false })` for the sigmoid one.
 */
export function recurrentLayer(spec: RecurrentSpec): Module {
  const { inputSize, hiddenSize, bias, batchFirst } = spec;
  if (onCells(spec)) {
    const cell = () => new GRUCell({ inputSize, hiddenSize, bias, resetAfter: false });
    return spec.directions === 2 ? new Bidirectional(cell(), cell(), { batchFirst }) : new Recurrent(cell(), { batchFirst });
  }
  const common = { inputSize, hiddenSize, bias, bidirectional: spec.directions === 2, batchFirst };
  if (spec.kind === 'LSTM') return new LSTM({ ...common, recurrentActivation: spec.recurrentActivation });
  if (spec.kind === 'GRU') return new GRU({ ...common, resetAfter: spec.linearBeforeReset === 1, recurrentActivation: spec.recurrentActivation });
  return new RNN({ ...common, nonlinearity: spec.nonlinearity });
}

/** The state-dict name of one weight of {@link recurrentLayer}'s module, for direction `d`. */
function stateName(spec: RecurrentSpec, stem: string, d: number): string {
  if (!onCells(spec)) return `${stem}_l0${d === 1 ? '_reverse' : ''}`;
  return spec.directions === 2 ? `${d === 0 ? 'forward' : 'reverse'}.${stem}` : stem;
}

/** The parameter shapes of {@link recurrentLayer}'s module, by state-dict name (known before building it). */
export function recurrentStateShapes(spec: RecurrentSpec): Record<string, number[]> {
  const rows = gateOrder[spec.kind].length * spec.hiddenSize;
  const out: Record<string, number[]> = {};
  for (let d = 0; d < spec.directions; d++) {
    out[stateName(spec, 'weight_ih', d)] = [rows, spec.inputSize];
    out[stateName(spec, 'weight_hh', d)] = [rows, spec.hiddenSize];
    if (spec.bias) {
      out[stateName(spec, 'bias_ih', d)] = [rows];
      out[stateName(spec, 'bias_hh', d)] = [rows];
    }
  }
  return out;
}

/** The state dict of {@link recurrentLayer}'s module from ONNX's stacked `W`, `R`, `B`. */
export function recurrentStateDict(spec: RecurrentSpec, W: FloatValue, R: FloatValue, bias: FloatValue | null): Record<string, Tensor> {
  const D = spec.directions, hidden = spec.hiddenSize, inputSize = spec.inputSize;
  const order = gateOrder[spec.kind];
  const rows = order.length * hidden;
  const w = valueOf(W).data, r = valueOf(R).data, b = bias ? valueOf(bias).data : null;
  const out: Record<string, Tensor> = {};
  for (let d = 0; d < D; d++) {
    const name = (stem: string) => stateName(spec, stem, d);
    out[name('weight_ih')] = fromData(reorder(Float32Array.from(w.subarray(d * rows * inputSize, (d + 1) * rows * inputSize)), rows, inputSize, order), [rows, inputSize]);
    out[name('weight_hh')] = fromData(reorder(Float32Array.from(r.subarray(d * rows * hidden, (d + 1) * rows * hidden)), rows, hidden, order), [rows, hidden]);
    if (b) {
      const own = b.subarray(d * 2 * rows, (d + 1) * 2 * rows);
      out[name('bias_ih')] = fromData(reorder(Float32Array.from(own.subarray(0, rows)), rows, 1, order), [rows]);
      out[name('bias_hh')] = fromData(reorder(Float32Array.from(own.subarray(rows)), rows, 1, order), [rows]);
    }
  }
  return out;
}

/**
 * Builds the library layer of one ONNX recurrent node from its constant weights `W`, `R`, `B`
 * (see {@link recurrentSpec} for what is refused).
 */
export function buildRecurrentNode(
  kind: Kind,
  where: string,
  attributes: Attributes,
  constants: (FloatValue | null)[],
  inputNames: string[],
): RecurrentNode {
  const weight = constants[1], recurrent = constants[2], bias = constants[3] ?? null;
  if (!weight || !recurrent) throw new Error(`${where}: expected W and R as initializers or constants, got computed values`);
  if (inputNames[3] && !bias) throw new Error(`${where}: expected B as an initializer or constant, got a computed value`);
  const spec = recurrentSpec(kind, where, attributes, { W: [...valueOf(weight).shape], R: [...valueOf(recurrent).shape], B: bias ? [...valueOf(bias).shape] : null }, inputNames);
  const module = recurrentLayer(spec);
  module.loadStateDict(recurrentStateDict(spec, weight, recurrent, bias));
  return bindRecurrentNode(spec, where, module);
}

/** Runs a node on a layer made by {@link recurrentLayer} (or read back from a model file). */
export function bindRecurrentNode(spec: RecurrentSpec, where: string, module: Module): RecurrentNode {
  const { kind, batchFirst, direction, inputSize } = spec;
  const D = spec.directions, hidden = spec.hiddenSize;
  let runLayer: (x: FloatValue, h0: FloatValue | null, c0: FloatValue | null, lengths: number[] | null) => { output: Variable; h: Variable; c?: Variable };
  if (onCells(spec)) {
    const layer = module as Recurrent | Bidirectional;
    runLayer = (x, h0, _c0, lengths) => {
      const initialState = h0 ? Array.from({ length: D }, (_, d) => selectRow(h0, d)) : undefined;
      const result = layer.forward(x, { initialState, lengths: lengths ?? undefined });
      return { output: result.output, h: stack(result.state, 0) };
    };
  } else {
    const layer = module as LSTM;
    runLayer = (x, h0, c0, lengths) => {
      const result = layer.forward(x, { h0, c0, lengths });
      return { output: result.output, h: result.h_n, c: result.c_n };
    };
  }

  const run = (inputs: (OnnxValue | null)[]): OnnxValue[] => {
    const x0 = inputs[0];
    if (!x0 || isInt(x0)) throw new Error(`${where}: expected a float input X, got ${x0 ? 'integers' : 'none'}`);
    const xShape = valueOf(x0).shape;
    if (xShape.length !== 3 || xShape[2] !== inputSize) throw new Error(`${where}: expected X [${batchFirst ? 'batch, seq' : 'seq, batch'}, ${inputSize}], got [${xShape.join(', ')}]`);
    const [T, batch] = batchFirst ? [xShape[1], xShape[0]] : [xShape[0], xShape[1]];
    const lens = inputs[4];
    let lengths: number[] | null = lens ? (isInt(lens) ? lens.data : Array.from(valueOf(lens).data)) : null;
    if (lengths && lengths.every((l) => l === T)) lengths = null;
    const stateIn = (value: OnnxValue | null) => {
      if (!value) return null;
      const v = isInt(value) ? intToFloat(value) : value;
      return batchFirst ? permute(v, [1, 0, 2]) : v; // layout 1 states are [batch, D, H]
    };
    const h0 = stateIn(inputs[5]);
    const c0 = stateIn(inputs[6] ?? null);
    const timeAxis = batchFirst ? 1 : 0;
    const full = lengths ?? new Array<number>(batch).fill(T);
    // A reverse-only node is the forward layer on sequences reversed within their lengths.
    const reverse = direction === 'reverse';
    const x = reverse ? reverseWithinLengths(x0, full, timeAxis) : x0;
    const result = runLayer(x, h0, c0, lengths);
    const output = reverse ? reverseWithinLengths(result.output, full, timeAxis) : result.output;
    // ONNX Y: [seq, D, batch, H] (layout 1: [batch, seq, D, H]); states [D, batch, H] ([batch, D, H]).
    const y = batchFirst ? reshape(output, [batch, T, D, hidden]) : permute(reshape(output, [T, batch, D, hidden]), [0, 2, 1, 3]);
    const stateOut = (s: Variable) => (batchFirst ? permute(s, [1, 0, 2]) : s);
    const outs: OnnxValue[] = [y, stateOut(result.h)];
    if (kind === 'LSTM') outs.push(stateOut(result.c!));
    return outs;
  };
  return { kind, module, run };
}

/** Row `row` of a `[D, batch, H]` state as `[batch, H]`. */
function selectRow(x: FloatValue, row: number): Variable {
  const shape = valueOf(x).shape;
  return reshape(narrow(x, 0, row, 1), [shape[1], shape[2]]);
}
