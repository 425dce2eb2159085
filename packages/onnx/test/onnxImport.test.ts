import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '@recurrent/tensor';
import { LSTM, decodeModel, encodeModel as encodeModelFile } from '@recurrent/layers';
import { loadVectors, onnxVectorsDir } from '@recurrent/test-vectors';
import { onnx, encodeModel } from '../src/proto.js';
import { importOnnx } from '../src/index.js';
import { runCase } from './parity/onnxImport.js';

const root = process.env.ONNX_VECTORS ? resolve(process.env.ONNX_VECTORS) : onnxVectorsDir;
const file = loadVectors('onnx_import.json', root);

describe('onnx_import vectors (models written by torch.onnx.export)', () => {
  it.each(file.cases.map((c) => [c.name, c] as const))('%s matches PyTorch', (_name, testCase) => {
    runCase(testCase, root);
  });
});

/** An ONNX file of one LSTM node (H 2, I 3, seeded weights) with these gate activations and extra attributes. */
function oneLstm(activations: string[], attributes: object[] = []): Uint8Array {
  const H = 2, I = 3;
  const weights = (name: string, dims: number[]) => ({ name, dims, dataType: 1, floatData: Array.from(randn(dims, new Generator(1)).data) });
  return encodeModel(onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 14 }],
    graph: {
      name: 'g',
      initializer: [weights('W', [1, 4 * H, I]), weights('R', [1, 4 * H, H])],
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'time' }, { dimParam: 'batch' }, { dimValue: I }] } } } }],
      output: [{ name: 'y' }],
      node: [{
        opType: 'LSTM', name: 'lstm', input: ['x', 'W', 'R'], output: ['y'],
        attribute: [
          { name: 'hidden_size', type: 2, i: H },
          { name: 'activations', type: 8, strings: activations.map((a) => new TextEncoder().encode(a)) },
          ...attributes,
        ],
      }],
    },
  }));
}

describe('importOnnx', () => {
  it('maps each recurrent node to a library layer', () => {
    const kinds = file.cases.map((c) => {
      const model = importOnnx(new Uint8Array(readFileSync(join(root, c.model as string))));
      return model.recurrentLayers().map(({ module }) => module.constructor.name);
    });
    const byName = Object.fromEntries(file.cases.map((c, k) => [c.name, kinds[k]]));
    expect(byName.lstm_L2_bi).toEqual(['LSTM', 'LSTM']);
    expect(byName.gru_L1).toEqual(['GRU']);
    expect(byName.rnn_relu_bi).toEqual(['RNN']);
    const lstm = importOnnx(new Uint8Array(readFileSync(join(root, 'models/lstm_L2_bi.onnx')))).recurrentLayers()[0].module as LSTM;
    expect(lstm).toBeInstanceOf(LSTM);
    expect(lstm.bidirectional).toBe(true);
    expect(Object.keys(lstm.stateDict())).toContain('weight_ih_l0_reverse');
  });

  it('names the operator and the node it cannot import', () => {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 14 }],
      graph: {
        name: 'g',
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }] } } } }],
        output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }] } } } }],
        node: [{ opType: 'Erf', name: '/act/Erf', input: ['x'], output: ['y'] }],
      },
    });
    expect(() => importOnnx(encodeModel(model))).toThrow("ONNX import: unsupported operator 'Erf' in node '/act/Erf'");
  });

  it('refuses an LSTM activation the library does not compute', () => {
    expect(() => importOnnx(oneLstm(['Softsign', 'Tanh', 'Tanh']))).toThrow("LSTM 'lstm': expected activation 0 'Sigmoid' or 'HardSigmoid', got 'Softsign'");
  });

  it('reads HardSigmoid gates as the library\'s hard sigmoid, and only with its alpha and beta', () => {
    const lstmWith = (alpha: number[] | null) => oneLstm(['HardSigmoid', 'Tanh', 'Tanh'], alpha ? [{ name: 'activation_alpha', type: 6, floats: alpha }] : []);
    // ONNX's defaults (alpha 0.2, beta 0.5) are tf.keras's
    const layer = importOnnx(lstmWith(null)).recurrentLayers()[0].module as LSTM;
    expect(layer.recurrentActivation).toBe('hardSigmoid');
    expect((importOnnx(lstmWith([0.2])).recurrentLayers()[0].module as LSTM).recurrentActivation).toBe('hardSigmoid');
    expect(() => importOnnx(lstmWith([0.3]))).toThrow("LSTM 'lstm': expected HardSigmoid with alpha 0.2 and beta 0.5 (the library's hard sigmoid), got alpha 0.30000001192092896 and beta 0.5");
    expect(() => importOnnx(lstmWith([0.2, 0.2]))).toThrow('expected activation_alpha / activation_beta only for activations that take them, got 2 alphas and 0 betas');
  });

  it('gives layers of the library, each of which saves as a model file', () => {
    const model = importOnnx(new Uint8Array(readFileSync(join(root, 'models/lstm_L2_bi.onnx'))));
    for (const { module } of model.recurrentLayers()) {
      const layer = module as LSTM;
      const { module: back } = decodeModel<LSTM>(encodeModelFile(layer));
      expect(back).toBeInstanceOf(LSTM);
      const x = randn([4, 2, layer.inputSize], new Generator(3));
      expect(Array.from(back.forward(x).output.value.data)).toEqual(Array.from(layer.forward(x).output.value.data));
    }
  });

  it('checks input names and shapes', () => {
    const model = importOnnx(new Uint8Array(readFileSync(join(root, 'models/lstm_L1.onnx'))));
    expect(model.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 'time', 5] }]);
    expect(() => model.forward({ z: tensor([1]) })).toThrow("expected inputs named 'x', got 'z'");
    expect(() => model.forward({ x: randn([2, 3, 4], new Generator(0)) })).toThrow("expected input 'x' [batch, time, 5], got [2, 3, 4]");
  });
});
