import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { type Tensor, fromData } from '@recurrent/tensor';
import { LSTM, decodeModel, encodeModel } from '@recurrent/layers';
import { type OnnxModel, exportOnnx, importOnnx, onnxExample, onnxModelKind, runStages } from '../src/index.js';
import { exportCases } from './exportCases.js';

/** Largest |a − b| over two tensors of the same shape (the shapes must match). */
function maxError(actual: { dims: readonly number[]; data: ArrayLike<number> }, expected: Tensor): number {
  expect([...actual.dims]).toEqual([...expected.shape]);
  let worst = 0;
  for (let i = 0; i < expected.size; i++) worst = Math.max(worst, Math.abs(actual.data[i] - expected.data[i]));
  return worst;
}

const feeds = (inputs: Record<string, Tensor>) =>
  Object.fromEntries(Object.entries(inputs).map(([name, t]) => [
    name,
    name === 'lengths' ? new ort.Tensor('int32', Int32Array.from(t.data), [...t.shape]) : t.dtype === 'int32' ? new ort.Tensor('int64', BigInt64Array.from(Array.from(t.data, (v) => BigInt(v))), [...t.shape]) : new ort.Tensor('float32', Float32Array.from(t.data), [...t.shape]),
  ]));

describe('exportOnnx in onnxruntime-node', () => {
  for (const c of exportCases()) {
    it(`${c.name}: onnxruntime and the re-imported model match the library within 1e-5`, async () => {
      const bytes = exportOnnx(c.stages, c.options);
      const session = await ort.InferenceSession.create(bytes);
      const example = onnxExample(c.stages, c.inputs(2, 5, 1), c.options);
      expect(Object.keys(example.outputs)).toEqual(session.outputNames);
      expect(Object.keys(example.inputs)).toEqual(session.inputNames);
      const errors: string[] = [];
      // library → ONNX → library, then through a model file of the whole imported graph
      const kinds = [onnxModelKind];
      const fromFile = decodeModel<OnnxModel>(encodeModel(importOnnx(bytes), { kinds }), { kinds }).module;
      // the example's batch and length, then other ones (dynamic axes)
      for (const [batch, time] of [[2, 5], [3, 8], [1, 1]]) {
        const inputs = c.inputs(batch, time, batch * 10 + time);
        const expected = runStages(c.stages, inputs, c.options);
        const results = await session.run(feeds(inputs));
        const reimported = importOnnx(bytes).forward(inputs);
        for (const [name, want] of Object.entries(expected)) {
          const fromOrt = maxError(results[name] as unknown as { dims: number[]; data: Float32Array }, want);
          const back = reimported[name].value;
          const fromImport = maxError({ dims: back.shape, data: back.data }, want);
          expect(fromOrt).toBeLessThanOrEqual(1e-5);
          expect(fromImport).toBeLessThanOrEqual(1e-5);
          expect(Array.from(fromFile.forward(inputs)[name].value.data)).toEqual(Array.from(back.data));
          errors.push(`${name}[${batch}×${time}] ort ${fromOrt.toExponential(1)} import ${fromImport.toExponential(1)}`);
        }
      }
      console.log(`${c.name}: max |error| ${errors.join(', ')}`);
    });
  }

  it('refuses what ONNX cannot express, naming it', () => {
    const [, lstm] = exportCases()[0].stages;
    expect(() => exportOnnx([lstm, 'gelu' as never])).toThrow("'softmax', 'logSoftmax' or 'lastStep', got \"gelu\"");
    expect(() => exportOnnx([lstm], { opset: 13 })).toThrow('expected opset an integer ≥ 14, got 13');
    expect(() => exportOnnx([new LSTM({ inputSize: 2, hiddenSize: 3, projSize: 2 })])).toThrow('expected an LSTM without projSize');
    expect(() => exportOnnx([new LSTM({ inputSize: 2, hiddenSize: 3, peephole: true })])).toThrow('expected an LSTM without peepholes');
    expect(() => exportOnnx([lstm], { dynamic: true } as never)).toThrow("got 'dynamic'");
    expect(fromData).toBeTypeOf('function');
  });
});
