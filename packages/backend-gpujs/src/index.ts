export { createGpujsBackend, type GpujsBackend, type GpujsBackendOptions, type GpujsRecurrent } from './createGpujsBackend.js';
export { gpujsModes, type DeviceCounters, type GpujsMode } from './device.js';
export { gpujsKernelNames, maxBinaryRank, type KernelName } from './gpuKernels.js';
export type {
  RecurrentMode, RunCost, SequenceGradientInput, SequenceGradients, SequenceInput, SequenceOutput,
} from './sequenceInput.js';
