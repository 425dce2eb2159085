// The ONNX operators around the recurrent nodes, evaluated with the library's differentiable ops
// (float values) or plain index arithmetic (integer values: shapes and indices).
import { fromData } from '@recurrent/tensor';
import * as A from '@recurrent/autograd';
import { valueOf } from '@recurrent/autograd';
import type { Attributes } from './attributes.js';
import { binaryInts, concatInts, normaliseAxis, permuteInts, reshapeTarget, sliceIndices, takeInts } from './intOps.js';
import { DataType, type RawTensor } from './proto.js';
import { type FloatValue, IntTensor, type OnnxValue, floatToInt, intToFloat, isInt, numbersOf, shapeOf } from './values.js';

/** What an operator sees of its node. */
export interface NodeContext {
  /** `Op 'name'`, for errors. */
  where: string;
  opset: number;
  inputs: (OnnxValue | null)[];
  attributes: Attributes;
}

/** An operator: the node's output values from its inputs. */
export type Operator = (node: NodeContext) => OnnxValue[];

/** A decoded ONNX tensor as a graph value (float types become float32 tensors). */
export function rawToValue(raw: RawTensor): OnnxValue {
  if (raw.dataType === DataType.FLOAT || raw.dataType === DataType.DOUBLE) return fromData(Float32Array.from(raw.data), raw.shape);
  return new IntTensor(raw.shape, Array.from(raw.data));
}

const input = (node: NodeContext, k: number, what: string): OnnxValue => {
  const value = node.inputs[k];
  if (!value) throw new Error(`${node.where}: expected input ${k} (${what}), got none`);
  return value;
};
const floatInput = (node: NodeContext, k: number, what: string): FloatValue => {
  const value = input(node, k, what);
  return isInt(value) ? intToFloat(value) : value;
};
const optionalNumbers = (node: NodeContext, k: number): number[] | null => (node.inputs[k] ? numbersOf(node.inputs[k]!) : null);

/** Gathers `indices` (any shape) along `axis`: ONNX `Gather` (an embedding lookup when data is a weight). */
function gather(node: NodeContext): OnnxValue[] {
  const data = input(node, 0, 'data');
  const indices = input(node, 1, 'indices');
  if (!isInt(indices)) throw new Error(`${node.where}: expected integer indices, got a float tensor`);
  const shape = shapeOf(data);
  const axis = normaliseAxis(node.attributes.int('axis', 0), shape.length, node.where);
  const flat = indices.data.map((i) => {
    const j = i < 0 ? i + shape[axis] : i;
    if (j < 0 || j >= shape[axis]) throw new Error(`${node.where}: expected indices in [${-shape[axis]}, ${shape[axis] - 1}], got ${i}`);
    return j;
  });
  const outShape = [...shape.slice(0, axis), ...indices.shape, ...shape.slice(axis + 1)];
  if (isInt(data)) {
    const taken = takeInts(data, axis, flat);
    return [new IntTensor(outShape, taken.data)];
  }
  return [A.reshape(A.indexSelect(data, axis, flat), outShape)];
}

function slice(node: NodeContext): OnnxValue[] {
  const data = input(node, 0, 'data');
  const shape = shapeOf(data);
  // Opset 10 moved starts/ends/axes/steps from attributes to inputs.
  const starts = node.opset >= 10 ? numbersOf(input(node, 1, 'starts')) : node.attributes.ints('starts')!;
  const ends = node.opset >= 10 ? numbersOf(input(node, 2, 'ends')) : node.attributes.ints('ends')!;
  const axes = (node.opset >= 10 ? optionalNumbers(node, 3) : node.attributes.ints('axes')) ?? starts.map((_, k) => k);
  const steps = (node.opset >= 10 ? optionalNumbers(node, 4) : null) ?? starts.map(() => 1);
  let out = data;
  axes.forEach((rawAxis, k) => {
    const axis = normaliseAxis(rawAxis, shape.length, node.where);
    const picks = sliceIndices(shape[axis], starts[k], ends[k], steps[k]);
    if (picks.length === shape[axis] && picks.every((p, i) => p === i)) return;
    out = isInt(out) ? takeInts(out, axis, picks) : A.indexSelect(out, axis, picks);
  });
  return [out];
}

function axesOf(node: NodeContext): number[] | null {
  // Opset 13 moved Squeeze / Unsqueeze axes from an attribute to an input.
  return node.opset >= 13 ? optionalNumbers(node, 1) : node.attributes.ints('axes');
}

function reshapeValue(value: OnnxValue, shape: number[]): OnnxValue {
  return isInt(value) ? new IntTensor(shape, value.data) : A.reshape(value, shape);
}

