// Runner of the `onnx_import` family: loads each case's `.onnx` file, feeds its inputs and
// compares every output with PyTorch's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '@recurrent/tensor';
import { type VectorCase, assertClose, decode } from '@recurrent/test-vectors';
import { importOnnx } from '../../src/index.js';

/** Runs one case; throws on the first output outside the tolerance. */
export function runCase(testCase: VectorCase, root: string): void {
  const model = importOnnx(new Uint8Array(readFileSync(join(root, testCase.model as string))));
  const inputs = Object.fromEntries(
    Object.entries(testCase.inputs ?? {}).map(([name, stored]) => {
      const v = decode(stored);
      return [name, tensor(v.data, { shape: v.shape, dtype: v.dtype === 'int32' ? 'int32' : 'float32' })];
    }),
  );
  const outputs = model.forward(inputs);
  for (const [name, expected] of Object.entries(testCase.outputs ?? {})) {
    const actual = outputs[name];
    if (!actual) throw new Error(`${testCase.name}: the model has no output '${name}'`);
    assertClose(`${testCase.name} ${name}`, actual.value, expected);
  }
}
