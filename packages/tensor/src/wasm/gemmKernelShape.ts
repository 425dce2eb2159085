/**
 * The register block of the WebAssembly SIMD matrix-product kernel: each call of its inner
 * loop updates `MR` rows by `NR` columns of `C`, held in `MR · NR / 4` f32x4 accumulators.
 * The generator (scripts/gemmWat.ts) and the driver (src/cpu/gemmWasm.ts) both read these, so
 * the packed layouts always agree with the kernel.
 */
export const gemmKernelShape = {
  /** Rows of `C` per micro-tile (one splatted element of packed `A` per row and step of k). */
  mr: 4,
  /** Columns of `C` per micro-tile (a multiple of 4: `NR / 4` vectors of packed `B` per step). */
  nr: 8,
  /** Steps of k unrolled in the inner loop (1 measured fastest: V8 keeps the loop tight). */
  unroll: 1,
} as const;

/** Largest size, in 64 KiB pages, that the shared memory of the threaded gemm may grow to (1 GiB). */
export const sharedMaximumPages = 16384;
