// The module kind that lets a model file of @recurrent/layers hold a whole imported ONNX graph.
import { option } from '@recurrent/tensor';
import { type Json, type ModuleKind, ModelFileError, type ShapeMap, describeModule } from '@recurrent/layers';
import { Attributes } from './attributes.js';
import { type OnnxGraph, checkOnnxGraph } from './onnxGraph.js';
import { OnnxModel, zeroParameters } from './importOnnx.js';
import { recurrentLayer, recurrentSpec, recurrentStateShapes } from './recurrentNode.js';

/** A graph read from a file, checked (a ModelFileError naming the problem otherwise). */
function graphOf(options: Record<string, unknown>): OnnxGraph {
  try {
    return checkOnnxGraph(options.graph, 'loadModel: OnnxModel graph');
  } catch (error) {
    throw new ModelFileError('bad-options', (error as Error).message);
  }
}

/** The submodule names of a graph's recurrent nodes, in node order. */
const layerNames = (graph: OnnxGraph) => graph.nodes.flatMap((node) => (node.recurrent ? [node.recurrent.module] : []));

/**
 * The model-file kind of an {@link OnnxModel}: pass it in `kinds` to `encodeModel` / `saveModel` /
 * `saveModelFile` and to `decodeModel` / `loadModel` / `loadModelFile` of `@recurrent/layers`.
 * The file holds the graph as JSON in the description (operators, attributes, integer and
 * `Constant` values, input and output declarations), the recurrent nodes as the library's own
 * `LSTM` / `GRU` / `RNN` / `Recurrent` descriptions, and every weight as a float32 tensor under
 * its ONNX (for PyTorch's exporter: state-dict) name. Loading checks the graph field by field,
 * every operator and attribute, that each node reads only values that exist, that each recurrent
 * layer is the one its node describes, and the weight shapes before allocating them; nothing in
 * the file is evaluated as code.
 *
 * @example
 * const model = importOnnx(readFileSync('charlm.onnx'));
 * await saveModelFile(model, 'charlm.safetensors', { kinds: [onnxModelKind] });
 * const { module } = await loadModelFile<OnnxModel>('charlm.safetensors', { kinds: [onnxModelKind] });
 * module.forward({ x: tensor([[1, 2, 3]], { dtype: 'int32' }) }).y;
 */
export const onnxModelKind: ModuleKind = {
  kind: 'OnnxModel',
  matches: (module) => module instanceof OnnxModel,
  describe(module) {
    const model = module as OnnxModel;
    return { options: { graph: JSON.parse(JSON.stringify(model.graph)) as Json }, children: model.recurrentModules() };
  },
  schema: { graph: option.shaped('an ONNX graph description (an object)', (v) => typeof v === 'object' && v !== null && !Array.isArray(v)) },
  required: ['graph'],
  childNames: (options) => layerNames(graphOf(options)),
  parameterShapes(options): ShapeMap {
    // every shape follows from the graph (each recurrent layer's from its node), so a file's
    // tensors are compared with them before anything is allocated
    const graph = graphOf(options);
    const out: ShapeMap = { ...graph.parameters };
    graph.nodes.forEach((node, k) => {
      if (!node.recurrent) return;
      const at = `${node.opType} '${node.name || `node ${k}`}'`;
      if (!['LSTM', 'GRU', 'RNN'].includes(node.opType)) throw new ModelFileError('bad-options', `loadModel: OnnxModel graph: ${at} is no recurrent node, got a recurrent layer for it`);
      let shapes: ShapeMap;
      try {
        shapes = recurrentStateShapes(recurrentSpec(node.opType as 'LSTM', at, new Attributes(node.attributes, at), node.recurrent, node.inputs));
      } catch (error) {
        throw new ModelFileError('bad-options', `loadModel: OnnxModel graph: ${(error as Error).message}`);
      }
      for (const [key, shape] of Object.entries(shapes)) out[`${node.recurrent.module}.${key}`] = shape;
    });
    return out;
  },
  build(options, children) {
    const graph = graphOf(options);
    // each layer must be the one its node describes (kind, sizes, directions, layout, gates)
    graph.nodes.forEach((node, k) => {
      if (!node.recurrent) return;
      const at = `${node.opType} '${node.name || `node ${k}`}'`;
      const spec = recurrentSpec(node.opType as 'LSTM', at, new Attributes(node.attributes, at), node.recurrent, node.inputs);
      const expected = JSON.stringify(describeModule(recurrentLayer(spec)));
      const got = JSON.stringify(describeModule(children[node.recurrent.module]));
      if (expected !== got) throw new Error(`${at}: expected its layer '${node.recurrent.module}' to be ${expected.slice(0, 200)}, got ${got.slice(0, 200)}`);
    });
    return new OnnxModel(graph, zeroParameters(graph), children);
  },
};
