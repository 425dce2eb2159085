import { defineProject } from 'vitest/config';
import { chromium } from '../../vitest.chromium.js';

// The CPU backend in headless Debian chromium: the WebAssembly SIMD kernels (gemm, elementwise)
// as a browser compiles and runs them, synchronously on the page's thread. The browser is the
// system's: no tool downloads one. Tests that need Node (worker_threads, files) stay in Node only.
export default defineProject({
  resolve: { conditions: ['source', 'module', 'browser', 'import', 'default'] },
  test: {
    name: 'tensor-browser',
    root: import.meta.dirname,
    include: ['src/**/*.test.ts'],
    exclude: ['src/cpu/gemmThreaded.test.ts', 'src/io/safetensors.test.ts', 'src/ops/vectors.test.ts', 'src/wasm/*.test.ts'],
    testTimeout: 60_000,
    browser: chromium(),
  },
});
