#!/usr/bin/env node
// The package's install script: builds the addon from source with node-gyp when the toolchain and
// a BLAS are there, and never fails the install. Without them (or when the build fails) it writes
// build/unavailable.json, from which createNativeBackend() throws one error naming what is
// missing and the command that installs it. A build whose sources, Node version and BLAS settings
// are unchanged since the last one is kept (build/stamp.json), so repeated installs cost nothing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findNodeGyp, installCommand, missingPieces, nodeHeaders } from './toolchain.mjs';

const root = resolve(import.meta.dirname, '..');
const build = join(root, 'build');
const addon = join(build, 'Release', 'recurrent_native.node');
const status = join(build, 'unavailable.json');
const stampFile = join(build, 'stamp.json');

/** Writes a small JSON file atomically (temporary file, then rename). */
function writeJson(path, value) {
  mkdirSync(build, { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { flush: true });
  renameSync(temporary, path);
}

function stamp() {
  const hash = createHash('sha256');
  for (const name of ['binding.gyp', ...readdirSync(join(root, 'csrc')).sort().map((f) => `csrc/${f}`)]) {
    hash.update(name).update(readFileSync(join(root, name)));
  }
  hash.update(process.version).update(process.arch);
  for (const key of ['RECURRENT_BLAS_PKG', 'RECURRENT_BLAS_CFLAGS', 'RECURRENT_BLAS_LIBS', 'CC']) hash.update(`${key}=${process.env[key] ?? ''}`);
  return hash.digest('hex');
}

function unavailable(missing, detail) {
  writeJson(status, { missing, detail, command: installCommand });
  const what = missing.length > 0 ? `missing ${missing.join(', ')}` : 'the build failed';
  console.log(`@recurrent/backend-native: not built (${what}); createNativeBackend() will say so. Install: ${installCommand}`);
}

function main() {
  if (process.env.RECURRENT_NATIVE_SKIP_BUILD === '1') {
    unavailable([], 'the build was skipped (RECURRENT_NATIVE_SKIP_BUILD=1)');
    return;
  }
  const current = stamp();
  if (existsSync(addon) && existsSync(stampFile) && JSON.parse(readFileSync(stampFile, 'utf8')).stamp === current) return;
  const missing = missingPieces();
  if (missing.length > 0) {
    unavailable(missing, null);
    return;
  }
  const nodeGyp = findNodeGyp();
  const headers = nodeHeaders();
  const args = [...nodeGyp.slice(1), 'rebuild', ...(headers ? [`--nodedir=${headers}`] : [])];
  const started = Date.now();
  const result = spawnSync(nodeGyp[0], args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0 || !existsSync(addon)) {
    const log = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
    const errors = log.split('\n').filter((line) => /error|not found|No such file/i.test(line)).slice(0, 8);
    unavailable([], `node-gyp rebuild failed: ${(errors.length > 0 ? errors : log.split('\n').slice(-8)).join(' | ')}`);
    return;
  }
  rmSync(status, { force: true });
  writeJson(stampFile, { stamp: current });
  console.log(`@recurrent/backend-native: built the addon in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (error) {
  // an install must not fail because of this package: say why, and let createNativeBackend() throw
  unavailable([], `the install script failed: ${error instanceof Error ? error.message : String(error)}`);
}
