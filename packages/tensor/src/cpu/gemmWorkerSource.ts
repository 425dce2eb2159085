/**
 * Control words of one worker of the threaded gemm: 16 int32 (64 bytes) at the worker's slot in
 * shared memory. The main thread writes the kernel's arguments, then bumps `job`; the worker runs
 * the kernel and copies `job` into `done`. A negative `job` stops the worker.
 */
export const control = {
  job: 0, done: 1, mc: 2, nc: 3, kc: 4, pa: 5, pb: 6, pc: 7, ldc: 8, alpha: 9, beta: 10, mode: 11,
  /** int32 words per slot. */
  words: 16,
} as const;

/** Polls of a control word before a thread sleeps on it (tens of microseconds): back-to-back
 * blocks then hand over without a trip through the operating system's scheduler. */
export const spins = 20000;

/**
 * The source of a gemm worker, as a script string so that it runs unchanged as a Node
 * `worker_threads` worker (`eval: true`) and as a browser Web Worker (from a Blob URL), with no
 * file to locate next to the bundle. Its first message is `{ module, memory, slot }`: the shared
 * kernel module, the shared memory and the byte offset of its control slot; it answers `'ready'`.
 */
export const gemmWorkerSource = `'use strict';
let post;
const start = ({ module, memory, slot }) => {
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports.kernel;
  const ints = new Int32Array(memory.buffer, slot, ${control.words});
  const floats = new Float32Array(memory.buffer, slot, ${control.words});
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
    kernel(ints[${control.mc}], ints[${control.nc}], ints[${control.kc}], ints[${control.pa}], ints[${control.pb}],
      ints[${control.pc}], ints[${control.ldc}], floats[${control.alpha}], floats[${control.beta}], ints[${control.mode}]);
    Atomics.store(ints, ${control.done}, job);
    Atomics.notify(ints, ${control.done});
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
