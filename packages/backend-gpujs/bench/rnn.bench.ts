// `pnpm --filter @recurrent/backend-gpujs bench [-- --mode webasm|cpu] [--shapes s2|s1,s2,s3]
// [--cells lstm,gru,rnn] [--modes inference,train] [--iters N] [--warmup N] [--config FILE]`:
// the standard recurrent benchmark (../shared/bench/configs.json; "about" says what a step is) on
// the fused gpu.js sequence kernels, with the launches and transfers one step makes. A train step
// is the forward, loss = mean(y²), the fused backward (which runs the forward again on the device)
// and a plain SGD step on the host. Default shape s2: the others take minutes on the CPU modes.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Generator, uniform } from '@recurrent/tensor';
import { noGrad } from '../../autograd/src/index.js';
import { LSTM } from '../../layers/src/index.js';
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
// The LSTM layer of @recurrent/layers on this backend: it reaches the same fused kernels through
// `kernels.recurrent`; what one inference forward costs on the device, per time step and per
// sequence (plain, projected to H/2, and with peepholes: all three stay on the device): the whole
// forward (the batch-first layer's two transposes are strided copies on the host, where the
// storage is) and, apart, the fused recurrence it runs.
console.log('\nthe LSTM layer of @recurrent/layers (batch-first, one layer), inference forward on this backend\n');
console.log('| layer | shape | ms/forward | launches/forward | launches/time step | uploads/sequence | downloads/sequence | recurrence: launches/time step, uploads, downloads | recurrent fallbacks |');
console.log('|---|---|---|---|---|---|---|---|---|');
const variants = [
  { label: 'LSTM', options: (_H: number) => ({}) },
  { label: 'LSTM projSize H/2', options: (H: number) => ({ projSize: H >> 1 }) },
  { label: 'LSTM peephole', options: (_H: number) => ({ peephole: true }) },
];
const recurrentFallbacks = () => [...backend.fallbacks].filter(([name]) => name.startsWith('recurrent.')).reduce((n, [, c]) => n + c, 0);
for (const shape of config.shapes.filter((s) => shapes.includes(s.name))) {
  for (const variant of variants) {
    const lstm = new LSTM({ inputSize: shape.I, hiddenSize: shape.H, batchFirst: true, backend, generator: new Generator(config.seed), ...variant.options(shape.H) });
    const x = uniform([shape.B, shape.T, shape.I], -1, 1, new Generator(config.seed + 1), { backend });
    for (let i = 0; i < warmup; i++) noGrad(() => lstm.forward(x));
    const before = { ...backend.device };
    const fallbacksBefore = recurrentFallbacks();
    const times: number[] = [];
    for (let i = 0; i < iters; i++) {
      const start = performance.now();
      noGrad(() => lstm.forward(x));
      times.push(performance.now() - start);
    }
    const per = (key: 'launches' | 'uploads' | 'downloads') => (backend.device[key] - before[key]) / iters;
    // the last fused run of the forward (one run: every row has the whole length)
    const recurrence = backend.recurrent.lastCost;
    times.sort((a, b) => a - b);
    console.log(`| ${variant.label} | ${shape.name} (B${shape.B} T${shape.T} I${shape.I} H${shape.H}) | ${times[times.length >> 1].toFixed(1)} | ${per('launches')} | ${(per('launches') / shape.T).toFixed(2)} | ${per('uploads')} | ${per('downloads')} | ${(recurrence.launches / shape.T).toFixed(2)}, ${recurrence.uploads}, ${recurrence.downloads} | ${recurrentFallbacks() - fallbacksBefore} |`);
  }
}
console.log(`\nlive device buffers after the run: ${backend.device.liveBuffers}`);
backend.dispose();
