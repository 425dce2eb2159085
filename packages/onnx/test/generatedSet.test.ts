// A set other than the public one, written now by scripts/vectors/onnx_import.py with PyTorch's
// own exporter (other sizes, depths, directions, heads and state inputs): a correct importer
// passes it too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVectors } from '@recurrent/test-vectors';
import { runCase } from './parity/onnxImport.js';

const out = mkdtempSync(join(tmpdir(), 'onnx-set-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const script = resolve(import.meta.dirname, '../../../scripts/vectors/onnx_import.py');
execFileSync('/usr/bin/python3', [script, '--seed', '11', '--cases', '9', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
const file = loadVectors('onnx_import.json', out);

describe('an ONNX import set generated with seed 11', () => {
  it('has nine cases of all three kinds', () => {
    expect(file.cases).toHaveLength(9);
    expect(new Set(file.cases.map((c) => c.config.kind))).toEqual(new Set(['lstm', 'gru', 'rnn']));
  });
  it.each(file.cases.map((c) => [c.name, c] as const))('%s matches PyTorch', (_name, testCase) => {
    runCase(testCase, out);
  });
});
