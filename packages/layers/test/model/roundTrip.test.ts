import { describe, expect, it } from 'vitest';
import { GRUCell } from '@recurrent/cells';
import { Bidirectional, ModelFileError, Stacked, decodeModel, encodeModel, loadModel, saveModel } from '../../src/index.js';
import { modelCases, sameBits, scaledKind, userCase } from './cases.js';

describe('model files round-trip every model kind through bytes (same float32 bits)', () => {
  it.each(modelCases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const model = testCase.make(3);
    model.eval();
    const before = testCase.run(model);
    const { module, description } = decodeModel(encodeModel(model));
    expect(module.constructor).toBe(model.constructor);
    expect(Object.keys(module.stateDict())).toEqual(Object.keys(model.stateDict()));
    expect(sameBits(testCase.run(module), before)).toBe(true);
    // a freshly initialised model of another seed differs, so the weights did come from the file
    const other = testCase.make(4);
    other.eval();
    if (Object.keys(other.stateDict()).length > 0) expect(sameBits(testCase.run(other), before)).toBe(false);
    expect(description.version).toBe(1);
  });

  it('Stacked and Bidirectional describe themselves by config() and rebuild to the same config', () => {
    for (const name of ['Stacked (GRUCell, LSTM, JordanCell) with dropout', 'Bidirectional(LSTMCell, SCRNCell) summed']) {
      const model = modelCases.find((c) => c.name === name)!.make(2) as Stacked | Bidirectional;
      const { module, description } = decodeModel<Stacked | Bidirectional>(encodeModel(model));
      expect(description.module.options).toEqual(model.config());
      expect(module.config()).toEqual(model.config());
    }
    expect(new Stacked([new GRUCell({ inputSize: 2, hiddenSize: 3 })], { dropout: 0.25, batchFirst: true }).config()).toEqual({ batchFirst: true, dropout: 0.25, layers: 1 });
    expect(new Bidirectional(new GRUCell({ inputSize: 2, hiddenSize: 3 }), new GRUCell({ inputSize: 2, hiddenSize: 3 }), { merge: 'mul' }).config()).toEqual({ merge: 'mul', batchFirst: false });
  });

  it('describes a user Module subclass through its registered kind, and refuses it without one', () => {
    const model = userCase.make(1);
    expect(() => encodeModel(model)).toThrow(/expected modules of a known kind, got a Scaled at model/);
    const bytes = encodeModel(model, { kinds: [scaledKind] });
    const error = (() => { try { decodeModel(bytes); } catch (e) { return e; } })() as ModelFileError;
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error.code).toBe('unknown-kind');
    const { module } = decodeModel(bytes, { kinds: [scaledKind] });
    expect((module as unknown as { factor: number }).factor).toBe(2.5);
    expect(sameBits(userCase.run(module), userCase.run(model))).toBe(true);
  });

  it('keeps the io entry (vocabulary, normalisation, framing) and refuses a bad one when saving', () => {
    const model = modelCases[0].make(1);
    const io = { task: 'g2p', tokenizer: 'characters' as const, vocabulary: ['a', 'b'], outputVocabulary: ['<blank>', 'AH'], blank: 0, repeat: 2, normalization: { mean: 1.5, std: 2 }, extra: { note: 'x' } };
    expect(decodeModel(encodeModel(model, { io })).io).toEqual(io);
    expect(() => encodeModel(model, { io: { vocabulary: ['a', 'a'] } })).toThrow(/distinct symbols/);
  });
});

describe('loadModel / saveModel', () => {
  it('loads from bytes and from an ArrayBuffer', async () => {
    const testCase = modelCases[6];
    const model = testCase.make(5);
    model.eval();
    const bytes = await saveModel(model, 'bytes');
    expect(sameBits(testCase.run((await loadModel(bytes)).module), testCase.run(model))).toBe(true);
    const buffer = bytes.slice().buffer;
    expect(sameBits(testCase.run((await loadModel(buffer)).module), testCase.run(model))).toBe(true);
  });

});
