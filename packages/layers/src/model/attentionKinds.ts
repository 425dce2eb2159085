// Model-file kinds of attention and the attentional encoder–decoder, so a trained g2p model with
// attention is one file `loadModel` rebuilds.
import { option } from '@recurrent/tensor';
import type { GRUCell, LSTMCell } from '@recurrent/cells';
import { Attention, type AttentionScore } from '../attention.js';
import { AttentionEncoderDecoder } from '../attentionEncoderDecoder.js';
import type { Embedding } from '../embedding.js';
import type { GRU } from '../gru.js';
import type { Linear } from '../linear.js';
import type { LSTM } from '../lstm.js';
import { type ModuleKind, type ShapeMap, prefixedShapes } from './moduleKind.js';

const size = option.integer({ min: 1 });
const parts = ['sourceEmbedding', 'encoder', 'bridge', 'targetEmbedding', 'decoder', 'attention', 'combine', 'projection'] as const;

const attentionKind: ModuleKind = {
  kind: 'Attention',
  schema: { score: option.oneOf(['dot', 'general', 'concat', 'additive']), querySize: size, keySize: size, attentionSize: size },
  required: ['score', 'querySize', 'keySize'],
  matches: (module) => module instanceof Attention,
  describe: (module) => ({ options: (module as Attention).config() }),
  build: (options, _children, context) => new Attention({
    score: options.score as AttentionScore, querySize: options.querySize as number, keySize: options.keySize as number,
    attentionSize: options.attentionSize as number | undefined, backend: context.backend,
  }),
  parameterShapes(options): ShapeMap {
    const Q = options.querySize as number, K = options.keySize as number, A = (options.attentionSize ?? Q) as number;
    if (options.score === 'general') return { weight: [Q, K] };
    if (options.score === 'concat') return { 'linear.weight': [A, Q + K], 'v.weight': [1, A] };
    if (options.score === 'additive') return { 'query.weight': [A, Q], 'key.weight': [A, K], 'key.bias': [A], 'v.weight': [1, A] };
    return {};
  },
};

const attentionEncoderDecoderKind: ModuleKind = {
  kind: 'AttentionEncoderDecoder',
  schema: { inputFeeding: option.boolean, bos: option.integer({ min: 0 }), eos: option.integer({ min: 0 }) },
  required: ['bos', 'eos'],
  matches: (module) => module instanceof AttentionEncoderDecoder,
  describe: (module) => {
    const m = module as AttentionEncoderDecoder;
    return { options: m.config(), children: Object.fromEntries(parts.map((name) => [name, m[name]])) };
  },
  childNames: () => parts,
  build: (options, children) => new AttentionEncoderDecoder({
    sourceEmbedding: children.sourceEmbedding as Embedding, encoder: children.encoder as GRU | LSTM, bridge: children.bridge as Linear,
    targetEmbedding: children.targetEmbedding as Embedding, decoder: children.decoder as GRUCell | LSTMCell, attention: children.attention as Attention,
    combine: children.combine as Linear, projection: children.projection as Linear,
    inputFeeding: options.inputFeeding as boolean | undefined, bos: options.bos as number, eos: options.eos as number,
  }),
  parameterShapes: (_options, children) => prefixedShapes(children, parts),
};

/** The kinds of `Attention` and `AttentionEncoderDecoder`. */
export const attentionKinds: readonly ModuleKind[] = [attentionKind, attentionEncoderDecoderKind];
