export { Optimizer, type OptimizerOptions, type OptimizerStateDict, type ParameterState } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
export {
  LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR, LinearWarmup, type LinearWarmupOptions, type SchedulerStateDict,
} from './lrScheduler.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduceLROnPlateau.js';
