import { type Tensor, fromData, zeros } from '@recurrent/tensor';
import { Module, Parameter, Variable, valueOf } from '@recurrent/autograd';
import { Attributes, type JsonRawTensor, floatFromJson, nodeAttributesToJson } from './attributes.js';
import { type OnnxGraph, type OnnxGraphNode, type OnnxValueInfo, valueToJson } from './onnxGraph.js';
import { type NodeContext, operators, rawToValue } from './operators.js';
import { type ModelProto, decodeModel, readTensor, toNumber } from './proto.js';
import { type RecurrentNode, bindRecurrentNode, recurrentLayer, recurrentSpec, recurrentStateDict } from './recurrentNode.js';
import { type FloatValue, IntTensor, type OnnxValue, fromUserInput, isInt } from './values.js';

export type { OnnxValueInfo } from './onnxGraph.js';

/** One node of the graph and what runs it. */
interface Step {
  node: OnnxGraphNode;
  where: string;
  attributes: Attributes;
  recurrent: RecurrentNode | null;
}

const recurrentKinds = new Set(['LSTM', 'GRU', 'RNN']);
const elementTypes: Record<number, string> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };
const where = (node: OnnxGraphNode, k: number) => `${node.opType} '${node.name || `node ${k}`}'`;
/** Whether input `k` of a node is a recurrent weight (`W`, `R`, `B`: held by the node's layer). */
const isRecurrentWeight = (node: OnnxGraphNode, k: number) => recurrentKinds.has(node.opType) && k >= 1 && k <= 3;

/** A JSON tensor as a graph value (float types as float32 tensors, the rest as integers). */
function valueFromJson(t: JsonRawTensor, name: string): OnnxValue {
  const data = t.data.map((v) => floatFromJson(v, `constant '${name}'`));
  return t.dataType === 1 || t.dataType === 11 ? fromData(Float32Array.from(data), t.shape) : new IntTensor(t.shape, data);
}

/**
 * An ONNX graph imported as a library module. Every `LSTM`, `GRU` and `RNN` node becomes one of
 * the library's layers (`LSTM`, `GRU`, `RNN`; a `GRU` with `linear_before_reset = 0` becomes a
 * `Recurrent` / `Bidirectional` of `GRUCell({ resetAfter: false })`, or a `GRU({ resetAfter:
 * false })` with hard-sigmoid gates), with its weights moved from ONNX's gate order (`i, o, f,
 * c`; `z, r, h`) to PyTorch's (`i, f, g, o`; `r, z, n`). The float initializers the other nodes
 * read become parameters under their ONNX names (PyTorch's exporter keeps its state-dict names
 * there, e.g. `embedding.weight`), and those nodes run as the library's differentiable ops, so the
 * imported model can be evaluated and fine-tuned.
 *
 * The whole model saves as a model file of `@recurrent/layers` with {@link onnxModelKind}: the
 * graph as JSON ({@link OnnxModel.graph}), the weights as tensors.
 *
 * Shapes are the graph's own: `forward` takes the graph inputs by name and returns every graph
 * output by name.
 *
 * @example
 * const model = importOnnx(readFileSync('model.onnx'));
 * const { y, h_n } = model.forward({ x: tensor(tokens, { dtype: 'int32' }) });
 * model.recurrentLayers(); // [{ node: '/rnn/LSTM', module: LSTM }]
 * const bytes = encodeModel(model, { kinds: [onnxModelKind] });
 */
export class OnnxModel extends Module {
  /** The graph inputs (initializers excluded), in file order. */
  readonly inputs: OnnxValueInfo[];
  /** The graph outputs, in file order. */
  readonly outputs: OnnxValueInfo[];
  /** The default-domain opset the graph was written for. */
  readonly opset: number;
  /** The file's `metadata_props` (key → value). */
  readonly metadata: Record<string, string>;
  /** The graph as JSON (what a model file keeps besides the weights). */
  readonly graph: OnnxGraph;
  private readonly steps: Step[] = [];
  private readonly constants = new Map<string, OnnxValue>();
  private readonly parameterByName = new Map<string, Parameter>();
  private readonly layers: Record<string, Module> = {};

