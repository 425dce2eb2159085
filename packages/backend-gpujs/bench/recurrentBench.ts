import type { GpujsBackend, SequenceInput } from '../src/index.js';

/** A benchmark shape of configs.json: batch `B`, steps `T`, input size `I`, hidden size `H`. */
export interface Shape { name: string; B: number; T: number; I: number; H: number }
/** The standard benchmark configuration (configs.json). */
export interface Config { cells: string[]; shapes: Shape[]; modes: string[]; lr: number; seed: number; warmup: number; iters: number }
/** What to run of a configuration. */
export interface Selection { shapes: string[]; cells: string[]; modes: string[]; warmup: number; iters: number }

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

/**
 * Runs the selected configurations on the backend's fused sequence kernels and returns one
 * markdown table row per configuration: ms per step (median), launches, uploads and downloads per step.
 */
export function runRecurrentBench(backend: GpujsBackend, config: Config, selection: Selection, log: (row: string) => void = () => {}): string[] {
  const { shapes, cells, modes, warmup, iters } = selection;
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
        log(row);
      }
    }
  }
  return rows;
}
