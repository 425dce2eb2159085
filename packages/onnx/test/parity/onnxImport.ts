// Runner of the `onnx_import` family: loads each case's `.onnx` file, feeds its inputs and
// compares every output with PyTorch's, both for the imported model and for that model saved as
// a model file of @recurrent/layers and loaded back (onnxModelKind).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '@recurrent/tensor';
import { decodeModel, encodeModel } from '@recurrent/layers';
import { type VectorCase, assertClose, decode } from '@recurrent/test-vectors';
import { type OnnxModel, importOnnx, onnxModelKind } from '../../src/index.js';

/** Runs one case; throws on the first output outside the tolerance. */
export function runCase(testCase: VectorCase, root: string): void {
  const model = importOnnx(new Uint8Array(readFileSync(join(root, testCase.model as string))));
  const kinds = [onnxModelKind];
  const fromFile = decodeModel<OnnxModel>(encodeModel(model, { kinds }), { kinds }).module;
  const inputs = Object.fromEntries(
    Object.entries(testCase.inputs ?? {}).map(([name, stored]) => {
      const v = decode(stored);
      return [name, tensor(v.data, { shape: v.shape, dtype: v.dtype === 'int32' ? 'int32' : 'float32' })];
    }),
  );
  for (const [label, outputs] of [['', model.forward(inputs)], [' (through a model file)', fromFile.forward(inputs)]] as const) {
    for (const [name, expected] of Object.entries(testCase.outputs ?? {})) {
      const actual = outputs[name];
      if (!actual) throw new Error(`${testCase.name}${label}: the model has no output '${name}'`);
      assertClose(`${testCase.name}${label} ${name}`, actual.value, expected);
    }
  }
}
