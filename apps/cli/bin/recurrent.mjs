#!/usr/bin/env node
// Launches the TypeScript entry through tsx, resolving @recurrent/* to their sources (no build
// needed), with the caller's arguments, stdio and exit code.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsx = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
const child = spawn(process.execPath, [tsx, '--conditions=source', join(here, '..', 'src', 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// forwarded so `kill -INT <launcher>` checkpoints too; from a terminal the child gets Ctrl-C twice
// (the trainer treats signals within two seconds as one)
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