  /**
   * The model of a graph with its weights: `parameters` by ONNX name (the shapes
   * `graph.parameters` gives) and the recurrent nodes' layers by submodule name. Every node's
   * operator, attributes and inputs are checked here, so a graph that cannot run is refused
   * before any input comes. Use {@link importOnnx} for a file.
   */
  constructor(graph: OnnxGraph, parameters: Record<string, Tensor>, layers: Record<string, Module>) {
    super();
    this.graph = graph;
    this.opset = graph.opset;
    this.metadata = { ...graph.metadata };
    this.inputs = graph.inputs;
    this.outputs = graph.outputs;
    const known = new Set<string>(graph.inputs.map((i) => i.name));
    for (const [name, shape] of Object.entries(graph.parameters)) {
      const value = parameters[name];
      if (!value || value.shape.length !== shape.length || value.shape.some((d, k) => d !== shape[k])) {
        throw new Error(`OnnxModel: expected parameter '${name}' [${shape.join(', ')}], got ${value ? `[${value.shape.join(', ')}]` : 'none'}`);
      }
      this.parameterByName.set(name, this.registerParameter(name, new Parameter(value)));
      known.add(name);
    }
    for (const [name, t] of Object.entries(graph.constants)) {
      this.constants.set(name, valueFromJson(t, name));
      known.add(name);
    }
    graph.nodes.forEach((node, k) => {
      const at = where(node, k);
      const attributes = new Attributes(node.attributes, at);
      let recurrent: RecurrentNode | null = null;
      if (recurrentKinds.has(node.opType)) {
        if (!node.recurrent) throw new Error(`OnnxModel: ${at} has no recurrent layer named`);
        const module = layers[node.recurrent.module];
        if (!module) throw new Error(`OnnxModel: ${at} expected its layer '${node.recurrent.module}', got none`);
        const spec = recurrentSpec(node.opType as 'LSTM', at, attributes, node.recurrent, node.inputs);
        recurrent = bindRecurrentNode(spec, at, module);
        this.layers[node.recurrent.module] = module;
        this.registerModule(node.recurrent.module, module);
        const unread = attributes.unread();
        if (unread.length > 0) throw new Error(`ONNX import: ${at} has attributes this importer does not implement: ${unread.join(', ')}`);
      } else if (!operators[node.opType] || node.opType === 'Constant') {
        throw new Error(`ONNX import: unsupported operator '${node.opType}' in node '${node.name || `node ${k}`}'`);
      } else if (node.recurrent) throw new Error(`OnnxModel: ${at} is no recurrent node, got a recurrent layer for it`);
      node.inputs.forEach((name, j) => {
        if (name && !isRecurrentWeight(node, j) && !known.has(name)) throw new Error(`ONNX model: ${at} needs '${name}', which no input or earlier node gives`);
      });
      for (const name of node.outputs) if (name) known.add(name);
      this.steps.push({ node, where: at, attributes, recurrent });
    });
    for (const info of graph.outputs) if (!known.has(info.name)) throw new Error(`ONNX model: output '${info.name}' is computed by no node`);
  }

  /** The library layers the recurrent nodes became, with the node each came from. */
  recurrentLayers(): { node: string; module: Module }[] {
    return this.steps.filter((s) => s.recurrent).map((s) => ({ node: s.node.name, module: s.recurrent!.module }));
  }

  /** The recurrent layers by submodule name (the model file's children). */
  recurrentModules(): Record<string, Module> {
    return { ...this.layers };
  }

