/**
 * The raw sequence math of the built-in cells, which now lives in `@recurrent/tensor/recurrence`
 * (the CPU backend's `kernels.recurrent` runs it): re-exported here for code that imported it
 * from this entry point. Not part of the main entry point.
 */
export * from '@recurrent/tensor/recurrence';
