// `GPUJS_BENCH=1 npx vitest run --project backend-gpujs-browser` (from the repository root): the
// standard recurrent benchmark on WebGL2 in headless chromium (SwiftShader: software rendering,
// so the figures show correctness and launch counts, not GPU speed). Shape s2 only by default;
// `GPUJS_BENCH_SHAPES=s1,s2` for more. Never part of the test run.
import { it } from 'vitest';
import { createGpujsBackend } from '../src/index.js';
import config from '../../layers/bench/configs.json' with { type: 'json' };
import { runRecurrentBench, type Config } from './recurrentBench.js';

declare const __GPUJS_BENCH_SHAPES__: string;

it('recurrent benchmark on gpu.js webgl2', { timeout: 3_600_000 }, () => {
  const backend = createGpujsBackend({ mode: 'webgl2' });
  const shapes = __GPUJS_BENCH_SHAPES__.split(',');
  const rows = runRecurrentBench(backend, config as Config, { shapes, cells: config.cells, modes: config.modes, warmup: config.warmup, iters: config.iters });
  console.log([
    `gpu.js ${backend.mode} (${[...backend.kernelClasses].join(', ')}), headless chromium, median of ${config.iters} steps after ${config.warmup} warm-up steps`,
    '| cell | shape | mode | ms/step | launches/step | uploads/step | downloads/step |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n'));
  backend.dispose();
});
