import { type Tensor, fromData, isTensor } from '@recurrent/tensor';
import { type Variable, logSoftmax, narrow, noGrad, permute, reshape, softmax, stack, valueOf } from '@recurrent/autograd';
import { Bidirectional, Dropout, Embedding, type LSTM, LayerNorm, Linear, Recurrent } from '@recurrent/layers';
import { recurrentView } from './recurrentView.js';
import { type OnnxExportOptions, type OnnxStage, checkExportOptions, onnxSignature } from './exportOnnx.js';

/** A tensor in the vectors' JSON format (`{ shape, dtype, data }`, flat row-major). */
export interface JsonTensor {
  shape: number[];
  dtype: 'float32' | 'int64' | 'int32';
  data: number[];
}

/**
 * Runs the stages in the library exactly as {@link exportOnnx} lays out the graph (batch-first
 * `x`, `h0` / `c0` and `h_n` / `c_n` as `[batch, layers·directions, hidden]`), in evaluation
 * mode: the outputs the exported file must reproduce. `x` is int32 token ids `[batch, time]` when
 * the first stage is an Embedding, else float32 `[batch, time, features]`; `lengths` (with the
 * `lengths` option) int32 `[batch]`.
 *
 * @example
 * const { y, h_n } = runStages([lstm, head], { x });
 */
export function runStages(stages: readonly OnnxStage[], inputs: Record<string, Tensor>, options: OnnxExportOptions = {}): Record<string, Tensor> {
  checkExportOptions('runStages', options);
  const signature = onnxSignature(stages, options);
  const expected = new Set(signature.inputs.map((i) => i.name));
  for (const name of Object.keys(inputs)) if (!expected.has(name)) throw new Error(`runStages: expected inputs ${[...expected].join(', ')}, got '${name}'`);
  for (const name of expected) if (!inputs[name]) throw new Error(`runStages: expected input '${name}', got none`);
  const modules = stages.filter((s): s is Exclude<OnnxStage, string> => typeof s !== 'string');
  const modes = modules.map((m) => m.training);
  modules.forEach((m) => m.eval());
  const outputs: Record<string, Tensor> = {};
  try {
    noGrad(() => {
      let current: Variable | Tensor = inputs.x;
      let recurrentIndex = 0;
      const recurrentCount = stages.filter((s) => recurrentView(s) !== null).length;
      for (const stage of stages) {
        const view = recurrentView(stage);
        if (stage instanceof Embedding) current = stage.forward(valueOf(current));
        else if (view) {
          const s = recurrentCount > 1 ? `_${recurrentIndex++}` : '';
          // [batch, L·D, H] ↔ the layer's [L·D, batch, H]
          const swap = (t: Tensor | Variable) => permute(t, [1, 0, 2]);
          const h0 = inputs[`h0${s}`] ? swap(inputs[`h0${s}`]) : null;
          const c0 = inputs[`c0${s}`] ? swap(inputs[`c0${s}`]) : null;
          const lengths = inputs.lengths ? Array.from(inputs.lengths.data) : null;
          const x = view.batchFirst ? current : permute(current, [1, 0, 2]);
          let output: Variable;
          if (stage instanceof Recurrent || stage instanceof Bidirectional) {
            // one layer of reset-before GRU cells: states are one [batch, H] per direction
            const initialState = h0 ? Array.from({ length: view.directions }, (_, d) => reshape(narrow(h0, 0, d, 1), [h0.shape[1], h0.shape[2]])) : undefined;
            const result = stage.forward(x, { initialState, lengths: lengths ?? undefined });
            output = result.output;
            outputs[`h_n${s}`] = contiguous(swap(stack(result.state, 0)));
          } else {
            const result = (stage as LSTM).forward(x, { h0, c0, lengths });
            output = result.output;
            outputs[`h_n${s}`] = contiguous(swap(result.h_n));
            if (result.c_n) outputs[`c_n${s}`] = contiguous(swap(result.c_n));
          }
          current = view.batchFirst ? output : permute(output, [1, 0, 2]);
        } else if (stage instanceof Linear || stage instanceof LayerNorm || stage instanceof Dropout) current = stage.forward(current);
        else if (stage === 'softmax') current = softmax(current, -1);
        else if (stage === 'logSoftmax') current = logSoftmax(current, -1);
        else {
          const shape = valueOf(current).shape;
          current = reshape(narrow(current, 1, shape[1] - 1, 1), [shape[0], shape[2]]);
        }
      }
      outputs.y = contiguous(current);
    });
  } finally {
    modules.forEach((m, k) => m.train(modes[k]));
  }
  return Object.fromEntries(signature.outputs.map((o) => [o.name, outputs[o.name]]));
}

function contiguous(x: Variable | Tensor): Tensor {
  const t = valueOf(x);
  return fromData(Float32Array.from(t.data), [...t.shape]);
}

/** A tensor in the vectors' format (`int32` ids written as `int64`, ONNX's index type; the
 * input named `lengths` stays `int32`, as ONNX's `sequence_lens`). */
export function toJsonTensor(t: Tensor, name = ''): JsonTensor {
  // ONNX's sequence_lens is int32; every other integer input (token ids) is int64
  const dtype = t.dtype === 'int32' ? (name === 'lengths' ? 'int32' : 'int64') : 'float32';
  return { shape: [...t.shape], dtype, data: Array.from(t.data) };
}

/** A tensor of the library from the vectors' format (int64 → int32). */
export function fromJsonTensor(t: JsonTensor): Tensor {
  if (!t || !Array.isArray(t.shape) || !Array.isArray(t.data)) throw new Error('fromJsonTensor: expected { shape, dtype, data }, got something else');
  return fromData(t.dtype === 'int64' || t.dtype === 'int32' ? Int32Array.from(t.data) : Float32Array.from(t.data), t.shape);
}

/**
 * The example written beside an export (`model.onnx.example.json`): the given inputs and the
 * library's outputs for them, `{ inputs: {name: tensor}, outputs: {name: tensor} }`, so that a
 * deployment can be checked against the library.
 */
export function onnxExample(stages: readonly OnnxStage[], inputs: Record<string, Tensor>, options: OnnxExportOptions = {}): { inputs: Record<string, JsonTensor>; outputs: Record<string, JsonTensor> } {
  const outputs = runStages(stages, inputs, options);
  const json = (record: Record<string, Tensor>) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, toJsonTensor(isTensor(v) ? v : valueOf(v), k)]));
  // in the graph's input order
  const ordered = Object.fromEntries(onnxSignature(stages, options).inputs.map((i) => [i.name, inputs[i.name]]));
  return { inputs: json(ordered), outputs: json(outputs) };
}
