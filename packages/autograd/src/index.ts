export { Variable, Parameter, type GradientHook, type Differentiable } from './variable.js';
export {
  GraphNode, type BackwardFunction, type BackwardOptions, backward, detach, grad, isGradEnabled, noGrad, record, valueOf,
} from './graph.js';
export {
  definePrimitive, type PrimitiveContext, type PrimitiveDefinition, type NamedPrimitiveContext, type NamedPrimitiveDefinition, type PrimitiveInputs,
} from './primitive.js';
export { Module, type LoadStateDictOptions, type LoadStateDictResult } from './module.js';
export {
  add, sub, mul, div, neg, exp, log, tanh, sigmoid, relu, matmul, sum, mean, reshape, transpose, unbroadcast, keptShape,
  pow, maximum, minimum, where, abs, log1p, expm1, sqrt, rsqrt, square, reciprocal, softplus, sin, cos, affine, clamp,
  sign, floor, ceil, round, prod, max, min, logsumexp, softmax, logSoftmax, cumsum, permute,
  eq, ne, lt, le, gt, ge, argmax, argmin,
  squeeze, unsqueeze, flatten, expand, broadcastTo, flip, cast, clone, slice, narrow, pad, gather, indexSelect, indexAdd,
  concat, stack, split, chunk,
} from './ops.js';
export { crossEntropy, type ClassLossOptions, type CrossEntropyOptions, type Reduction } from './crossEntropy.js';
export { nllLoss, mseLoss, l1Loss, binaryCrossEntropyWithLogits, type BinaryCrossEntropyOptions } from './losses.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
