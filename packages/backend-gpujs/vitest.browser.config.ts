import { defineProject } from 'vitest/config';
import { chromium } from '../../vitest.chromium.js';

// The gpu.js backend in headless Debian chromium (WebGL2 on SwiftShader). The browser is the
// system's: no tool downloads one. CI installs it when a package.json names this provider.
// GPUJS_BENCH=1 swaps the tests for the benchmark (bench/webgl2.bench.browser.ts).
const bench = process.env.GPUJS_BENCH === '1';

export default defineProject({
  define: { __GPUJS_BENCH_SHAPES__: JSON.stringify(process.env.GPUJS_BENCH_SHAPES ?? 's2') },
  resolve: { conditions: ['source', 'module', 'browser', 'import', 'default'] },
  optimizeDeps: { include: ['gpu.js'] },
  test: {
    name: 'backend-gpujs-browser',
    root: import.meta.dirname,
    include: bench ? ['bench/**/*.bench.browser.ts'] : ['browser/**/*.test.ts'],
    testTimeout: 60_000,
    browser: chromium(),
  },
});
