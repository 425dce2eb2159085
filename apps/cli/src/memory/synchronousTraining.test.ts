import { createGpujsBackend } from '@recurrent/backend-gpujs';
import { createNativeBackend } from '@recurrent/backend-native';
import { createCpuBackend } from '@recurrent/tensor';
import { describe, expect, it } from 'vitest';
import { type MemoryReading, synchronousTraining } from './synchronousTraining.js';

/** Heap growth between the first and the last reading after warm-up (MB). */
const growth = (readings: MemoryReading[]) => readings.at(-1)!.heapMB - readings[1].heapMB;

describe('memory stays flat in a synchronous training loop (no event-loop turn)', () => {
  it('CPU backend: 20,000 steps of LSTM + Adam, heap and live ArrayBuffer bytes bounded', () => {
    const backend = createCpuBackend();
    const readings = synchronousTraining({ steps: 20_000, every: 5_000, backend });
    // 20 buffers a step, 400,000 in all; a FinalizationRegistry cell for each was 28 MB of heap
    expect(backend.stats.allocated).toBeGreaterThan(300_000);
    expect(backend.stats.live).toBeNull();
    expect(growth(readings)).toBeLessThan(2);
    for (const reading of readings) expect(reading.arrayBuffersMB).toBeLessThan(4);
  }, 60_000);

  it('CPU backend counting live buffers: the count is exact once the event loop turns', async () => {
    const backend = createCpuBackend({ countLive: true });
    synchronousTraining({ steps: 200, every: 200, backend });
    expect(backend.stats.live).toBe(backend.stats.allocated);
    for (let k = 0; k < 5 && backend.stats.live! > 100; k++) {
      (globalThis as { gc?: () => void }).gc?.();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(backend.stats.live!).toBeLessThan(100);
  });

  // about 1.5 ms a step in WebAssembly here (the CPU backend 0.3 ms): 30 s alone, more on a loaded machine
  it('gpu.js backend (webasm): 20,000 steps, no device buffer left and host memory bounded', () => {
    const backend = createGpujsBackend({ mode: 'webasm' });
    try {
      const readings = synchronousTraining({ steps: 20_000, every: 5_000, backend });
      for (const reading of readings) expect(reading.deviceLive).toBe(0);
      for (const reading of readings) expect(reading.arrayBuffersMB).toBeLessThan(4);
      expect(growth(readings)).toBeLessThan(2);
    } finally {
      backend.dispose();
    }
  }, 300_000);

  it('native backend: 20,000 steps, heap and live ArrayBuffer bytes bounded', () => {
    const backend = createNativeBackend({ threads: 1 });
    const readings = synchronousTraining({ steps: 20_000, every: 5_000, backend });
    expect(backend.stats.allocated).toBeGreaterThan(300_000);
    expect(growth(readings)).toBeLessThan(2);
    for (const reading of readings) expect(reading.arrayBuffersMB).toBeLessThan(4);
  }, 120_000);
});