function unsqueeze(node: NodeContext): OnnxValue[] {
  const data = input(node, 0, 'data');
  const shape = shapeOf(data);
  const axes = axesOf(node);
  if (!axes) throw new Error(`${node.where}: expected axes, got none`);
  const rank = shape.length + axes.length;
  const normalised = axes.map((a) => normaliseAxis(a, rank, node.where)).sort((a, b) => a - b);
  const out = [...shape];
  for (const a of normalised) out.splice(a, 0, 1);
  return [reshapeValue(data, out)];
}

function squeeze(node: NodeContext): OnnxValue[] {
  const data = input(node, 0, 'data');
  const shape = shapeOf(data);
  const axes = axesOf(node)?.map((a) => normaliseAxis(a, shape.length, node.where)) ?? shape.flatMap((d, k) => (d === 1 ? [k] : []));
  for (const a of axes) if (shape[a] !== 1) throw new Error(`${node.where}: expected size 1 on squeezed axis ${a}, got ${shape[a]}`);
  return [reshapeValue(data, shape.filter((_, k) => !axes.includes(k)))];
}

function concat(node: NodeContext): OnnxValue[] {
  const parts = node.inputs.filter((v): v is OnnxValue => v !== null);
  const rank = shapeOf(parts[0]).length;
  const axis = normaliseAxis(node.attributes.int('axis', 0), rank, node.where);
  if (parts.every(isInt)) return [concatInts(parts as IntTensor[], axis)];
  return [A.concat(parts.map((p) => (isInt(p) ? intToFloat(p) : p)), axis)];
}

function transposeOp(node: NodeContext): OnnxValue[] {
  const data = input(node, 0, 'data');
  const rank = shapeOf(data).length;
  const perm = node.attributes.ints('perm') ?? Array.from({ length: rank }, (_, k) => rank - 1 - k);
  return [isInt(data) ? permuteInts(data, perm) : A.permute(data, perm)];
}

function reshapeOp(node: NodeContext): OnnxValue[] {
  const data = input(node, 0, 'data');
  const requested = numbersOf(input(node, 1, 'shape'));
  const allowZero = node.attributes.int('allowzero', 0) === 1;
  return [reshapeValue(data, reshapeTarget(shapeOf(data), requested, allowZero, node.where))];
}

function constantOfShape(node: NodeContext): OnnxValue[] {
  const shape = numbersOf(input(node, 0, 'shape'));
  const value = node.attributes.tensor('value');
  const size = shape.reduce((a, b) => a * b, 1);
  if (!value || value.dataType === DataType.FLOAT || value.dataType === DataType.DOUBLE) {
    return [fromData(new Float32Array(size).fill(value ? value.data[0] : 0), shape)];
  }
  return [new IntTensor(shape, new Array<number>(size).fill(value.data[0]))];
}

function constant(node: NodeContext): OnnxValue[] {
  const t = node.attributes.tensor('value');
  if (t) return [rawToValue(t)];
  const f = node.attributes.has('value_float') ? node.attributes.float('value_float', 0) : null;
  if (f !== null) return [fromData(Float32Array.of(f), [])];
  const floats = node.attributes.floats('value_floats');
  if (floats) return [fromData(Float32Array.from(floats), [floats.length])];
  if (node.attributes.has('value_int')) return [new IntTensor([], [node.attributes.int('value_int', 0)])];
  const ints = node.attributes.ints('value_ints');
  if (ints) return [new IntTensor([ints.length], ints)];
  throw new Error(`${node.where}: expected a value, value_float(s) or value_int(s) attribute, got none that this importer reads`);
}

function shapeOp(node: NodeContext): OnnxValue[] {
  const shape = shapeOf(input(node, 0, 'data'));
  const rank = shape.length;
  const at = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = at(node.attributes.int('start', 0));
  const end = at(node.attributes.int('end', rank));
  const picked = shape.slice(start, end);
  return [new IntTensor([picked.length], picked)];
}

/** Elementwise binary: integers stay integers, anything with a float becomes float. */
function binary(intFn: (x: number, y: number) => number, floatFn: (a: FloatValue, b: FloatValue) => FloatValue): Operator {
  return (node) => {
    const a = input(node, 0, 'A');
    const b = input(node, 1, 'B');
    if (isInt(a) && isInt(b)) return [binaryInts(a, b, intFn, node.where)];
    return [floatFn(isInt(a) ? intToFloat(a) : a, isInt(b) ? intToFloat(b) : b)];
  };
}

function unary(fn: (x: FloatValue) => FloatValue): Operator {
  return (node) => [fn(floatInput(node, 0, 'X'))];
}

function gemm(node: NodeContext): OnnxValue[] {
  const a = floatInput(node, 0, 'A');
  const b = floatInput(node, 1, 'B');
  const alpha = node.attributes.float('alpha', 1);
  const beta = node.attributes.float('beta', 1);
  let y: FloatValue = A.matmul(a, b, { transposeA: node.attributes.int('transA', 0) === 1, transposeB: node.attributes.int('transB', 0) === 1 });
  if (alpha !== 1) y = A.affine(y, alpha);
  if (node.inputs[2]) {
    const c = floatInput(node, 2, 'C');
    y = A.add(y, beta === 1 ? c : A.affine(c, beta));
  }
  return [y];
}

