import { type OptionsSchema, option } from '@recurrent/tensor';
import type { Module } from '@recurrent/autograd';
import { ClockworkCell, GRUCell, JordanCell, LSTMCell, RNNCell, SCRNCell } from '@recurrent/cells';
import { Bidirectional } from '../bidirectional.js';
import { Dropout } from '../dropout.js';
import { Embedding } from '../embedding.js';
import { GRU } from '../gru.js';
import { LayerNorm } from '../layerNorm.js';
import { Linear } from '../linear.js';
import { LSTM } from '../lstm.js';
import { Recurrent, type RecurrentCell } from '../recurrent.js';
import { RNN } from '../rnn.js';
import { EncoderDecoder } from '../seq2seq.js';
import { Stacked } from '../stacked.js';
import { type FusedRecurrentLayer, SequenceModel, TokenModel } from '../tokenModel.js';
import { type JsonObject, type ModuleKind, type ShapeMap, prefixedShapes } from './moduleKind.js';
import { attentionKinds } from './attentionKinds.js';
import { extraRecurrentKinds } from './extraRecurrentKinds.js';
import { classifierKinds } from './classifierKinds.js';
import { forecasterKinds } from './forecasterKinds.js';

const size = option.integer({ min: 1 });
const recurrentInit = option.oneOf(['uniform', 'orthogonal']);
const float32 = option.oneOf(['float32']);
const activation = option.oneOf(['sigmoid', 'hardSigmoid']);
const count = option.integer({ min: 0 });
const flag = option.boolean;
/** A module's `config()` as JSON: absent (undefined) entries dropped. */
const json = (config: object): JsonObject => JSON.parse(JSON.stringify(config)) as JsonObject;
const int = (options: JsonObject, name: string, fallback = 0) => (options[name] ?? fallback) as number;
const bool = (options: JsonObject, name: string, fallback: boolean) => (options[name] ?? fallback) as boolean;

function leaf<M extends Module>(kind: string, type: abstract new (...args: never[]) => M, schema: OptionsSchema, required: string[], parts: {
  describe(module: M): JsonObject;
  build(options: JsonObject, backend: ModuleKindBackend): Module;
  shapes(options: JsonObject, limit: number): ShapeMap;
}): ModuleKind {
  return {
    kind, schema, required,
    matches: (module) => module instanceof type,
    describe: (module) => ({ options: parts.describe(module as M) }),
    build: (options, _children, context) => parts.build(options, context.backend),
    parameterShapes: (options, _children, limit) => parts.shapes(options, limit),
  };
}
type ModuleKindBackend = Parameters<ModuleKind['build']>[2]['backend'];

const fusedSchema = {
  inputSize: size, hiddenSize: size, numLayers: size, bias: flag, batchFirst: flag,
  dropout: option.number({ min: 0, max: 1 }), bidirectional: flag, recurrentInit,
} satisfies OptionsSchema;

function fusedKind(kind: 'RNN' | 'LSTM' | 'GRU', type: typeof RNN | typeof LSTM | typeof GRU, gates: number): ModuleKind {
  const schema: OptionsSchema = kind === 'LSTM'
    ? { ...fusedSchema, projSize: count, peephole: flag, recurrentActivation: activation }
    : kind === 'RNN' ? { ...fusedSchema, nonlinearity: option.oneOf(['tanh', 'relu']) } : { ...fusedSchema, resetAfter: flag, recurrentActivation: activation };
  return leaf(kind, type as abstract new (...args: never[]) => FusedRecurrentLayer, schema, ['inputSize', 'hiddenSize'], {
    describe: (m) => json(m.config()),
    build: (options, backend) => new type({ ...(options as unknown as ConstructorParameters<typeof LSTM>[0]), backend }),
    shapes(options, limit) {
      const H = int(options, 'hiddenSize');
      const layers = int(options, 'numLayers', 1);
      const D = bool(options, 'bidirectional', false) ? 2 : 1;
      const proj = int(options, 'projSize');
      // a hostile numLayers would make this loop long: more layers than tensors cannot fit
      if (layers * D > limit) return { [`weight_ih_l${layers - 1}`]: [gates * H, -1] };
      const width = proj || H;
      const out: ShapeMap = {};
      for (let k = 0; k < layers; k++) {
        for (const suffix of D === 2 ? ['', '_reverse'] : ['']) {
          const s = `_l${k}${suffix}`;
          out[`weight_ih${s}`] = [gates * H, k === 0 ? int(options, 'inputSize') : D * width];
          out[`weight_hh${s}`] = [gates * H, width];
          if (bool(options, 'bias', true)) {
            out[`bias_ih${s}`] = [gates * H];
            out[`bias_hh${s}`] = [gates * H];
          }
          if (proj > 0) out[`weight_hr${s}`] = [proj, H];
          if (bool(options, 'peephole', false)) for (const gate of ['ci', 'cf', 'co']) out[`weight_${gate}${s}`] = [H];
        }
      }
      return out;
    },
  });
}

