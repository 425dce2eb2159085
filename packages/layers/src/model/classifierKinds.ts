// Model-file kind of the pooled recurrent text classifier, so a checkpoint of the cli's spam task
// is a model file a page loads as any other.
import { option } from '@recurrent/tensor';
import type { Embedding } from '../embedding.js';
import type { Linear } from '../linear.js';
import { PooledClassifier } from '../pooledClassifier.js';
import type { FusedRecurrentLayer } from '../tokenModel.js';
import { type ModuleKind, prefixedShapes } from './moduleKind.js';

const parts = ['embedding', 'rnn', 'linear'] as const;

const pooledClassifierKind: ModuleKind = {
  kind: 'PooledClassifier',
  schema: { dropout: option.number({ min: 0, max: 1 }) },
  matches: (module) => module instanceof PooledClassifier,
  describe: (module) => {
    const m = module as PooledClassifier;
    return { options: m.config(), children: { embedding: m.embedding, rnn: m.rnn, linear: m.linear } };
  },
  childNames: () => parts,
  build: (options, children) => new PooledClassifier({
    embedding: children.embedding as Embedding, rnn: children.rnn as FusedRecurrentLayer, linear: children.linear as Linear, dropout: options.dropout as number | undefined,
  }),
  parameterShapes: (_options, children) => prefixedShapes(children, parts),
};

/** The kind of `PooledClassifier`. */
export const classifierKinds: readonly ModuleKind[] = [pooledClassifierKind];
