// Recurrent node forms PyTorch's exporter does not write (GRU linear_before_reset = 0, a
// reverse-only direction, layout = 1, sequence_lens), built by hand and checked against
// onnxruntime-node: the importer must read the graph, not assume PyTorch's habits.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { Generator, fromData, randn } from '@recurrent/tensor';
import { GRUCell } from '@recurrent/cells';
import { Bidirectional, Recurrent } from '@recurrent/layers';
import { permute } from '@recurrent/autograd';
import { GraphBuilder } from '../src/graphBuilder.js';
import { DataType, encodeModel } from '../src/proto.js';
import { importOnnx } from '../src/index.js';

interface NodeForm {
  op: 'LSTM' | 'GRU' | 'RNN';
  direction: 'forward' | 'reverse' | 'bidirectional';
  layout: 0 | 1;
  lengths: boolean;
  linearBeforeReset?: 0 | 1;
  activations?: string[];
}

const [T, B, I, H] = [5, 3, 4, 3];

function model(form: NodeForm): Uint8Array {
  const g = new GraphBuilder();
  const D = form.direction === 'bidirectional' ? 2 : 1;
  const gates = form.op === 'LSTM' ? 4 : form.op === 'GRU' ? 3 : 1;
  const weights = (shape: number[], seed: number) => g.floats(`w${seed}`, randn(shape, new Generator(seed)).data, shape);
  g.input('x', DataType.FLOAT, form.layout === 1 ? ['batch', 'time', I] : ['time', 'batch', I]);
  if (form.lengths) g.input('lens', DataType.INT32, ['batch']);
  const inputs = ['x', weights([D, gates * H, I], 1), weights([D, gates * H, H], 2), weights([D, 2 * gates * H], 3), form.lengths ? 'lens' : ''];
  const attributes: Record<string, number | string | string[]> = { hidden_size: H, direction: form.direction, layout: form.layout };
  if (form.linearBeforeReset !== undefined) attributes.linear_before_reset = form.linearBeforeReset;
  if (form.activations) attributes.activations = form.activations;
  g.node(form.op, inputs, { name: 'rnn', outputs: ['y', 'y_h'], attributes });
  g.output('y', DataType.FLOAT, null);
  g.output('y_h', DataType.FLOAT, null);
  return encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 14 }], graph: { name: 'g', node: g.nodes, initializer: g.initializers, input: g.inputs, output: g.outputs } });
}

const forms: NodeForm[] = [
  { op: 'GRU', direction: 'forward', layout: 0, lengths: false, linearBeforeReset: 0 },
  { op: 'GRU', direction: 'bidirectional', layout: 0, lengths: true, linearBeforeReset: 0 },
  { op: 'GRU', direction: 'reverse', layout: 0, lengths: true, linearBeforeReset: 1 },
  { op: 'LSTM', direction: 'reverse', layout: 0, lengths: true },
  { op: 'LSTM', direction: 'bidirectional', layout: 0, lengths: false },
  { op: 'RNN', direction: 'bidirectional', layout: 0, lengths: true, activations: ['Relu', 'Relu'] },
];

describe('ONNX recurrent node forms against onnxruntime-node', () => {
  // onnxruntime refuses layout = 1 ("Batchwise recurrent operations are not supported"), so the
  // batch-first form is checked against the same weights in layout 0, axes swapped.
  for (const op of ['LSTM', 'GRU', 'RNN'] as const) {
    it(`${op} layout 1 equals layout 0 with batch and time swapped`, () => {
      const form = { op, direction: 'bidirectional', lengths: false, linearBeforeReset: op === 'GRU' ? 1 : undefined } as const;
      const timeMajor = importOnnx(model({ ...form, layout: 0 }));
      const batchMajor = importOnnx(model({ ...form, layout: 1 }));
      const x = randn([T, B, I], new Generator(5));
      const a = timeMajor.forward({ x });
      const b = batchMajor.forward({ x: permute(x, [1, 0, 2]).value });
      expect(Array.from(b.y.value.data)).toEqual(Array.from(permute(a.y, [2, 0, 1, 3]).value.data));
      expect(Array.from(b.y_h.value.data)).toEqual(Array.from(permute(a.y_h, [1, 0, 2]).value.data));
    });
  }

  for (const form of forms) {
    const label = `${form.op} ${form.direction} layout ${form.layout}${form.lengths ? ' sequence_lens' : ''}${form.linearBeforeReset !== undefined ? ` linear_before_reset ${form.linearBeforeReset}` : ''}`;
    it(`${label} matches onnxruntime within 1e-5`, async () => {
      const bytes = model(form);
      const x = randn(form.layout === 1 ? [B, T, I] : [T, B, I], new Generator(9));
      const lengths = [5, 2, 4];
      const session = await ort.InferenceSession.create(bytes);
      const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]) };
      if (form.lengths) feeds.lens = new ort.Tensor('int32', Int32Array.from(lengths), [B]);
      const expected = await session.run(feeds);
      const imported = importOnnx(bytes);
      const inputs: Record<string, ReturnType<typeof randn>> = { x };
      if (form.lengths) inputs.lens = fromData(Int32Array.from(lengths), [B]);
      const actual = imported.forward(inputs);
      for (const name of ['y', 'y_h']) {
        const want = expected[name];
        expect([...actual[name].shape]).toEqual([...want.dims]);
        let worst = 0;
        const got = actual[name].value.data;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - (want.data as Float32Array)[i]));
        expect(worst).toBeLessThanOrEqual(1e-5);
      }
      const layer = imported.recurrentLayers()[0].module;
      if (form.linearBeforeReset === 0) {
        // reset before the recurrent product: the GRU cell's resetAfter: false
        const inner = layer instanceof Bidirectional ? layer.forwardLayer : layer;
        expect(inner).toBeInstanceOf(Recurrent);
        expect((inner as Recurrent).cell).toBeInstanceOf(GRUCell);
        expect(((inner as Recurrent).cell as GRUCell).resetAfter).toBe(false);
      }
    });
  }
});