function gatedCell(kind: string, type: typeof RNNCell | typeof GRUCell, gates: number): ModuleKind {
  const schema: OptionsSchema = kind === 'RNNCell'
    ? { inputSize: size, hiddenSize: size, bias: flag, nonlinearity: option.oneOf(['tanh', 'relu']), recurrentInit }
    : { inputSize: size, hiddenSize: size, bias: flag, resetAfter: flag, recurrentInit };
  return leaf(kind, type as abstract new (...args: never[]) => RNNCell | GRUCell, schema, ['inputSize', 'hiddenSize'], {
    describe: (m) => json(m.config()),
    build: (options, backend) => new type({ ...(options as unknown as ConstructorParameters<typeof GRUCell>[0]), backend }),
    shapes(options) {
      const H = int(options, 'hiddenSize');
      const out: ShapeMap = { weight_ih: [gates * H, int(options, 'inputSize')], weight_hh: [gates * H, H] };
      if (bool(options, 'bias', true)) Object.assign(out, { bias_ih: [gates * H], bias_hh: [gates * H] });
      return out;
    },
  });
}

const lstmCellKind = leaf('LSTMCell', LSTMCell, { inputSize: size, hiddenSize: size, bias: flag, projSize: count, peephole: flag, unitForgetBias: flag, recurrentInit }, ['inputSize', 'hiddenSize'], {
  describe: (m) => json(m.config()),
  build: (options, backend) => new LSTMCell({ ...(options as unknown as ConstructorParameters<typeof LSTMCell>[0]), backend }),
  shapes(options) {
    const H = int(options, 'hiddenSize');
    const proj = int(options, 'projSize');
    const out: ShapeMap = { weight_ih: [4 * H, int(options, 'inputSize')], weight_hh: [4 * H, proj || H] };
    if (bool(options, 'bias', true)) Object.assign(out, { bias_ih: [4 * H], bias_hh: [4 * H] });
    if (proj > 0) out.weight_hr = [proj, H];
    if (bool(options, 'peephole', false)) Object.assign(out, { weight_ci: [H], weight_cf: [H], weight_co: [H] });
    return out;
  },
});

const jordanKind = leaf('JordanCell', JordanCell, {
  inputSize: size, hiddenSize: size, outputSize: size, bias: flag,
  nonlinearity: option.oneOf(['tanh', 'relu']), outputNonlinearity: option.oneOf(['sigmoid', 'tanh', 'identity']), dtype: float32,
}, ['inputSize', 'hiddenSize', 'outputSize'], {
  describe: (m) => json(m.config()),
  build: (options, backend) => new JordanCell({ ...(options as unknown as ConstructorParameters<typeof JordanCell>[0]), backend }),
  shapes(options) {
    const [I, H, O] = ['inputSize', 'hiddenSize', 'outputSize'].map((name) => int(options, name));
    const bias = bool(options, 'bias', true);
    return { weight_ih: [H, I], ...(bias ? { bias_ih: [H] } : {}), weight_oh: [H, O], ...(bias ? { bias_oh: [H] } : {}), weight_ho: [O, H], ...(bias ? { bias_ho: [O] } : {}) };
  },
});

const clockworkKind = leaf('ClockworkCell', ClockworkCell, {
  inputSize: size, hiddenSize: size, periods: option.arrayOf(size), moduleSize: size, bias: flag, recurrentInit, dtype: float32,
}, ['inputSize', 'hiddenSize', 'periods'], {
  describe: (m) => json(m.config()),
  build: (options, backend) => new ClockworkCell({ ...(options as unknown as ConstructorParameters<typeof ClockworkCell>[0]), backend }),
  shapes(options) {
    const H = int(options, 'hiddenSize');
    return { weight_ih: [H, int(options, 'inputSize')], weight_hh: [H, H], ...(bool(options, 'bias', true) ? { bias_ih: [H], bias_hh: [H] } : {}) };
  },
});

const scrnKind = leaf('SCRNCell', SCRNCell, {
  inputSize: size, hiddenSize: size, contextSize: size, outputSize: size, alpha: option.number({ min: 0, max: 1 }),
  learnAlpha: flag, outputNonlinearity: option.oneOf(['identity', 'softmax', 'tanh']), bias: flag, recurrentInit, dtype: float32,
}, ['inputSize', 'hiddenSize', 'contextSize', 'outputSize'], {
  describe: (m) => json(m.config()),
  build: (options, backend) => new SCRNCell({ ...(options as unknown as ConstructorParameters<typeof SCRNCell>[0]), backend }),
  shapes(options) {
    const [I, H, S, O] = ['inputSize', 'hiddenSize', 'contextSize', 'outputSize'].map((name) => int(options, name));
    const out: ShapeMap = { weight_is: [S, I], weight_ih: [H, I], weight_sh: [H, S], weight_hh: [H, H], weight_ho: [O, H], weight_so: [O, S] };
    if (bool(options, 'bias', true)) Object.assign(out, { bias_h: [H], bias_o: [O] });
    if (bool(options, 'learnAlpha', false)) out.alpha = [S];
    return out;
  },
});

