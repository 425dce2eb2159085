import type { Parameter } from '@recurrent/autograd';
import { Adagrad, Adam, AdamW, RMSprop, SGD, clipGradNorm } from '@recurrent/optim';
import type { TrainOptions } from '../options.js';
import type { TrainerOptimizer } from './trainer.js';

/** The optimizer `--optimizer` names, PyTorch's defaults apart from the learning rate. */
export function createOptimizer(name: TrainOptions['optimizer'], parameters: Parameter[], lr: number): TrainerOptimizer {
  switch (name) {
    case 'adam':
      return new Adam(parameters, { lr });
    case 'adamw':
      return new AdamW(parameters, { lr });
    case 'sgd':
      return new SGD(parameters, { lr });
    case 'rmsprop':
      return new RMSprop(parameters, { lr });
    case 'adagrad':
      return new Adagrad(parameters, { lr });
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
