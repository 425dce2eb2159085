// A whole imported ONNX graph as a model file of @recurrent/layers: every fixture model (written
// by torch.onnx.export) → model file → load → PyTorch's outputs; damaged graphs refused at load.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, tensor } from '@recurrent/tensor';
import { ModelFileError, decodeModel, encodeModel } from '@recurrent/layers';
import { loadModelFile, saveModelFile } from '@recurrent/layers/node';
import { type VectorCase, assertClose, decode, loadVectors, onnxVectorsDir } from '@recurrent/test-vectors';
import { OnnxModel, importOnnx, onnxModelKind } from '../src/index.js';

const root = process.env.ONNX_VECTORS ? resolve(process.env.ONNX_VECTORS) : onnxVectorsDir;
const file = loadVectors('onnx_import.json', root);
const kinds = [onnxModelKind];
const dir = mkdtempSync(join(tmpdir(), 'onnx-model-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inputsOf = (testCase: VectorCase) => Object.fromEntries(
  Object.entries(testCase.inputs ?? {}).map(([name, stored]) => {
    const v = decode(stored);
    return [name, tensor(v.data, { shape: v.shape, dtype: v.dtype === 'int32' ? 'int32' : 'float32' })];
  }),
);
const onnxBytes = (testCase: VectorCase) => new Uint8Array(readFileSync(join(root, testCase.model as string)));

/** A model file whose description's graph was changed by `edit` (the weights, and so the checksum, kept). */
function withGraph(bytes: Uint8Array, edit: (graph: Record<string, any>, module: Record<string, any>) => void): Uint8Array {
  const decoded = decodeSafetensors(bytes);
  const description = JSON.parse(decoded.metadata!.recurrent);
  edit(description.module.options.graph, description.module);
  return encodeSafetensors(decoded.tensors, { ...decoded.metadata, recurrent: JSON.stringify(description) });
}

describe('an imported ONNX graph as a model file', () => {
  it('has the nine fixture models', () => {
    expect(file.cases.length).toBe(9);
  });

  it.each(file.cases.map((c) => [c.name, c] as const))('%s: import → model file → load gives PyTorch\'s outputs', (name, testCase) => {
    const imported = importOnnx(onnxBytes(testCase));
    const path = join(dir, `${name}.safetensors`);
    saveModelFile(imported, path, { kinds });
    const { module, description } = loadModelFile<OnnxModel>(path, { kinds });
    expect(module).toBeInstanceOf(OnnxModel);
    expect(description.module.kind).toBe('OnnxModel');
    // the recurrent nodes are the library's own layer kinds in the file
    expect(Object.values(description.module.children ?? {}).map((c) => c.kind).sort()).toEqual(imported.recurrentLayers().map((l) => l.module.constructor.name).sort());
    const inputs = inputsOf(testCase);
    const loaded = module.forward(inputs);
    const original = imported.forward(inputs);
    for (const [output, expected] of Object.entries(testCase.outputs ?? {})) {
      assertClose(`${name} ${output}`, loaded[output].value, expected);
      expect(Array.from(loaded[output].value.data)).toEqual(Array.from(original[output].value.data));
    }
  });

  it('keeps the weights under their ONNX names, beside the layers\' PyTorch names', () => {
    const testCase = file.cases.find((c) => c.name.startsWith('lstm'))!;
    const bytes = encodeModel(importOnnx(onnxBytes(testCase)), { kinds });
    const names = Object.keys(decodeSafetensors(bytes).tensors);
    expect(names.some((n) => /\.weight_ih_l0$/.test(n))).toBe(true);
  });

  it('refuses a file whose graph was damaged, naming what is wrong', () => {
    const testCase = file.cases[0];
    const bytes = encodeModel(importOnnx(onnxBytes(testCase)), { kinds });
    expect(decodeModel<OnnxModel>(bytes, { kinds }).module).toBeInstanceOf(OnnxModel);
    const refused = (edit: (graph: Record<string, any>, module: Record<string, any>) => void) => {
      try {
        decodeModel(withGraph(bytes, edit), { kinds });
      } catch (error) {
        expect(error).toBeInstanceOf(ModelFileError);
        return (error as Error).message;
      }
      throw new Error('expected the damaged file to be refused');
    };
    expect(refused((g) => { g.nodes[g.nodes.length - 1].opType = 'Erf'; })).toMatch(/unsupported operator 'Erf'/);
    expect(refused((g) => { g.nodes[g.nodes.length - 1].inputs[0] = 'nowhere'; })).toMatch(/needs 'nowhere', which no input or earlier node gives/);
    expect(refused((g) => { g.nodes[0].attributes.axis = { i: 'one' }; })).toMatch(/expected nodes\[0\]\.attributes\.axis\.i to be an integer, got "one"/);
    expect(refused((g) => { g.extra = 1; })).toMatch(/expected the graph to be an object of opset, metadata/);
    expect(refused((g) => { const node = g.nodes.find((n: any) => n.recurrent); node.attributes.hidden_size = { i: 3 }; })).toMatch(/expected (W|R)/);
    expect(refused((g) => { const node = g.nodes.find((n: any) => n.recurrent); node.attributes.direction = { s: 'bidirectional' }; })).toMatch(/expected W \[2, /);
    expect(refused((_g, m) => { const child = Object.values(m.children)[0] as any; child.options.batchFirst = !child.options.batchFirst; })).toMatch(/expected its layer '.*' to be/);
    expect(refused((g) => { const name = Object.keys(g.constants)[0]; g.constants[name].data.push(1); })).toMatch(/values for shape/);
  });

  it('compares every weight shape the graph implies with the file before allocating', () => {
    const charlm = file.cases.find((c) => c.name.startsWith('charlm'))!;
    const bytes = encodeModel(importOnnx(onnxBytes(charlm)), { kinds });
    const damaged = withGraph(bytes, (g) => { const name = Object.keys(g.parameters)[0]; g.parameters[name] = [2 ** 30, 2 ** 10]; });
    expect(() => decodeModel(damaged, { kinds })).toThrow(/expected '.*' \[.*\] as the file holds it, got \[1073741824, 1024\] from the options/);
    const wide = withGraph(bytes, (g) => { const node = g.nodes.find((n: any) => n.recurrent); node.recurrent.W[2] = 2 ** 30; });
    expect(() => decodeModel(wide, { kinds })).toThrow(/as the file holds it, got \[\d+, 1073741824\] from the options/);
  });

  it('refuses a file without the kind, naming it', () => {
    const bytes = encodeModel(importOnnx(onnxBytes(file.cases[0])), { kinds });
    expect(() => decodeModel(bytes)).toThrow(/expected a known module kind .*got 'OnnxModel'/);
    expect(() => encodeModel(importOnnx(onnxBytes(file.cases[0])))).toThrow(/got a OnnxModel at model/);
  });
});