const linearKind = leaf('Linear', Linear, { inFeatures: size, outFeatures: size, bias: flag }, ['inFeatures', 'outFeatures'], {
  describe: (m) => m.config(),
  build: (options, backend) => new Linear({ ...(options as unknown as ConstructorParameters<typeof Linear>[0]), backend }),
  shapes: (options) => ({ weight: [int(options, 'outFeatures'), int(options, 'inFeatures')], ...(bool(options, 'bias', true) ? { bias: [int(options, 'outFeatures')] } : {}) }),
});

const embeddingKind = leaf('Embedding', Embedding, { numEmbeddings: size, embeddingDim: size, paddingIdx: option.nullable(count) }, ['numEmbeddings', 'embeddingDim'], {
  describe: (m) => m.config(),
  build: (options, backend) => new Embedding({ numEmbeddings: int(options, 'numEmbeddings'), embeddingDim: int(options, 'embeddingDim'), paddingIdx: (options.paddingIdx ?? undefined) as number | undefined, backend }),
  shapes: (options) => ({ weight: [int(options, 'numEmbeddings'), int(options, 'embeddingDim')] }),
});

const dropoutKind = leaf('Dropout', Dropout, { p: option.number({ min: 0, max: 1 }) }, [], {
  describe: (m) => m.config(),
  build: (options) => new Dropout({ p: options.p as number | undefined }),
  shapes: () => ({}),
});

const layerNormKind = leaf('LayerNorm', LayerNorm, { normalizedShape: option.arrayOf(size), eps: option.number({ above: 0 }), elementwiseAffine: flag }, ['normalizedShape'], {
  describe: (m) => m.config(),
  build: (options, backend) => new LayerNorm({ ...(options as unknown as ConstructorParameters<typeof LayerNorm>[0]), backend }),
  shapes: (options): ShapeMap => (bool(options, 'elementwiseAffine', true) ? { weight: [...(options.normalizedShape as number[])], bias: [...(options.normalizedShape as number[])] } : {}),
});

const recurrentKind: ModuleKind = {
  kind: 'Recurrent', schema: { batchFirst: flag, reverse: flag },
  matches: (module) => module instanceof Recurrent,
  describe: (module) => {
    const m = module as Recurrent;
    return { options: { batchFirst: m.batchFirst, reverse: m.reverse }, children: { cell: m.cell as unknown as Module } };
  },
  childNames: () => ['cell'],
  build: (options, children) => new Recurrent(children.cell as unknown as RecurrentCell, { batchFirst: options.batchFirst as boolean | undefined, reverse: options.reverse as boolean | undefined }),
  // the cell's parameters are the layer's own, under the cell's names
  parameterShapes: (_options, children) => children.cell ?? null,
};

const stackedKind: ModuleKind = {
  // a bound on layers so a hostile count cannot make the loader build a huge list of names
  kind: 'Stacked', schema: { batchFirst: flag, dropout: option.number({ min: 0, max: 1 }), layers: option.integer({ min: 1, max: 4096 }) }, required: ['layers'],
  matches: (module) => module instanceof Stacked,
  describe: (module) => {
    const m = module as Stacked;
    return { options: m.config(), children: Object.fromEntries(m.layers.map((layer, k) => [String(k), layer as unknown as Module])) };
  },
  childNames: (options) => Array.from({ length: options.layers as number }, (_, k) => String(k)),
  build: (options, children) => new Stacked(
    Array.from({ length: options.layers as number }, (_, k) => children[String(k)] as unknown as ConstructorParameters<typeof Stacked>[0][number]),
    { batchFirst: options.batchFirst as boolean | undefined, dropout: options.dropout as number | undefined },
  ),
  parameterShapes: (options, children) => prefixedShapes(children, Array.from({ length: options.layers as number }, (_, k) => String(k))),
};

