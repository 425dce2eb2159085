// What building the addon needs, checked one by one so that a missing piece is named: a C compiler,
// make, python3 (node-gyp), Node's headers, node-gyp itself and a CBLAS with its header.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The apt command that installs everything on Debian / Ubuntu. */
export const installCommand = 'apt-get install build-essential libopenblas-dev pkg-config';

const quiet = (command, args) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const has = (command, args = ['--version']) => {
  try {
    quiet(command, args);
    return true;
  } catch {
    return false;
  }
};

/** `{ ok, cflags, libs }` or `{ ok: false, reason }` for the BLAS (see blasFlags.mjs). */
export function blasFlags(env = process.env) {
  if (env.RECURRENT_BLAS_LIBS) return { ok: true, cflags: env.RECURRENT_BLAS_CFLAGS ?? '', libs: env.RECURRENT_BLAS_LIBS };
  const name = env.RECURRENT_BLAS_PKG ?? 'openblas';
  if (!has('pkg-config')) return { ok: false, reason: 'pkg-config (to find OpenBLAS)' };
  try {
    return { ok: true, cflags: quiet('pkg-config', ['--cflags', name]), libs: quiet('pkg-config', ['--libs', name]) };
  } catch {
    return { ok: false, reason: `the BLAS library and its header (pkg-config knows no package '${name}')` };
  }
}

/** Node's own headers (node_api.h) next to its executable, so node-gyp needs no download. */
export function nodeHeaders() {
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

/** The node-gyp to run: the one pnpm or npm put on PATH for install scripts, else npm's own. */
export function findNodeGyp(env = process.env) {
  if (env.npm_config_node_gyp && existsSync(env.npm_config_node_gyp)) return [process.execPath, env.npm_config_node_gyp];
  if (has('node-gyp')) return ['node-gyp'];
  try {
    const npmRoot = quiet('npm', ['root', '-g']);
    for (const candidate of [join(npmRoot, 'npm/node_modules/node-gyp/bin/node-gyp.js'), join(npmRoot, 'pnpm/dist/node_modules/node-gyp/bin/node-gyp.js')]) {
      if (existsSync(candidate)) return [process.execPath, candidate];
    }
  } catch {
    // no npm on PATH: reported as missing below
  }
  return null;
}

/** Names of what is missing to build the addon (empty when everything is there). */
export function missingPieces(env = process.env) {
  const missing = [];
  const compiler = env.CC ?? 'cc';
  if (!has(compiler)) missing.push(`a C compiler (${compiler})`);
  if (!has('make')) missing.push('make');
  if (!has('python3')) missing.push('python3 (for node-gyp)');
  const blas = blasFlags(env);
  if (!blas.ok) missing.push(blas.reason);
  if (!findNodeGyp(env)) missing.push('node-gyp (it ships with npm)');
  return missing;
}
