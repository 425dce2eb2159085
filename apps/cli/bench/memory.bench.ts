// `pnpm --filter @recurrent/cli bench:memory [--steps N] [--backend cpu|cpu-count-live|gpujs|native]`:
// heap, RSS, live ArrayBuffer bytes and the backend's buffer counters over N (default 20,000)
// synchronous steps of LSTM(2→4) + Adam, with no event-loop turn between steps.
// `cpu-count-live` is a CPU backend counting live buffers with a FinalizationRegistry (what every
// CPU backend did before): its cells pile up until the loop yields.
import { createGpujsBackend } from '@recurrent/backend-gpujs';
import { createNativeBackend } from '@recurrent/backend-native';
import { type Backend, createCpuBackend } from '@recurrent/tensor';
import { synchronousTraining } from '../src/memory/synchronousTraining.js';

const argument = (flag: string) => {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const steps = Number(argument('--steps') ?? 20_000);
const kind = argument('--backend') ?? 'cpu';
const gpujs = kind === 'gpujs' ? createGpujsBackend({ mode: 'webasm' }) : null;
const backend: Backend = gpujs ?? (kind === 'native' ? createNativeBackend({ threads: 1 }) : createCpuBackend({ countLive: kind === 'cpu-count-live' }));
const began = performance.now();
const readings = synchronousTraining({ steps, every: steps / 4, backend });
console.log(`${steps} synchronous steps of LSTM(2→4) + Adam on ${kind}, ${((performance.now() - began) / 1000).toFixed(1)} s`);
console.log('step      heap MB   rss MB   arrayBuffers MB   allocated   live   device live');
for (const r of readings) {
  console.log(`${String(r.step).padEnd(9)} ${r.heapMB.toFixed(1).padStart(7)} ${r.rssMB.toFixed(1).padStart(8)} ${r.arrayBuffersMB.toFixed(2).padStart(17)} ${String(r.allocated).padStart(11)} ${String(r.live ?? '-').padStart(6)} ${String(r.deviceLive ?? '-').padStart(13)}`);
}
gpujs?.dispose();
