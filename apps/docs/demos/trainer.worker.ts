/// <reference lib="webworker" />
// Trains one demo in a Web Worker, so the page never freezes: rounds of a few steps, progress
// messages a few times a second, pause and resume between rounds.
import type { Backend } from '@recurrent/tensor';
import { cpu } from '@recurrent/tensor';
import { createDemo } from './registry';
import type { FromWorker, ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let paused = false;
let stopped = false;

function post(message: FromWorker): void {
  scope.postMessage(message);
}

async function chooseBackend(wanted: 'auto' | 'cpu' | 'gpujs'): Promise<Backend> {
  if (wanted === 'cpu') return cpu;
  const hasWebGL2 = typeof OffscreenCanvas !== 'undefined' && !!new OffscreenCanvas(1, 1).getContext('webgl2');
  const hasWebGPU = typeof navigator !== 'undefined' && 'gpu' in navigator;
  if (!hasWebGL2 && !hasWebGPU && wanted === 'auto') return cpu;
  try {
    const { createGpujsBackend } = await import('@recurrent/backend-gpujs');
    return createGpujsBackend({ mode: hasWebGL2 ? 'webgl2' : 'gpu' }) as Backend;
  } catch (error) {
    if (wanted === 'gpujs') throw error;
    return cpu;
  }
}

scope.onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'pause') paused = true;
  else if (message.type === 'resume') paused = false;
  else if (message.type === 'stop') stopped = true;
  else if (message.type === 'start') {
    try {
      const backend = await chooseBackend(message.backend);
      post({ type: 'backend', name: backend.name, detail: backend.name === 'cpu' ? 'CPU backend (WebAssembly SIMD matrix product)' : `gpu.js backend (${backend.name})` });
      const demo = await createDemo(message.demo, { backend, seed: message.seed });
      const started = performance.now();
      let step = 0;
      // Rounds are averaged into one progress message at most every 250 ms, so the page's main
      // thread redraws a few times a second however fast a demo trains.
      let lastPost = -Infinity;
      let lossSum = 0;
      let rounds = 0;
      while (!stopped) {
        if (paused) {
          post({ type: 'paused' });
          while (paused && !stopped) await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        const result = demo.round();
        step += result.steps;
        lossSum += result.loss;
        rounds++;
        const now = performance.now();
        if (now - lastPost >= 250) {
          post({ type: 'progress', step, seconds: (now - started) / 1000, loss: lossSum / rounds, report: result.report });
          lastPost = now;
          lossSum = 0;
          rounds = 0;
        }
        // Yield so pause/stop messages get through.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } catch (error) {
      post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }
};
