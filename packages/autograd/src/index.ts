export { Variable, Parameter, type GradientHook, type Differentiable } from './variable.js';
export {
  GraphNode, type BackwardFunction, type BackwardOptions, backward, detach, grad, isGradEnabled, noGrad, record, valueOf,
} from './graph.js';
export { definePrimitive, type PrimitiveContext, type PrimitiveDefinition } from './primitive.js';
export { Module, type LoadStateDictOptions, type LoadStateDictResult } from './module.js';
export {
  add, sub, mul, div, neg, exp, log, tanh, sigmoid, relu, matmul, sum, mean, reshape, transpose, unbroadcast, keptShape,
} from './ops.js';
