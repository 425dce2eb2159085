export {
  Optimizer, type OptimizerOptions, type OptimizerStateDict, type ParameterState, type ParamGroup, type ParamGroupOptions, type OptimizerRules,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
export { LRScheduler, type AnyOptimizer, type SchedulerStateDict } from './lrScheduler.js';
export {
  StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR, LambdaLR, MultiplicativeLR, LinearWarmup,
  type StepLROptions, type MultiStepLROptions, type ConstantLROptions, type LinearLROptions, type PolynomialLROptions,
  type CosineAnnealingLROptions, type LinearWarmupOptions,
} from './schedules.js';
export {
  CosineAnnealingWarmRestarts, OneCycleLR, CyclicLR, SequentialLR,
  type CosineAnnealingWarmRestartsOptions, type OneCycleLROptions, type CyclicLROptions,
} from './cyclicSchedules.js';
export { ChainedScheduler } from './chainedScheduler.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduceLROnPlateau.js';
