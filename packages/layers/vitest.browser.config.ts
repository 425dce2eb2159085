import { defineProject } from 'vitest/config';
import { chromium } from '../../vitest.chromium.js';

// Model files in headless Debian chromium: the round trips (bytes, a fetched URL, IndexedDB) and the
// damaged/hostile file suite, as a page runs them. Tests that need Node (files, an HTTP server)
// stay in Node only.
export default defineProject({
  resolve: { conditions: ['source', 'module', 'browser', 'import', 'default'] },
  test: {
    name: 'layers-browser',
    root: import.meta.dirname,
    include: ['test/model/**/*.test.ts'],
    exclude: ['test/model/**/*.node.test.ts'],
    testTimeout: 60_000,
    browser: chromium(),
  },
});
