import { type Tensor, fromData } from '@recurrent/tensor';
import { Module, Parameter, Variable, valueOf } from '@recurrent/autograd';
import { Attributes } from './attributes.js';
import { type NodeContext, operators, rawToValue } from './operators.js';
import { type ModelProto, type NodeProto, decodeModel, readTensor, toNumber } from './proto.js';
import { type RecurrentNode, buildRecurrentNode } from './recurrentNode.js';
import { type FloatValue, IntTensor, type OnnxValue, fromUserInput, isInt } from './values.js';

/** A graph input or output as the file declares it. */
export interface OnnxValueInfo {
  name: string;
  /** `'float32'` or `'int64'` (other element types are named by their ONNX number). */
  dtype: string;
  /** Dimensions: a number, or the name of a dynamic axis (`'batch'`, `'time'`), or null when unnamed. */
  shape: (number | string | null)[];
}

/** One node of the imported graph and what runs it. */
interface Step {
  node: NodeProto;
  where: string;
  attributes: Attributes;
  opset: number;
  recurrent: RecurrentNode | null;
}

const recurrentKinds = new Set(['LSTM', 'GRU', 'RNN']);
const elementTypes: Record<number, string> = { 1: 'float32', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };

/**
 * An ONNX graph imported as a library module. Every `LSTM`, `GRU` and `RNN` node becomes one of
 * the library's layers (`LSTM`, `GRU`, `RNN`; a `GRU` with `linear_before_reset = 0` becomes a
 * `Recurrent` / `Bidirectional` of `GRUCell({ resetAfter: false })`), with its weights moved from
 * ONNX's gate order (`i, o, f, c`; `z, r, h`) to PyTorch's (`i, f, g, o`; `r, z, n`). The float
 * initializers the other nodes read become parameters under their ONNX names (PyTorch's exporter
 * keeps its state-dict names there, e.g. `embedding.weight`), and those nodes run as the library's
 * differentiable ops, so the imported model can be evaluated and fine-tuned.
 *
 * Shapes are the graph's own: `forward` takes the graph inputs by name and returns every graph
 * output by name.
 *
 * @example
 * const model = importOnnx(readFileSync('model.onnx'));
 * const { y, h_n } = model.forward({ x: tensor(tokens, { dtype: 'int32' }) });
 * model.recurrentLayers(); // [{ node: '/rnn/LSTM', module: LSTM }]
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
  private readonly steps: Step[] = [];
  private readonly constants = new Map<string, OnnxValue>();
  private readonly parameterByName = new Map<string, Parameter>();

  constructor(model: ModelProto) {
    super();
    const graph = model.graph;
    if (!graph) throw new Error('ONNX import: expected a model with a graph, got none');
    let opset = 0;
    for (const entry of model.opsetImport ?? []) {
      const domain = entry.domain ?? '';
      if (domain === '' || domain === 'ai.onnx') opset = toNumber(entry.version);
    }
    if (opset === 0) throw new Error('ONNX import: expected an opset import of the default domain, got none');
    this.opset = opset;
    this.metadata = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
    const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
    this.inputs = (graph.input ?? []).filter((i) => !initializerNames.has(i.name ?? '')).map(describe);
    this.outputs = (graph.output ?? []).map(describe);

    // Which initializers only feed recurrent nodes' weights (those live in the layers instead).
    const nodes = graph.node ?? [];
    const weightUse = new Map<string, { weights: number; other: number }>();
    for (const node of nodes) {
      (node.input ?? []).forEach((name, k) => {
        const use = weightUse.get(name) ?? { weights: 0, other: 0 };
        if (recurrentKinds.has(node.opType ?? '') && k >= 1 && k <= 3) use.weights++;
        else use.other++;
        weightUse.set(name, use);
      });
    }
    for (const t of graph.initializer ?? []) {
      const name = t.name ?? '';
      const value = rawToValue(readTensor(t, `initializer '${name}'`));
      if (!isInt(value) && (weightUse.get(name)?.other ?? 0) > 0) {
        const parameter = this.registerParameter(name, new Parameter(value as Tensor));
        this.parameterByName.set(name, parameter);
      } else this.constants.set(name, value);
    }

    const taken = new Set<string>();
    for (const [k, node] of nodes.entries()) {
      const opType = node.opType ?? '';
      const where = `${opType} '${node.name || `node ${k}`}'`;
      if (node.domain && node.domain !== 'ai.onnx') throw new Error(`ONNX import: unsupported operator '${node.domain}.${opType}' in node '${node.name ?? k}'`);
      const attributes = new Attributes(node, where);
      let recurrent: RecurrentNode | null = null;
      if (recurrentKinds.has(opType)) {
        const inputNames = node.input ?? [];
        const constant = (name: string | undefined): FloatValue | null => {
          const v = name ? this.constants.get(name) ?? this.parameterByName.get(name)?.value : undefined;
          return v && !isInt(v) ? valueOf(v as FloatValue) : null;
        };
        recurrent = buildRecurrentNode(opType as 'LSTM' | 'GRU' | 'RNN', where, attributes, inputNames.map(constant), inputNames);
        let name = (node.name || `${opType.toLowerCase()}${k}`).replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+/, '');
        while (taken.has(name) || this.parameterByName.has(name)) name += '_';
        taken.add(name);
        this.registerModule(name, recurrent.module);
      } else if (!operators[opType]) {
        throw new Error(`ONNX import: unsupported operator '${opType}' in node '${node.name || `node ${k}`}'`);
      }
      if (opType === 'Constant') {
        // Constants are evaluated once, now, so recurrent weights given as Constant nodes are known.
        const outs = operators.Constant({ where, opset, inputs: [], attributes });
        this.constants.set(node.output![0], outs[0]);
        continue;
      }
      const unread = attributes.unread();
      if (recurrent && unread.length > 0) throw new Error(`ONNX import: ${where} has attributes this importer does not implement: ${unread.join(', ')}`);
      this.steps.push({ node, where, attributes, opset, recurrent });
    }
  }

  /** The library layers the recurrent nodes became, with the node each came from. */
  recurrentLayers(): { node: string; module: Module }[] {
    return this.steps.filter((s) => s.recurrent).map((s) => ({ node: s.node.name ?? '', module: s.recurrent!.module }));
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
      const names = step.node.input ?? [];
      const args = names.map((name) => {
        if (!name) return null;
        const value = values.get(name);
        if (value === undefined) throw new Error(`ONNX model: ${step.where} needs '${name}', which no input or earlier node gives`);
        return value;
      });
      const context: NodeContext = { where: step.where, opset: step.opset, inputs: args, attributes: step.attributes };
      const outs = step.recurrent ? step.recurrent.run(args) : operators[step.node.opType!](context);
      if (!step.recurrent) {
        const unread = step.attributes.unread();
        if (unread.length > 0) throw new Error(`ONNX model: ${step.where} has attributes this importer does not implement: ${unread.join(', ')}`);
      }
      (step.node.output ?? []).forEach((name, k) => {
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
  return new OnnxModel(decodeModel(bytes));
}
