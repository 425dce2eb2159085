// `pnpm --filter @recurrent/backend-gpujs bench [-- --mode webasm|cpu] [--shapes s2|s1,s2,s3]
// [--cells lstm,gru,rnn] [--modes inference,train] [--iters N] [--warmup N] [--config FILE]`:
// the standard recurrent benchmark (../shared/bench/configs.json; "about" says what a step is) on
// the fused gpu.js sequence kernels, with the launches and transfers one step makes. A train step
// is the forward, loss = mean(y²), the fused backward (which runs the forward again on the device)
// and a plain SGD step on the host. Default shape s2: the others take minutes on the CPU modes.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGpujsBackend, type GpujsMode } from '../src/index.js';
import { runRecurrentBench, type Config } from './recurrentBench.js';


const here = import.meta.dirname;
const argument = (flag: string): string | undefined => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const shared = resolve(here, '../../../../shared/bench/configs.json');
const configPath = resolve(argument('--config') ?? (existsSync(shared) ? shared : resolve(here, '../../layers/bench/configs.json')));
const config = JSON.parse(readFileSync(configPath, 'utf8')) as Config;
const mode = (argument('--mode') ?? 'webasm') as GpujsMode;
const shapes = (argument('--shapes') ?? 's2').split(',');
const cells = argument('--cells')?.split(',') ?? config.cells;
const modes = argument('--modes')?.split(',') ?? config.modes;
const iters = Number(argument('--iters') ?? config.iters);
const warmup = Number(argument('--warmup') ?? config.warmup);

const backend = createGpujsBackend({ mode });
const rows = runRecurrentBench(backend, config, { shapes, cells, modes, warmup, iters }, (row) => console.error(row));
console.log(`\ngpu.js ${backend.mode} (${[...backend.kernelClasses].join(', ')}), median of ${iters} steps after ${warmup} warm-up steps\n`);
console.log('| cell | shape | mode | ms/step | launches/step | uploads/step | downloads/step |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(`\nlive device buffers after the run: ${backend.device.liveBuffers}`);
backend.dispose();
