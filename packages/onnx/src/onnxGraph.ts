// An imported ONNX graph as JSON: what a model file keeps of it besides the weights. Checked
// field by field when read back, so a damaged or hostile file is one error naming what was wrong.
import { type JsonAttribute, type JsonRawTensor, floatToJson } from './attributes.js';
import type { RecurrentWeightShapes } from './recurrentNode.js';
import { type OnnxValue, isInt } from './values.js';
import { valueOf } from '@recurrent/autograd';

/** A graph input or output as the file declares it. */
export interface OnnxValueInfo {
  name: string;
  /** `'float32'` or `'int64'` (other element types are named by their ONNX number). */
  dtype: string;
  /** Dimensions: a number, or the name of a dynamic axis (`'batch'`, `'time'`), or null when unnamed. */
  shape: (number | string | null)[];
}

/** One node of an imported graph (its `Constant` nodes are folded into {@link OnnxGraph.constants}). */
export interface OnnxGraphNode {
  opType: string;
  /** The node's name in the file (may be empty). */
  name: string;
  /** Value names read (`''` for an absent optional input). */
  inputs: string[];
  /** Value names written. */
  outputs: string[];
  attributes: Record<string, JsonAttribute>;
  /** For `LSTM` / `GRU` / `RNN`: the submodule holding the node's weights and the shapes of its `W`, `R`, `B`. */
  recurrent?: { module: string } & RecurrentWeightShapes;
}

/**
 * An imported graph as JSON: everything an {@link OnnxModel} evaluates except its weights (the
 * float initializers, by ONNX name, and the recurrent layers, by submodule name).
 */
export interface OnnxGraph {
  /** The default-domain opset. */
  opset: number;
  /** The file's `metadata_props`. */
  metadata: Record<string, string>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  nodes: OnnxGraphNode[];
  /** Values no node computes: integer initializers and `Constant` outputs the nodes read. */
  constants: Record<string, JsonRawTensor>;
  /** The float initializers the non-recurrent nodes read, as parameters: their shapes. */
  parameters: Record<string, number[]>;
}

/** A value as JSON (float32 as ONNX `FLOAT`, integers as `INT64`). */
export function valueToJson(value: OnnxValue): JsonRawTensor {
  if (isInt(value)) return { dataType: 7, shape: [...value.shape], data: [...value.data] };
  const t = valueOf(value);
  return { dataType: 1, shape: [...t.shape], data: Array.from(t.data, floatToJson) };
}

const largest = 2 ** 31 - 1;

