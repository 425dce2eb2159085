// ONNX LSTM / GRU / RNN nodes as the library's layers: the weights move from ONNX's gate order
// and stacked [directions, ...] layout into PyTorch's state-dict names, and each run converts the
// node's inputs and outputs between ONNX's layouts and the layer's.
import { fromData } from '@recurrent/tensor';
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

/**
 * Builds the library layer of one ONNX recurrent node from its constant weights `W`, `R`, `B`.
 * Anything the library's layers would compute differently (clip, coupled input-forget gate,
 * peepholes, other activations) is refused with an error naming the node and the attribute.
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
  const W = valueOf(weight), R = valueOf(recurrent);
  const hidden = attributes.int('hidden_size', R.shape[2]);
  const direction = attributes.string('direction', 'forward');
  const D = direction === 'bidirectional' ? 2 : 1;
  const gates = gateOrder[kind].length;
  if (W.rank !== 3 || W.shape[0] !== D || W.shape[1] !== gates * hidden) throw new Error(`${where}: expected W [${D}, ${gates * hidden}, input_size], got [${W.shape.join(', ')}]`);
  if (R.rank !== 3 || R.shape[0] !== D || R.shape[1] !== gates * hidden || R.shape[2] !== hidden) throw new Error(`${where}: expected R [${D}, ${gates * hidden}, ${hidden}], got [${R.shape.join(', ')}]`);
  const inputSize = W.shape[2];
  if (attributes.has('clip')) throw new Error(`${where}: expected no 'clip' attribute (the library's layers do not clip cell inputs), got clip = ${attributes.float('clip', 0)}`);
  if (attributes.int('input_forget', 0) !== 0) throw new Error(`${where}: expected input_forget = 0, got 1 (a coupled input-forget gate the library's LSTM does not have)`);
  if (attributes.has('activation_alpha') || attributes.has('activation_beta')) throw new Error(`${where}: expected no activation_alpha / activation_beta, got them`);
  if (kind === 'LSTM' && inputNames[7]) throw new Error(`${where}: expected no peephole input P, got '${inputNames[7]}' (not supported by the library's fused LSTM)`);
  const layout = attributes.int('layout', 0);
  const linearBeforeReset = kind === 'GRU' ? attributes.int('linear_before_reset', 0) : 1;
  const activations = attributes.strings('activations') ?? [];
  const perDirection = defaultActivations[kind].length;
  let nonlinearity: 'tanh' | 'relu' = 'tanh';
  for (let d = 0; d < D && activations.length > 0; d++) {
    const mine = activations.slice(d * perDirection, (d + 1) * perDirection);
    mine.forEach((name, k) => {
      const expected = defaultActivations[kind][k];
      if (kind === 'RNN' && (name === 'Relu' || name === 'Tanh')) nonlinearity = name === 'Relu' ? 'relu' : 'tanh';
      else if (name.toLowerCase() !== expected.toLowerCase()) {
        throw new Error(`${where}: expected activation ${k} '${expected}'${kind === 'RNN' ? " or 'Relu'" : ''}, got '${name}' (the library's ${kind} has no such activation)`);
      }
    });
  }
  if (kind === 'RNN' && D === 2 && activations.length === 2 && activations[0].toLowerCase() !== activations[1].toLowerCase()) {
    throw new Error(`${where}: expected the same activation in both directions, got '${activations[0]}' and '${activations[1]}'`);
  }
  const hasBias = bias !== null;
  const B = hasBias ? valueOf(bias!) : null;
  if (B && (B.rank !== 2 || B.shape[0] !== D || B.shape[1] !== 2 * gates * hidden)) throw new Error(`${where}: expected B [${D}, ${2 * gates * hidden}], got [${B.shape.join(', ')}]`);

  // PyTorch's state dict of the layer, from ONNX's stacked directions.
  const rows = gates * hidden;
  const order = gateOrder[kind];
  const dict = (suffix: (d: number) => string) => {
    const out: Record<string, ReturnType<typeof fromData>> = {};
    for (let d = 0; d < D; d++) {
      const w = W.data.subarray(d * rows * inputSize, (d + 1) * rows * inputSize) as Float32Array;
      const r = R.data.subarray(d * rows * hidden, (d + 1) * rows * hidden) as Float32Array;
      out[`weight_ih${suffix(d)}`] = fromData(reorder(Float32Array.from(w), rows, inputSize, order), [rows, inputSize]);
      out[`weight_hh${suffix(d)}`] = fromData(reorder(Float32Array.from(r), rows, hidden, order), [rows, hidden]);
      if (B) {
        const b = B.data.subarray(d * 2 * rows, (d + 1) * 2 * rows) as Float32Array;
        out[`bias_ih${suffix(d)}`] = fromData(reorder(Float32Array.from(b.subarray(0, rows)), rows, 1, order), [rows]);
        out[`bias_hh${suffix(d)}`] = fromData(reorder(Float32Array.from(b.subarray(rows)), rows, 1, order), [rows]);
      }
    }
    return out;
  };

  const batchFirst = layout === 1;
  const common = { inputSize, hiddenSize: hidden, bias: hasBias, bidirectional: D === 2, batchFirst };
  let module: Module;
  let runLayer: (x: FloatValue, h0: FloatValue | null, c0: FloatValue | null, lengths: number[] | null) => { output: Variable; h: Variable; c?: Variable };
  if (kind === 'GRU' && linearBeforeReset === 0) {
    // Reset before the recurrent product: the GRU cell's resetAfter: false, run per direction.
    const cell = () => new GRUCell({ inputSize, hiddenSize: hidden, bias: hasBias, resetAfter: false });
    const layer = D === 2 ? new Bidirectional(cell(), cell(), { batchFirst }) : new Recurrent(cell(), { batchFirst });
    const names = dict((d) => (D === 2 ? (d === 0 ? '' : '_reverse') : ''));
    const loaded: Record<string, ReturnType<typeof fromData>> = {};
    for (const [name, value] of Object.entries(names)) {
      if (D === 2) loaded[name.endsWith('_reverse') ? `reverse.${name.slice(0, -8)}` : `forward.${name}`] = value;
      else loaded[name] = value;
    }
    layer.loadStateDict(loaded);
    module = layer;
    runLayer = (x, h0, _c0, lengths) => {
      const initialState = h0 ? Array.from({ length: D }, (_, d) => selectRow(h0, d)) : undefined;
      const result = layer.forward(x, { initialState, lengths: lengths ?? undefined });
      return { output: result.output, h: stack(result.state, 0) };
    };
  } else {
    const layer = kind === 'LSTM' ? new LSTM(common) : kind === 'GRU' ? new GRU(common) : new RNN({ ...common, nonlinearity });
    layer.loadStateDict(dict((d) => `_l0${d === 1 ? '_reverse' : ''}`));
    module = layer;
    runLayer = (x, h0, c0, lengths) => {
      const result = (layer as LSTM).forward(x, { h0, c0, lengths });
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
