{
  # The Node-API addon. One shared object: the BLAS binding, the elementwise and recurrence
  # kernels compiled three times (portable, AVX2 + FMA, AVX-512) in their own translation units
  # (a `#pragma GCC target` at the top of each), chosen at load time from the CPU's features.
  # The BLAS comes from scripts/blasFlags.mjs (pkg-config openblas, or RECURRENT_BLAS_*).
  "targets": [
    {
      "target_name": "recurrent_native",
      "sources": [
        "csrc/addon.c",
        "csrc/napiUtil.c",
        "csrc/gemm.c",
        "csrc/recurrenceBinding.c",
        "csrc/threadPool.c",
        "csrc/recurrence_scalar.c",
        "csrc/recurrence_avx2.c",
        "csrc/recurrence_avx512.c",
        "csrc/elementwiseBinding.c",
        "csrc/elementwise_scalar.c",
        "csrc/elementwise_avx2.c",
        "csrc/elementwise_avx512.c"
      ],
      "cflags": ["-O3", "-std=gnu11", "-fno-math-errno", "-fno-trapping-math", "<!@(node scripts/blasFlags.mjs cflags)"],
      "cflags!": ["-O2"],
      "libraries": ["<!@(node scripts/blasFlags.mjs libs)", "-lm", "-lpthread"],
      "defines": ["NAPI_VERSION=8"]
    },
    {
      "target_name": "recurrent_cpu",
      "sources": ["csrc/cpuFeatures.c"],
      "cflags": ["-O2", "-std=gnu11"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
