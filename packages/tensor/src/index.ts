export type { DType, DataArray, FloatArray, DataArrayFor } from './dtype.js';
export { allocateArray, dtypeOf, isFloat, promoteTypes } from './dtype.js';
export type { Shape } from './shape.js';
export {
  broadcastShapes, broadcastStrides, checkShape, fail, formatShape, normalizeAxes, normalizeAxis,
  shapesEqual, sizeOf, stridesOf,
} from './shape.js';
export { Tensor, isTensor, type NestedArray } from './tensor.js';
export {
  type Backend, type BufferStats, type KernelTable, type RecurrentMode, type RecurrentActivation, type RecurrentWeights,
  type RecurrentForwardArgs, type RecurrentForwardResult, type RecurrentBackwardArgs, type RecurrentGradients, type RecurrentNeeds,
  type RecurrentTape, type RecurrentKernels, type Strided, type AxisLayout, type GemmArgs, type PackBArgs, type PackedOperand,
  type UnaryOp, type BinaryOp, type ReduceOp, unaryOps, binaryOps, reduceOps,
} from './backend.js';
export { cpu, cpuKernels, createCpuBackend, type CpuBackendOptions } from './cpu/cpuBackend.js';
export { createCpuRecurrence, checkRecurrentArgs, type CpuRecurrenceOptions } from './recurrence/cpuRecurrence.js';
export { gemmReference } from './cpu/gemmReference.js';
export { gemm, hasWasmGemm, packB } from './cpu/gemm.js';
export { hasWasmElementwise } from './cpu/elementwiseWasm.js';
export { decodeBase64, hasFusedGemm } from './wasm/gemmKernelModule.js';
export { gemmBlocked } from './cpu/gemmBlocked.js';
export { createThreadedGemm, type ThreadedGemm, type ThreadedGemmOptions } from './cpu/gemmThreaded.js';
export { Generator, type GeneratorState } from './random.js';
export * from './ops/creation.js';
export * from './ops/elementwise.js';
export * from './ops/matmul.js';
export * from './ops/reduce.js';
export * from './ops/movement.js';
export * from './ops/slice.js';
export * from './ops/join.js';
export * from './ops/indexing.js';
export * from './ops/cast.js';
export {
  encodeSafetensors, decodeSafetensors, SafetensorsError, type SafetensorsErrorCode, type SafetensorsDType, type SafetensorsMetadata, type DecodedSafetensors,
  type DecodeSafetensorsOptions,
} from './io/safetensors.js';
export { checkOptions, describeValue, nearestName, option, type OptionRule, type OptionsSchema } from './options.js';