const bidirectionalKind: ModuleKind = {
  kind: 'Bidirectional', schema: { merge: option.oneOf(['concat', 'sum', 'mul', 'average']), batchFirst: flag },
  matches: (module) => module instanceof Bidirectional,
  describe: (module) => {
    const m = module as Bidirectional;
    return { options: m.config(), children: { forward: m.forwardLayer as unknown as Module, reverse: m.reverseLayer as unknown as Module } };
  },
  childNames: () => ['forward', 'reverse'],
  build: (options, children) => new Bidirectional(
    children.forward as unknown as ConstructorParameters<typeof Bidirectional>[0], children.reverse as unknown as ConstructorParameters<typeof Bidirectional>[1],
    { merge: options.merge as 'concat' | undefined, batchFirst: options.batchFirst as boolean | undefined },
  ),
  parameterShapes: (_options, children) => prefixedShapes(children, ['forward', 'reverse']),
};

const encoderDecoderKind: ModuleKind = {
  kind: 'EncoderDecoder', schema: { bos: count, eos: count, sourceEmbedding: flag }, required: ['bos', 'eos'],
  matches: (module) => module instanceof EncoderDecoder,
  describe: (module) => {
    const m = module as EncoderDecoder;
    return {
      options: { ...m.config(), sourceEmbedding: m.sourceEmbedding !== null },
      children: {
        ...(m.sourceEmbedding ? { sourceEmbedding: m.sourceEmbedding } : {}),
        encoder: m.encoder as unknown as Module, targetEmbedding: m.targetEmbedding, decoder: m.decoder as unknown as Module, projection: m.projection,
      },
    };
  },
  childNames: (options) => [...(options.sourceEmbedding ? ['sourceEmbedding'] : []), 'encoder', 'targetEmbedding', 'decoder', 'projection'],
  build: (options, children) => new EncoderDecoder({
    sourceEmbedding: children.sourceEmbedding as Embedding | undefined,
    encoder: children.encoder as unknown as ConstructorParameters<typeof EncoderDecoder>[0]['encoder'],
    targetEmbedding: children.targetEmbedding as Embedding,
    decoder: children.decoder as unknown as ConstructorParameters<typeof EncoderDecoder>[0]['decoder'],
    projection: children.projection as Linear,
    bos: options.bos as number, eos: options.eos as number,
  }),
  parameterShapes: (_options, children) => prefixedShapes(children, ['sourceEmbedding', 'encoder', 'targetEmbedding', 'decoder', 'projection']),
};

const tokenModelKind: ModuleKind = {
  kind: 'TokenModel', schema: {},
  matches: (module) => module instanceof TokenModel,
  describe: (module) => {
    const m = module as TokenModel;
    return { options: {}, children: { embedding: m.embedding, rnn: m.rnn, linear: m.linear } };
  },
  childNames: () => ['embedding', 'rnn', 'linear'],
  build: (_options, children) => new TokenModel({ embedding: children.embedding as Embedding, rnn: children.rnn as FusedRecurrentLayer, linear: children.linear as Linear }),
  parameterShapes: (_options, children) => prefixedShapes(children, ['embedding', 'rnn', 'linear']),
};

const sequenceModelKind: ModuleKind = {
  kind: 'SequenceModel', schema: {},
  matches: (module) => module instanceof SequenceModel,
  describe: (module) => {
    const m = module as SequenceModel;
    return { options: {}, children: { rnn: m.rnn, linear: m.linear } };
  },
  childNames: () => ['rnn', 'linear'],
  build: (_options, children) => new SequenceModel({ rnn: children.rnn as FusedRecurrentLayer, linear: children.linear as Linear }),
  parameterShapes: (_options, children) => prefixedShapes(children, ['rnn', 'linear']),
};

/**
 * The kinds of the library's own modules: the layers (`RNN`, `LSTM`, `GRU`, `Recurrent`,
 * `Stacked`, `Bidirectional`, `Linear`, `Embedding`, `Dropout`, `LayerNorm`), the six cells
 * (`RNNCell`, `LSTMCell`, `GRUCell`, `JordanCell`, `ClockworkCell`, `SCRNCell`) and the
 * compositions (`EncoderDecoder`, `TokenModel`, `SequenceModel`, `PooledClassifier`, `CalendarForecaster`, which also
 * reads files that name it `BirthsModel`); with them `MinGRU`, `MinLSTM`,
 * `LayerNormLSTM`, `LayerNormGRU`, `Attention` and `AttentionEncoderDecoder`. Subclasses are described as the
 * class they extend.
 */
export const builtInKinds: readonly ModuleKind[] = [
  fusedKind('LSTM', LSTM, 4), fusedKind('GRU', GRU, 3), fusedKind('RNN', RNN, 1),
  lstmCellKind, gatedCell('GRUCell', GRUCell, 3), gatedCell('RNNCell', RNNCell, 1), jordanKind, clockworkKind, scrnKind,
  linearKind, embeddingKind, dropoutKind, layerNormKind,
  recurrentKind, stackedKind, bidirectionalKind, encoderDecoderKind, tokenModelKind, sequenceModelKind,
  ...extraRecurrentKinds, ...attentionKinds,
  ...classifierKinds, ...forecasterKinds,
];
