import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { backward, mean, mul } from '@recurrent/autograd';
import { LSTM } from '@recurrent/layers';
import { Adam } from '@recurrent/optim';
import { type Backend, Generator, randn } from '@recurrent/tensor';

/** One reading of a synchronous training loop: heap, RSS and the backend's buffer counters. */
export interface MemoryReading {
  step: number;
  heapMB: number;
  rssMB: number;
  /** Bytes of live ArrayBuffers (typed-array storage), MB, after two full collections. */
  arrayBuffersMB: number;
  allocated: number;
  /** `backend.stats.live` (null where the backend does not count live buffers). */
  live: number | null;
  /** The gpu.js device's live buffers, where the backend has a device. */
  deviceLive?: number;
}

/**
 * A full, synchronous garbage collection. `--expose-gc` turned on at run time gives a `gc` to a new
 * context; unlike waiting for the event loop it runs no FinalizationRegistry callbacks.
 */
export function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * The README's loop with no event-loop turn: `steps` synchronous steps of
 * `LSTM({ inputSize: 2, hiddenSize: 4 })` + Adam on one `[5, 3, 2]` batch, reading memory every
 * `every` steps after a full collection.
 */
export function synchronousTraining(settings: { steps: number; every: number; backend?: Backend }): MemoryReading[] {
  const gc = collector();
  const lstm = new LSTM({ inputSize: 2, hiddenSize: 4, generator: new Generator(0), backend: settings.backend });
  const optimizer = new Adam(lstm.parameters(), { lr: 1e-3 });
  const x = randn([5, 3, 2], new Generator(1), { backend: settings.backend });
  const backend = lstm.parameters()[0].value.backend as Backend & { device?: { liveBuffers: number } };
  const readings: MemoryReading[] = [];
  const read = (step: number) => {
    // twice: the second collection finishes freeing the ArrayBuffer storage the first found dead
    gc();
    gc();
    const usage = process.memoryUsage();
    readings.push({
      step, heapMB: usage.heapUsed / 2 ** 20, rssMB: usage.rss / 2 ** 20, arrayBuffersMB: usage.arrayBuffers / 2 ** 20,
      allocated: backend.stats.allocated, live: backend.stats.live,
      ...(backend.device ? { deviceLive: backend.device.liveBuffers } : {}),
    });
  };
  read(0);
  for (let step = 1; step <= settings.steps; step++) {
    optimizer.zeroGrad();
    const { output } = lstm.forward(x);
    backward(mean(mul(output, output)));
    optimizer.step();
    if (step % settings.every === 0) read(step);
  }
  return readings;
}
