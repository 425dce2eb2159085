// `pnpm --filter @recurrent/backend-gpujs bench [-- --mode webasm|cpu] [--shapes s2|s1,s2,s3]
// [--cells lstm,gru,rnn] [--modes inference,train] [--iters N] [--warmup N] [--config FILE]`:
// the standard recurrent benchmark (../shared/bench/configs.json; "about" says what a step is) on
// the fused gpu.js sequence kernels, with the launches and transfers one step makes. A train step
// is the forward, loss = mean(y²), the fused backward (which runs the forward again on the device)
// and a plain SGD step on the host. Default shape s2: the others take minutes on the CPU modes.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGpujsBackend, type GpujsMode, type SequenceInput } from '../src/index.js';

interface Shape { name: string; B: number; T: number; I: number; H: number }
interface Config { cells: string[]; shapes: Shape[]; modes: string[]; lr: number; seed: number; warmup: number; iters: number }

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

/** Uniform values in [-scale, scale) from a seeded xorshift generator. */
function uniform(length: number, seed: number, scale: number): Float32Array {
  let state = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 4294967296 * 2 - 1) * scale;
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const backend = createGpujsBackend({ mode });
const rows: string[] = [];
for (const shape of config.shapes.filter((s) => shapes.includes(s.name))) {
  for (const cell of cells) {
    const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
    const scale = 1 / Math.sqrt(shape.H);
    const input: SequenceInput = {
      x: uniform(shape.B * shape.T * shape.I, config.seed + 1, 1), batchFirst: true,
      sequenceLength: shape.T, batch: shape.B, inputSize: shape.I, hiddenSize: shape.H,
      weightIh: uniform(G * shape.H * shape.I, config.seed + 2, scale), weightHh: uniform(G * shape.H * shape.H, config.seed + 3, scale),
      biasIh: uniform(G * shape.H, config.seed + 4, scale), biasHh: uniform(G * shape.H, config.seed + 5, scale),
    };
    const forward = (): Float32Array =>
      (cell === 'lstm' ? backend.recurrent.lstmSequence(input) : cell === 'gru' ? backend.recurrent.gruSequence(input) : backend.recurrent.rnnSequence(input)).output;
    for (const benchMode of modes) {
      const cost = { launches: 0, uploads: 0, downloads: 0 };
      const count = (): void => {
        cost.launches += backend.recurrent.lastCost.launches;
        cost.uploads += backend.recurrent.lastCost.uploads;
        cost.downloads += backend.recurrent.lastCost.downloads;
      };
      const step = (): void => {
        const output = forward();
        count();
        if (benchMode === 'inference') return;
        // loss = mean(y²): dL/dy = 2y / n
        const dOutput = output.map((v) => (2 * v) / output.length);
        const grads = cell === 'lstm' ? backend.recurrent.lstmSequenceBackward(input, { dOutput })
          : cell === 'gru' ? backend.recurrent.gruSequenceBackward(input, { dOutput })
            : backend.recurrent.rnnSequenceBackward(input, { dOutput });
        count();
        for (const [weight, grad] of [[input.weightIh, grads.dWeightIh], [input.weightHh, grads.dWeightHh], [input.biasIh!, grads.dBiasIh], [input.biasHh!, grads.dBiasHh]]) {
          for (let i = 0; i < weight.length; i++) weight[i] -= config.lr * grad[i];
        }
      };
      for (let i = 0; i < warmup; i++) step();
      const times: number[] = [];
      cost.launches = cost.uploads = cost.downloads = 0;
      for (let i = 0; i < iters; i++) {
        const start = performance.now();
        step();
        times.push(performance.now() - start);
      }
      const row = `| ${cell} | ${shape.name} (B${shape.B} T${shape.T} I${shape.I} H${shape.H}) | ${benchMode} | ${median(times).toFixed(1)} | ${cost.launches / iters} | ${cost.uploads / iters} | ${cost.downloads / iters} |`;
      rows.push(row);
      console.error(row);
    }
  }
}
console.log(`\ngpu.js ${backend.mode} (${[...backend.kernelClasses].join(', ')}), median of ${iters} steps after ${warmup} warm-up steps\n`);
console.log('| cell | shape | mode | ms/step | launches/step | uploads/step | downloads/step |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(`\nlive device buffers after the run: ${backend.device.liveBuffers}`);
backend.dispose();