  /**
   * Evaluates the graph. `inputs` by graph input name: float32 tensors (or variables) and int32
   * tensors where the graph takes int64 (token ids). Optional graph inputs (an initial state) may
   * be left out when the graph allows it. Returns every graph output by name (integer outputs as
   * int32).
   */
  forward(inputs: Record<string, Tensor | Variable>): Record<string, Variable> {
    const values = new Map<string, OnnxValue>(this.constants);
    for (const [name, parameter] of this.parameterByName) values.set(name, parameter);
    const known = new Set(this.inputs.map((i) => i.name));
    for (const name of Object.keys(inputs)) {
      if (!known.has(name)) throw new Error(`ONNX model: expected inputs named ${[...known].map((n) => `'${n}'`).join(', ')}, got '${name}'`);
    }
    for (const info of this.inputs) {
      const given = inputs[info.name];
      if (!given) continue;
      const value = fromUserInput(given as Tensor);
      const shape = isInt(value) ? value.shape : valueOf(value).shape;
      if (shape.length !== info.shape.length || info.shape.some((d, k) => typeof d === 'number' && d !== shape[k])) {
        throw new Error(`ONNX model: expected input '${info.name}' [${info.shape.map((d) => d ?? '?').join(', ')}], got [${shape.join(', ')}]`);
      }
      values.set(info.name, value);
    }
    for (const step of this.steps) {
      const args = step.node.inputs.map((name, k) => {
        if (!name || (step.recurrent && isRecurrentWeight(step.node, k))) return null;
        const value = values.get(name);
        if (value === undefined) throw new Error(`ONNX model: ${step.where} needs '${name}', which no input or earlier node gives`);
        return value;
      });
      const context: NodeContext = { where: step.where, opset: this.opset, inputs: args, attributes: step.attributes };
      const outs = step.recurrent ? step.recurrent.run(args) : operators[step.node.opType](context);
      if (!step.recurrent) {
        const unread = step.attributes.unread();
        if (unread.length > 0) throw new Error(`ONNX model: ${step.where} has attributes this importer does not implement: ${unread.join(', ')}`);
      }
      step.node.outputs.forEach((name, k) => {
        if (name && outs[k] !== undefined) values.set(name, outs[k]);
      });
    }
    const result: Record<string, Variable> = {};
    for (const info of this.outputs) {
      const value = values.get(info.name);
      if (value === undefined) throw new Error(`ONNX model: output '${info.name}' was never computed`);
      result[info.name] = asVariable(value);
    }
    return result;
  }
}

function asVariable(value: OnnxValue): Variable {
  if (value instanceof IntTensor) return new Variable(fromData(Int32Array.from(value.data), value.shape));
  return value instanceof Variable ? value : new Variable(value);
}

function describe(info: { name?: string | null; type?: { tensorType?: { elemType?: number | null; shape?: { dim?: { dimValue?: unknown; dimParam?: string | null }[] | null } | null } | null } | null }): OnnxValueInfo {
  const tensorType = info.type?.tensorType;
  const dims = tensorType?.shape?.dim ?? [];
  return {
    name: info.name ?? '',
    dtype: elementTypes[tensorType?.elemType ?? 0] ?? String(tensorType?.elemType ?? 'unknown'),
    shape: dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? toNumber(d.dimValue as number) : null)),
  };
}

