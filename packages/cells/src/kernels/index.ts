/**
 * The raw step and sequence math of the built-in cells on `Float32Array` buffers, shared by the
 * cells (one step) and the fused sequence layers of `@recurrent/layers` (whole sequences).
 * Exported as `@recurrent/cells/kernels`; not part of the main entry point.
 */
export * from './common.js';
export * from './rnnSequence.js';
export * from './lstmSequence.js';
export * from './gruSequence.js';
export { setGateKernelsEnabled } from '../wasm/gateKernels.js';