/** Softmax-like ops: opset 13 normalises along one axis; older opsets flatten from `axis` on. */
function softmaxLike(fn: (x: FloatValue, axis: number) => FloatValue): Operator {
  return (node) => {
    const x = floatInput(node, 0, 'input');
    const shape = shapeOf(x);
    const axis = normaliseAxis(node.attributes.int('axis', node.opset >= 13 ? -1 : 1), shape.length, node.where);
    if (node.opset >= 13 || axis === shape.length - 1) return [fn(x, axis)];
    const rows = shape.slice(0, axis).reduce((p, d) => p * d, 1);
    return [A.reshape(fn(A.reshape(x, [rows, shape.slice(axis).reduce((p, d) => p * d, 1)]), 1), shape)];
  };
}

function cast(node: NodeContext): OnnxValue[] {
  const x = input(node, 0, 'input');
  const to = node.attributes.int('to', 0);
  if (to === DataType.FLOAT || to === DataType.DOUBLE) return [isInt(x) ? intToFloat(x) : x];
  if (to === DataType.INT64 || to === DataType.INT32) return [isInt(x) ? x : floatToInt(x)];
  if (to === DataType.BOOL) return [isInt(x) ? new IntTensor(x.shape, x.data.map((v) => (v ? 1 : 0))) : new IntTensor(shapeOf(x), Array.from(valueOf(x).data, (v) => (v ? 1 : 0)))];
  throw new Error(`${node.where}: expected a cast to float, double, int32, int64 or bool, got data type ${to}`);
}

function flatten(node: NodeContext): OnnxValue[] {
  const x = input(node, 0, 'input');
  const shape = shapeOf(x);
  const axis = node.attributes.int('axis', 1);
  const a = axis < 0 ? axis + shape.length : axis;
  const rows = shape.slice(0, a).reduce((p, d) => p * d, 1);
  return [reshapeValue(x, [rows, shape.slice(a).reduce((p, d) => p * d, 1)])];
}

function layerNormalization(node: NodeContext): OnnxValue[] {
  const x = floatInput(node, 0, 'X');
  const shape = shapeOf(x);
  const axis = normaliseAxis(node.attributes.int('axis', -1), shape.length, node.where);
  const epsilon = node.attributes.float('epsilon', 1e-5);
  node.attributes.int('stash_type', 1);
  const axes = shape.slice(axis).map((_, k) => axis + k);
  const mean = A.mean(x, { axis: axes, keepDims: true });
  const centred = A.sub(x, mean);
  const variance = A.mean(A.square(centred), { axis: axes, keepDims: true });
  let y: FloatValue = A.mul(centred, A.rsqrt(A.affine(variance, 1, epsilon)));
  y = A.mul(y, floatInput(node, 1, 'Scale'));
  if (node.inputs[2]) y = A.add(y, floatInput(node, 2, 'B'));
  return [y];
}

function dropout(node: NodeContext): OnnxValue[] {
  // Inference: identity (training_mode, an input since opset 12, must be absent or false).
  const training = optionalNumbers(node, 2);
  if (training && training[0]) throw new Error(`${node.where}: expected inference (training_mode false), got training_mode true`);
  node.attributes.int('seed', 0);
  node.attributes.float('ratio', 0.5);
  const x = input(node, 0, 'data');
  return [x];
}

/** Every non-recurrent operator this importer evaluates, by ONNX op type. */
export const operators: Record<string, Operator> = {
  Constant: constant,
  Identity: (node) => [input(node, 0, 'input')],
  Dropout: dropout,
  Shape: shapeOp,
  Gather: gather,
  Slice: slice,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Transpose: transposeOp,
  Reshape: reshapeOp,
  Flatten: flatten,
  ConstantOfShape: constantOfShape,
  Cast: cast,
  MatMul: (node) => [A.matmul(floatInput(node, 0, 'A'), floatInput(node, 1, 'B'))],
  Gemm: gemm,
  Add: binary((x, y) => x + y, A.add),
  Sub: binary((x, y) => x - y, A.sub),
  Mul: binary((x, y) => x * y, A.mul),
  Div: binary((x, y) => Math.trunc(x / y), A.div),
  Relu: unary(A.relu),
  Tanh: unary(A.tanh),
  Sigmoid: unary(A.sigmoid),
  Exp: unary(A.exp),
  Log: unary(A.log),
  Neg: unary(A.neg),
  Sqrt: unary(A.sqrt),
  Softmax: softmaxLike(A.softmax),
  LogSoftmax: softmaxLike(A.logSoftmax),
  LayerNormalization: layerNormalization,
};