/** Reads a decoded file into a graph, its parameters and its recurrent layers. */
function readModel(model: ModelProto): OnnxModel {
  const graph = model.graph;
  if (!graph) throw new Error('ONNX import: expected a model with a graph, got none');
  let opset = 0;
  for (const entry of model.opsetImport ?? []) {
    const domain = entry.domain ?? '';
    if (domain === '' || domain === 'ai.onnx') opset = toNumber(entry.version);
  }
  if (opset === 0) throw new Error('ONNX import: expected an opset import of the default domain, got none');
  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const nodes = graph.node ?? [];

  // Which initializers only feed recurrent nodes' weights (those live in the layers instead).
  const weightUse = new Map<string, { weights: number; other: number }>();
  for (const node of nodes) {
    (node.input ?? []).forEach((name, k) => {
      const use = weightUse.get(name) ?? { weights: 0, other: 0 };
      if (recurrentKinds.has(node.opType ?? '') && k >= 1 && k <= 3) use.weights++;
      else use.other++;
      weightUse.set(name, use);
    });
  }
  const parameters: Record<string, Tensor> = {};
  const constants = new Map<string, OnnxValue>();
  for (const t of graph.initializer ?? []) {
    const name = t.name ?? '';
    const value = rawToValue(readTensor(t, `initializer '${name}'`));
    if (!isInt(value) && (weightUse.get(name)?.other ?? 0) > 0) parameters[name] = value as Tensor;
    else constants.set(name, value);
  }

  const kept: OnnxGraphNode[] = [];
  const layers: Record<string, Module> = {};
  const taken = new Set<string>();
  for (const [k, node] of nodes.entries()) {
    const opType = node.opType ?? '';
    const at = `${opType} '${node.name || `node ${k}`}'`;
    if (node.domain && node.domain !== 'ai.onnx') throw new Error(`ONNX import: unsupported operator '${node.domain}.${opType}' in node '${node.name ?? k}'`);
    const entry: OnnxGraphNode = { opType, name: node.name ?? '', inputs: [...(node.input ?? [])], outputs: [...(node.output ?? [])], attributes: nodeAttributesToJson(node, at) };
    if (recurrentKinds.has(opType)) {
      const constant = (name: string | undefined): FloatValue | null => {
        const v = name ? constants.get(name) ?? parameters[name] : undefined;
        return v && !isInt(v) ? valueOf(v as FloatValue) : null;
      };
      const [, W, R, B] = entry.inputs.map(constant);
      if (!W || !R) throw new Error(`${at}: expected W and R as initializers or constants, got computed values`);
      if (entry.inputs[3] && !B) throw new Error(`${at}: expected B as an initializer or constant, got a computed value`);
      const shapes = { W: [...valueOf(W).shape], R: [...valueOf(R).shape], B: B ? [...valueOf(B).shape] : null };
      const spec = recurrentSpec(opType as 'LSTM', at, new Attributes(entry.attributes, at), shapes, entry.inputs);
      const layer = recurrentLayer(spec);
      layer.loadStateDict(recurrentStateDict(spec, W, R, B ?? null));
      let name = (node.name || `${opType.toLowerCase()}${k}`).replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+/, '');
      while (taken.has(name) || Object.hasOwn(parameters, name) || name === '') name += '_';
      taken.add(name);
      layers[name] = layer;
      entry.recurrent = { module: name, ...shapes };
    } else if (!operators[opType]) {
      throw new Error(`ONNX import: unsupported operator '${opType}' in node '${node.name || `node ${k}`}'`);
    }
    if (opType === 'Constant') {
      // Constants are evaluated once, now, so recurrent weights given as Constant nodes are known.
      const attributes = new Attributes(entry.attributes, at);
      const outs = operators.Constant({ where: at, opset, inputs: [], attributes });
      const unread = attributes.unread();
      if (unread.length > 0) throw new Error(`ONNX import: ${at} has attributes this importer does not implement: ${unread.join(', ')}`);
      constants.set(entry.outputs[0], outs[0]);
      continue;
    }
    kept.push(entry);
  }
  // The constants the kept nodes read (recurrent weights stay in their layers).
  const read = new Set<string>();
  for (const node of kept) node.inputs.forEach((name, k) => { if (name && !isRecurrentWeight(node, k)) read.add(name); });
  const graphConstants = Object.fromEntries([...constants].filter(([name]) => read.has(name) || (graph.output ?? []).some((o) => o.name === name)).map(([name, value]) => [name, valueToJson(value)]));
  const used = Object.fromEntries(Object.entries(parameters).filter(([name]) => read.has(name)));
  const description: OnnxGraph = {
    opset,
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
    inputs: (graph.input ?? []).filter((i) => !initializerNames.has(i.name ?? '')).map(describe),
    outputs: (graph.output ?? []).map(describe),
    nodes: kept,
    constants: graphConstants,
    parameters: Object.fromEntries(Object.entries(used).map(([name, t]) => [name, [...t.shape]])),
  };
  return new OnnxModel(description, used, layers);
}

/** Zero parameters of the shapes a graph names (a model file's weights are loaded into them). */
export function zeroParameters(graph: OnnxGraph): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(graph.parameters).map(([name, shape]) => [name, zeros(shape)]));
}

/**
 * Reads an `.onnx` file (the bytes) into an {@link OnnxModel}: the graph's recurrent nodes as the
 * library's layers, the rest as the library's ops. Throws, naming the operator and the node, for
 * anything it cannot reproduce exactly.
 *
 * @example
 * const model = importOnnx(readFileSync('lstm.onnx'));
 * const { y } = model.forward({ x: randn([2, 5, 4], new Generator(0)) });
 */
export function importOnnx(bytes: Uint8Array): OnnxModel {
  return readModel(decodeModel(bytes));
}
