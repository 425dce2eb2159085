// Model-file kinds of the min-RNN and layer-normalised layers, so a TokenModel or SequenceModel
// holding one is written to and read from a model file as the fused layers are.
import { type OptionsSchema, option } from '@recurrent/tensor';
import type { Module } from '@recurrent/autograd';
import { LayerNormGRU, LayerNormLSTM } from '../layerNormRNN.js';
import { MinGRU, MinLSTM } from '../minRNN.js';
import type { JsonObject, ModuleKind } from './moduleKind.js';

const size = option.integer({ min: 1 });

const minSchema = { inputSize: size, hiddenSize: size, numLayers: size, bias: option.boolean, batchFirst: option.boolean, scan: option.oneOf(['linear', 'log']) } satisfies OptionsSchema;
const layerNormSchema = { inputSize: size, hiddenSize: size, numLayers: size, batchFirst: option.boolean, bidirectional: option.boolean, eps: option.number({ above: 0 }) } satisfies OptionsSchema;

function minKind(kind: 'MinGRU' | 'MinLSTM', type: typeof MinGRU | typeof MinLSTM): ModuleKind {
  return {
    kind, schema: minSchema, required: ['inputSize', 'hiddenSize'],
    matches: (module) => module instanceof type,
    describe: (module) => {
      const m = module as MinGRU;
      return { options: { inputSize: m.inputSize, hiddenSize: m.hiddenSize, numLayers: m.numLayers, bias: m.bias, batchFirst: m.batchFirst, scan: m.scan } };
    },
    build: (options, _children, context) => new type({ ...(options as unknown as ConstructorParameters<typeof MinGRU>[0]), backend: context.backend }),
  };
}

function layerNormKind(kind: 'LayerNormLSTM' | 'LayerNormGRU', type: typeof LayerNormLSTM | typeof LayerNormGRU): ModuleKind {
  return {
    kind, schema: layerNormSchema, required: ['inputSize', 'hiddenSize'],
    matches: (module: Module) => module instanceof type,
    describe: (module) => {
      const m = module as LayerNormLSTM;
      const options: JsonObject = { inputSize: m.inputSize, hiddenSize: m.hiddenSize, numLayers: m.numLayers, batchFirst: m.batchFirst, bidirectional: m.bidirectional, eps: m.eps };
      return { options };
    },
    build: (options, _children, context) => new type({ ...(options as unknown as ConstructorParameters<typeof LayerNormLSTM>[0]), backend: context.backend }),
  };
}

/** The kinds of `MinGRU`, `MinLSTM`, `LayerNormLSTM` and `LayerNormGRU`. */
export const extraRecurrentKinds: readonly ModuleKind[] = [
  minKind('MinGRU', MinGRU), minKind('MinLSTM', MinLSTM), layerNormKind('LayerNormLSTM', LayerNormLSTM), layerNormKind('LayerNormGRU', LayerNormGRU),
];
