import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

// The CPU backend in headless Debian chromium: the WebAssembly SIMD kernels (gemm, elementwise)
// as a browser compiles and runs them, synchronously on the page's thread. The browser is the
// system's: no tool downloads one. Tests that need Node (worker_threads, files) stay in Node only.
const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export default defineProject({
  resolve: { conditions: ['source', 'module', 'browser', 'import', 'default'] },
  test: {
    name: 'tensor-browser',
    root: import.meta.dirname,
    include: ['src/**/*.test.ts'],
    exclude: ['src/cpu/gemmThreaded.test.ts', 'src/io/safetensors.test.ts', 'src/ops/vectors.test.ts', 'src/wasm/*.test.ts'],
    testTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args } }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
