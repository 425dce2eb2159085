import type { Parameter } from '@recurrent/autograd';
import { Adagrad, Adam, AdamW, RMSprop, SGD, clipGradNorm } from '@recurrent/optim';
import type { TrainOptions } from '../options.js';
import type { TrainerOptimizer } from './trainer.js';

/**
 * The optimizer `--optimizer` names, PyTorch's defaults apart from the learning rate; with
 * `embedding` (the embedding's parameters and `--embedding-lr`) those parameters form a group of
 * their own with that rate, the rest a group at `lr`.
 */
export function createOptimizer(name: TrainOptions['optimizer'], parameters: Parameter[], lr: number, embedding?: { parameters: Parameter[]; lr: number }): TrainerOptimizer {
  const own = new Set(embedding?.parameters ?? []);
  const groups = embedding
    ? [{ params: parameters.filter((p) => !own.has(p)) }, { params: embedding.parameters, lr: embedding.lr }]
    : [{ params: parameters }];
  switch (name) {
    case 'adam':
      return new Adam(groups, { lr });
    case 'adamw':
      return new AdamW(groups, { lr });
    case 'sgd':
      return new SGD(groups, { lr });
    case 'rmsprop':
      return new RMSprop(groups, { lr });
    case 'adagrad':
      return new Adagrad(groups, { lr });
    default:
      throw new Error(`createOptimizer: unknown optimizer ${String(name)}`);
  }
}

/** Global gradient-norm clipping at `maxNorm`, or none. */
export function clipping(maxNorm: number | undefined): ((parameters: Parameter[]) => void) | undefined {
  if (maxNorm === undefined || maxNorm <= 0) return undefined;
  return (parameters) => {
    clipGradNorm(parameters, maxNorm);
  };
}
