import { Worker } from 'node:worker_threads';

// Runs on its own thread, so it notices even while training holds the main thread: when the
// parent (the launcher) is gone, process.ppid changes; the main thread is told (a SIGTERM, so a
// training checkpoints at its next step) and, 1.2 s later, the process kills itself (the last
// periodic checkpoint is then the one to resume from).
const watcher = `
const { parentPort, workerData } = require('node:worker_threads');
const timer = setInterval(() => {
  if (process.ppid === workerData.parent) return;
  clearInterval(timer);
  parentPort.postMessage('orphaned');
  setTimeout(() => process.kill(workerData.self, 'SIGKILL'), 1200);
}, 50);
`;

/**
 * Makes this process end with its parent: when the launcher `bin/recurrent.mjs` is killed, even
 * with SIGKILL (which it cannot forward), no trainer is left writing checkpoints. `parent` is the
 * launcher's pid, passed in `RECURRENT_LAUNCHER_PID`.
 */
export function exitWithParent(parent: number): void {
  if (!Number.isSafeInteger(parent) || parent <= 1 || process.ppid !== parent) return;
  // no execArgv: the tsx loader in a worker would hold the process open after main ends
  const worker = new Worker(watcher, { eval: true, execArgv: [], workerData: { parent, self: process.pid } });
  worker.on('message', () => {
    // a training loop listens for SIGTERM and saves a checkpoint; anything else just ends
    if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
    else process.exit(143);
  });
  // after the listener: adding a 'message' listener refs the worker again
  worker.unref();
}
