import { gemmKernelShape } from '../wasm/gemmKernelShape.js';

/**
 * Int32 words at the start of shared memory that coordinate the threaded gemm. The calling thread
 * posts a job (one packed block): it writes the kernel's arguments into the parameter slot of the
 * job's parity, zeroes `completed`, sets `counter` to the job's tag, then bumps `job`. Every thread
 * (the caller too) then claims chunks of panels by compare-and-swap on `counter`, whose high bits
 * tag the job, so a late thread can never claim a chunk of a finished job; whoever completes the
 * last chunk wakes the caller. A negative `job` stops the workers.
 */
export const control = {
  job: 0, counter: 1, completed: 2,
  /** First word of the parameter slot of even jobs; odd jobs use the next `slotWords`. */
  slots: 4, slotWords: 14,
  // Offsets inside a slot.
  mc: 0, nc: 1, kc: 2, pa: 3, pb: 4, pc: 5, ldc: 6, alpha: 7, beta: 8, mode: 9, byColumns: 10, chunkPanels: 11, panels: 12,
  /** Bits of `counter` that count claimed chunks (so at most 4095 chunks a job). */
  chunkBits: 12,
  /** Words used in all. */
  words: 32,
} as const;

/**
 * Polls of a control word before a thread sleeps on it (a few microseconds). Short on purpose:
 * a job is at least tens of microseconds of work, so a wake-up through the operating system costs
 * little, while a long spin burns CPU time that, on a busy machine, the other thread needs.
 */
export const spins = 1000;

const { mr, nr } = gemmKernelShape;

/**
 * Claims and runs chunks of job `job` until none is left: the workers' copy (inside
 * {@link gemmWorkerSource}) of {@link runChunks}, kept as text because a bundler may rename what a
 * stringified function refers to. Keep the two in step.
 */
const runChunksSource = `function runChunks(kernel, ints, floats, job) {
  const slot = ${control.slots} + (job & 1) * ${control.slotWords};
  const mc = ints[slot + ${control.mc}], nc = ints[slot + ${control.nc}], kc = ints[slot + ${control.kc}];
  const pa = ints[slot + ${control.pa}], pb = ints[slot + ${control.pb}], pc = ints[slot + ${control.pc}];
  const ldc = ints[slot + ${control.ldc}], alpha = floats[slot + ${control.alpha}], beta = floats[slot + ${control.beta}];
  const mode = ints[slot + ${control.mode}], byColumns = ints[slot + ${control.byColumns}];
  const chunkPanels = ints[slot + ${control.chunkPanels}], panels = ints[slot + ${control.panels}];
  const chunks = Math.ceil(panels / chunkPanels);
  const tag = (job & 0x7ffff) << ${control.chunkBits};
  for (;;) {
    const claimed = Atomics.load(ints, ${control.counter});
    const chunk = claimed & ${(1 << control.chunkBits) - 1};
    if (claimed - chunk !== tag || chunk >= chunks) return;
    if (Atomics.compareExchange(ints, ${control.counter}, claimed, claimed + 1) !== claimed) continue;
    const first = chunk * chunkPanels;
    const count = Math.min(chunkPanels, panels - first);
    if (byColumns) kernel(mc, count * ${nr}, kc, pa, pb + first * kc * ${4 * nr}, pc + first * ${4 * nr}, ldc, alpha, beta, mode);
    else kernel(count * ${mr}, nc, kc, pa + first * kc * ${4 * mr}, pb, pc + first * ${mr} * ldc, ldc, alpha, beta, mode);
    if (Atomics.add(ints, ${control.completed}, 1) + 1 === chunks) Atomics.notify(ints, ${control.completed});
  }
}`;

/**
 * The source of a gemm worker, as a script string so that it runs unchanged as a Node
 * `worker_threads` worker (`eval: true`) and as a browser Web Worker (from a Blob URL), with no
 * file to locate next to the bundle. Its first message is `{ module, memory }`: the shared kernel
 * module and the shared memory; it answers `'ready'`, then serves jobs until `job` turns negative.
 */
export const gemmWorkerSource = `'use strict';
${runChunksSource}
let post;
const start = ({ module, memory }) => {
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports.kernel;
  const ints = new Int32Array(memory.buffer, 0, ${control.words});
  const floats = new Float32Array(memory.buffer, 0, ${control.words});
  post('ready');
  let seen = 0;
  for (;;) {
    let job = Atomics.load(ints, ${control.job});
    for (let spin = 0; job === seen && spin < ${spins}; spin++) job = Atomics.load(ints, ${control.job});
    if (job === seen) {
      Atomics.wait(ints, ${control.job}, seen);
      continue;
    }
    if (job < 0) break;
    seen = job;
    runChunks(kernel, ints, floats, job);
  }
};
if (typeof require === 'function') {
  const { parentPort } = require('node:worker_threads');
  post = (message) => parentPort.postMessage(message);
  parentPort.once('message', start);
} else {
  post = (message) => self.postMessage(message);
  self.onmessage = (event) => start(event.data);
}
`;

/** The calling thread's copy of the chunk loop of {@link gemmWorkerSource}. */
export function runChunks(
  kernel: (...args: number[]) => void, ints: Int32Array, floats: Float32Array, job: number,
): void {
  const slot = control.slots + (job & 1) * control.slotWords;
  const mc = ints[slot + control.mc], nc = ints[slot + control.nc], kc = ints[slot + control.kc];
  const pa = ints[slot + control.pa], pb = ints[slot + control.pb], pc = ints[slot + control.pc];
  const ldc = ints[slot + control.ldc], alpha = floats[slot + control.alpha], beta = floats[slot + control.beta];
  const mode = ints[slot + control.mode], byColumns = ints[slot + control.byColumns];
  const chunkPanels = ints[slot + control.chunkPanels], panels = ints[slot + control.panels];
  const chunks = Math.ceil(panels / chunkPanels);
  const tag = (job & 0x7ffff) << control.chunkBits;
  for (;;) {
    const claimed = Atomics.load(ints, control.counter);
    const chunk = claimed & ((1 << control.chunkBits) - 1);
    if (claimed - chunk !== tag || chunk >= chunks) return;
    if (Atomics.compareExchange(ints, control.counter, claimed, claimed + 1) !== claimed) continue;
    const first = chunk * chunkPanels;
    const count = Math.min(chunkPanels, panels - first);
    if (byColumns) kernel(mc, count * nr, kc, pa, pb + first * kc * 4 * nr, pc + first * 4 * nr, ldc, alpha, beta, mode);
    else kernel(count * mr, nc, kc, pa + first * kc * 4 * mr, pb, pc + first * mr * ldc, ldc, alpha, beta, mode);
    if (Atomics.add(ints, control.completed, 1) + 1 === chunks) Atomics.notify(ints, control.completed);
  }
}
