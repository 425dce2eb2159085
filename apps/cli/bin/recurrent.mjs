#!/usr/bin/env node
// Runs the TypeScript entry in a child Node process with tsx's loader (`--import tsx`),
// resolving @recurrent/* to their sources (`--conditions=source`, no build needed), passing the
// caller's arguments, stdio and exit code through. On Node 20 and 21 the child also gets
// WebAssembly relaxed SIMD (on by default from Node 22 and in browsers): the matrix products then
// use fused multiply-adds, about 15% faster (@recurrent/tensor's `hasFusedGemm()`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const loader = pathToFileURL(require.resolve('tsx')).href;
const relaxedSimd = Number(process.versions.node.split('.')[0]) <= 21 ? ['--experimental-wasm-relaxed-simd'] : [];
const child = spawn(process.execPath, [...relaxedSimd, '--import', loader, '--conditions=source', join(here, '..', 'src', 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  // the child watches this pid and ends itself when this process is gone, even after a SIGKILL
  // here, which no handler can forward (src/run/parentWatch.ts)
  env: { ...process.env, RECURRENT_LAUNCHER_PID: String(process.pid) },
});
// forwarded so `kill -INT <launcher>` checkpoints too; from a terminal the child gets Ctrl-C twice
// (the trainer treats signals within two seconds as one)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