/** Checks that a JSON value read from a file is an {@link OnnxGraph}; throws naming the first problem. */
export function checkOnnxGraph(value: unknown, where = 'OnnxModel graph'): OnnxGraph {
  const fail = (path: string, expected: string, got: unknown): never => {
    const text = got === undefined ? 'none' : JSON.stringify(got)?.slice(0, 60) ?? typeof got;
    throw new Error(`${where}: expected ${path} to be ${expected}, got ${text}`);
  };
  const object = (v: unknown, path: string, keys: readonly string[], optional: readonly string[] = []): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) if (!keys.includes(key) && !optional.includes(key)) fail(path, `an object of ${[...keys, ...optional].join(', ')}`, `a key '${key}'`);
    for (const key of keys) if (!Object.hasOwn(record, key)) fail(`${path}.${key}`, 'present', undefined);
    return record;
  };
  const record = (v: unknown, path: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
    return v as Record<string, unknown>;
  };
  const array = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, 'an array', v));
  const string = (v: unknown, path: string) => (typeof v === 'string' ? v : fail(path, 'a string', v));
  const integer = (v: unknown, path: string) => (typeof v === 'number' && Number.isInteger(v) ? v : fail(path, 'an integer', v));
  const jsonFloat = (v: unknown, path: string) => ((typeof v === 'number' && Number.isFinite(v)) || v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? v : fail(path, "a number (or 'NaN', 'Infinity', '-Infinity')", v));
  const dims = (v: unknown, path: string) => array(v, path).map((d, k) => (Number.isSafeInteger(d) && (d as number) >= 0 && (d as number) <= largest ? (d as number) : fail(`${path}[${k}]`, 'a dimension (an integer 0 … 2^31 − 1)', d)));
  const tensor = (v: unknown, path: string): JsonRawTensor => {
    const t = object(v, path, ['dataType', 'shape', 'data']);
    const dataType = integer(t.dataType, `${path}.dataType`);
    if (![1, 2, 3, 6, 7, 9, 11].includes(dataType)) fail(`${path}.dataType`, 'an ONNX element type this package reads (1, 2, 3, 6, 7, 9, 11)', dataType);
    const shape = dims(t.shape, `${path}.shape`);
    const size = shape.reduce((a, b) => a * b, 1);
    const data = array(t.data, `${path}.data`);
    if (data.length !== size) fail(`${path}.data`, `${size} values for shape [${shape.join(', ')}]`, `${data.length} values`);
    data.forEach((d, k) => (dataType === 1 || dataType === 11 ? jsonFloat(d, `${path}.data[${k}]`) : integer(d, `${path}.data[${k}]`)));
    return t as unknown as JsonRawTensor;
  };
  const valueInfo = (v: unknown, path: string) => {
    const info = object(v, path, ['name', 'dtype', 'shape']);
    string(info.name, `${path}.name`);
    string(info.dtype, `${path}.dtype`);
    array(info.shape, `${path}.shape`).forEach((d, k) => (d === null || typeof d === 'string' || (Number.isSafeInteger(d) && (d as number) >= 0) ? d : fail(`${path}.shape[${k}]`, 'a dimension, an axis name or null', d)));
  };
  const attribute = (v: unknown, path: string) => {
    const a = object(v, path, [], ['i', 'f', 's', 't', 'ints', 'floats', 'strings']);
    if (a.i !== undefined) integer(a.i, `${path}.i`);
    if (a.f !== undefined) jsonFloat(a.f, `${path}.f`);
    if (a.s !== undefined) string(a.s, `${path}.s`);
    if (a.t !== undefined) tensor(a.t, `${path}.t`);
    if (a.ints !== undefined) array(a.ints, `${path}.ints`).forEach((d, k) => integer(d, `${path}.ints[${k}]`));
    if (a.floats !== undefined) array(a.floats, `${path}.floats`).forEach((d, k) => jsonFloat(d, `${path}.floats[${k}]`));
    if (a.strings !== undefined) array(a.strings, `${path}.strings`).forEach((d, k) => string(d, `${path}.strings[${k}]`));
  };

  const graph = object(value, 'the graph', ['opset', 'metadata', 'inputs', 'outputs', 'nodes', 'constants', 'parameters']);
  const opset = integer(graph.opset, 'opset');
  if (opset < 1) fail('opset', 'an integer ≥ 1', opset);
  for (const [key, text] of Object.entries(record(graph.metadata, 'metadata'))) string(text, `metadata.${key}`);
  array(graph.inputs, 'inputs').forEach((v, k) => valueInfo(v, `inputs[${k}]`));
  array(graph.outputs, 'outputs').forEach((v, k) => valueInfo(v, `outputs[${k}]`));
  for (const [name, t] of Object.entries(record(graph.constants, 'constants'))) tensor(t, `constants['${name}']`);
  for (const [name, shape] of Object.entries(record(graph.parameters, 'parameters'))) dims(shape, `parameters['${name}']`);
  array(graph.nodes, 'nodes').forEach((v, k) => {
    const path = `nodes[${k}]`;
    const node = object(v, path, ['opType', 'name', 'inputs', 'outputs', 'attributes'], ['recurrent']);
    string(node.opType, `${path}.opType`);
    string(node.name, `${path}.name`);
    array(node.inputs, `${path}.inputs`).forEach((d, j) => string(d, `${path}.inputs[${j}]`));
    array(node.outputs, `${path}.outputs`).forEach((d, j) => string(d, `${path}.outputs[${j}]`));
    for (const [name, a] of Object.entries(record(node.attributes, `${path}.attributes`))) attribute(a, `${path}.attributes.${name}`);
    if (node.recurrent !== undefined) {
      const r = object(node.recurrent, `${path}.recurrent`, ['module', 'W', 'R', 'B']);
      string(r.module, `${path}.recurrent.module`);
      dims(r.W, `${path}.recurrent.W`);
      dims(r.R, `${path}.recurrent.R`);
      if (r.B !== null) dims(r.B, `${path}.recurrent.B`);
    }
  });
  return graph as unknown as OnnxGraph;
}
