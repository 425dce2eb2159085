/**
 * The register block of the WebAssembly SIMD matrix-product kernel: each pass of its inner
 * loop updates `mr` rows by `nr` columns of `C`, held in `mr · nr / 4` f32x4 accumulators.
 * The generator (scripts/gemmWat.ts) and the driver (src/cpu/gemmWasm.ts) both read these, so
 * the packed layouts always agree with the kernel. 4 × 8 without unrolling measured fastest on
 * Node 20 (about 45 GFLOP/s on data in cache, against 34–39 for 4 × 8 unrolled, 5 × 8, 6 × 8,
 * 4 × 12 and 8 × 8): eight accumulators leave V8 registers for the loads without spilling.
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
