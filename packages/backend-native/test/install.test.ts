import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unavailableMessage } from '../src/loadAddon.js';

// The install script on a machine without the toolchain: a copy of the package installed with a
// PATH that holds no compiler, make, python3, pkg-config or npm. The install must succeed and leave
// the one error createNativeBackend() throws, naming what is missing and the command to install it.
const packageRoot = resolve(import.meta.dirname, '..');
const copy = mkdtempSync(join(tmpdir(), 'recurrent-native-install-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('installing without a toolchain', () => {
  it('succeeds, and createNativeBackend names what is missing and the install command', () => {
    for (const part of ['scripts', 'csrc', 'binding.gyp', 'package.json']) cpSync(join(packageRoot, part), join(copy, part), { recursive: true });
    const output = execFileSync(process.execPath, [join(copy, 'scripts', 'install.mjs')], {
      encoding: 'utf8', env: { PATH: join(copy, 'no-tools-here'), HOME: copy },
    });
    expect(output).toContain('@recurrent/backend-native: not built (missing a C compiler (cc), make, python3 (for node-gyp)');
    const status = JSON.parse(readFileSync(join(copy, 'build', 'unavailable.json'), 'utf8')) as { missing: string[] };
    expect(status.missing).toContain('node-gyp (it ships with npm)');
    expect(unavailableMessage(copy)).toMatch(
      /^createNativeBackend: expected the native addon built at install, got missing a C compiler \(cc\), make, .*; install the toolchain \(apt-get install build-essential libopenblas-dev pkg-config\), then rebuild it/,
    );
  });
});
