import { readdirSync, existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// One project per workspace package: tests sit beside their sources, and imports of
// @recurrent/* resolve to src/ through the "source" export condition (no build needed).
const conditions = ['source', 'module', 'node', 'import', 'default'];
const folders = [
  ...['packages', 'apps'].flatMap((group) => (existsSync(group) ? readdirSync(group).map((name) => ({ group, name })) : [])),
  { group: '.', name: 'test-vectors' },
];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    projects: [
      ...folders
      .filter(({ group, name }) => existsSync(`${group}/${name}/package.json`))
      .map(({ group, name }) => ({
        extends: true,
        test: {
          name,
          root: `${group}/${name}`,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // *.browser.test.ts files run only in a package's chromium project
          exclude: ['**/node_modules/**', '**/*.browser.test.ts'],
          // The docs project drives a real browser over the built site: slower tests.
          testTimeout: name === 'docs' ? 120_000 : 60_000,
          // autograd's memory test calls gc() so live buffers are counted deterministically
          ...(name === 'autograd' ? { execArgv: ['--expose-gc'] } : {}),
        },
      })),
      // the gpu.js backend in headless chromium (WebGL2)
      'packages/backend-gpujs/vitest.browser.config.ts',
      // the CPU backend's WebAssembly kernels in headless chromium
      'packages/tensor/vitest.browser.config.ts',
      // model files (round trips, IndexedDB, the hostile file suite) in headless chromium
      'packages/layers/vitest.browser.config.ts',
    ],
  },
});
