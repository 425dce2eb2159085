// The differentiable ops, one file per kind; each rule sits next to its op.
export { unbroadcast, keptShape } from './ops/common.js';
export { add, sub, mul, div, pow, maximum, minimum, where } from './ops/binary.js';
export {
  neg, abs, exp, log, log1p, expm1, sqrt, rsqrt, square, reciprocal, tanh, sigmoid, relu, softplus, sin, cos,
  affine, clamp, sign, floor, ceil, round,
} from './ops/unary.js';
export { sum, mean, prod, max, min, logsumexp, softmax, logSoftmax, cumsum } from './ops/reduce.js';
export {
  reshape, transpose, permute, squeeze, unsqueeze, flatten, expand, broadcastTo, flip, cast, clone,
} from './ops/movement.js';
export { slice, narrow, pad, gather, indexSelect, indexAdd } from './ops/indexing.js';
export { concat, stack, split, chunk } from './ops/join.js';
export { matmul } from './ops/linalg.js';
export { eq, ne, lt, le, gt, ge, argmax, argmin } from './ops/compare.js';
