/**
 * The CPU recurrence behind `createCpuRecurrence`: the whole-sequence kernels of the Elman RNN,
 * LSTM and GRU on `Float32Array` buffers, their gate passes and the workspace that owns their
 * buffers. Exported as `@recurrent/tensor/recurrence` (and re-exported by
 * `@recurrent/cells/kernels`) for backends and tests that run them directly; layers and cells
 * reach them only through `backend.kernels.recurrent`.
 */
export * from './common.js';
export * from './rnnSequence.js';
export * from './lstmSequence.js';
export * from './gruSequence.js';
export { SequenceRows } from './sequenceRows.js';
export { LstmGatePass } from './lstmGatePass.js';
export { GruGatePass } from './gruGatePass.js';
export { RnnGatePass } from './rnnGatePass.js';
export { RecurrentWorkspace } from './workspace.js';
export { createCpuRecurrence, checkRecurrentArgs, type CpuRecurrenceOptions } from './cpuRecurrence.js';
