import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints, loadCheckpoint } from './checkpoint/checkpoint.js';
import { writeSineSeries } from './testing/sineSeries.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'recurrent.mjs');
let folder = '';
let csv = '';

function recurrent(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: folder, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A user error: one line on stderr, no stack trace, the given exit code. */
function expectOneLine(result: { code: number | null; stderr: string }, code: number, message: string | RegExp) {
  expect(result.code).toBe(code);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'recurrent-cli-'));
  csv = writeSineSeries(folder, 160);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('recurrent: bad input gets one clear line and a non-zero exit', () => {
  it('an unknown command, task or option, or a malformed number', () => {
    expectOneLine(recurrent('fly'), 2, "recurrent: expected a command (train, sample, eval, export), got 'fly'");
    expectOneLine(recurrent('train', 'poetry'), 2, "recurrent train: expected a task (char-lm, seq-mnist, g2p, names, forecast, spam, births, g2p-attention, autoencoder), got 'poetry'");
    expectOneLine(recurrent('train', 'char-lm', '--colour', 'red'), 2, /^recurrent train: unknown option '--colour'; see recurrent train --help$/);
    expectOneLine(recurrent('train', 'char-lm', '--lr', 'fast'), 2, "recurrent train: --lr expected a number > 0, got 'fast'");
    expectOneLine(recurrent('train', 'char-lm', '--cell', 'transformer'), 2, "recurrent train: --cell expected one of lstm, gru, rnn, layernorm-lstm, mingru, minlstm, got 'transformer'");
    expectOneLine(recurrent('train', 'names', '--gpujs-mode', 'webasm'), 2, 'recurrent train: --gpujs-mode expected --backend gpujs, got --backend native or cpu (the default)');
    expectOneLine(recurrent('train', 'names', '--backend', 'gpujs', '--gpujs-mode', 'webgpu'), 2, "recurrent train: --gpujs-mode expected one of cpu, webasm, webgl2, webgl, headlessgl, gpu, got 'webgpu'");
    expectOneLine(recurrent('export', folder, '--format', 'tflite'), 2, "recurrent export: --format expected safetensors, pytorch, onnx, model or bundle, got 'tflite'");
  });

  it('a CSV column that does not exist, a missing CSV file', () => {
    expectOneLine(recurrent('train', 'forecast', '--csv', csv, '--target', 'price', '--out', 'runs/a'), 1, /expected a column named "price", got columns \["t","level"\]/);
    expectOneLine(recurrent('train', 'forecast', '--csv', 'nowhere.csv', '--target', 'level', '--out', 'runs/a'), 1, 'recurrent train forecast: readCsvFile: nowhere.csv: expected a readable file, got ENOENT (no such file)');
  });

  it('a non-writable output directory', () => {
    expectOneLine(recurrent('train', 'forecast', '--csv', csv, '--target', 'level', '--out', join(csv, 'run')), 1, /^recurrent train: expected a writable output directory, got '.*series\.csv\/run' \(ENOTDIR\)$/);
  });

  it('a directory without checkpoints', () => {
    expectOneLine(recurrent('eval', folder), 1, /^checkpoint: expected a checkpoint in '.*', got none/);
  });
});

describe('recurrent train, eval, resume and SIGINT on a small CSV', () => {
  it('trains, logs JSON lines, evaluates, and refuses a checkpoint of another model', () => {
    const run = join(folder, 'runs', 'small');
    const log = join(folder, 'small.jsonl');
    const trained = recurrent('train', 'forecast', '--csv', csv, '--target', 'level', '--hidden-size', '8', '--bptt', '8', '--batch', '16', '--epochs', '3', '--eval-every', '0.05', '--out', run, '--log-json', log);
    expect(trained.code).toBe(0);
    expect(trained.stdout.trimEnd().split('\n').at(-1)).toMatch(/^validation RMSE: \d+\.\d{4}$/);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(Object.keys(line)).toEqual(['train_s', 'step', 'metric', 'value']);
    expect(lines.at(-1).metric).toBe('validation_rmse');
    const evaluated = recurrent('eval', run);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain(`validation RMSE: ${lines.at(-1).value.toFixed(4)}`);
    expectOneLine(recurrent('train', 'forecast', '--csv', csv, '--target', 'level', '--hidden-size', '9', '--resume', run, '--out', run), 1, 'checkpoint: expected a model with hiddenSize=9, got a checkpoint of another model (hiddenSize=8)');
    expectOneLine(recurrent('train', 'names', '--resume', run, '--out', run), 1, "checkpoint: expected a checkpoint of task 'names', got one of task 'forecast'");
    expectOneLine(recurrent('sample', run), 1, "recurrent sample: expected a checkpoint of a generative task (char-lm, names), got one of 'forecast'");
  });

  it('checkpoints on SIGINT and resumes from there', async () => {
    const run = join(folder, 'runs', 'interrupted');
    const child = spawn(process.execPath, [bin, 'train', 'forecast', '--csv', csv, '--target', 'level', '--hidden-size', '8', '--bptt', '8', '--budget', '50', '--eval-every', '0.2', '--out', run], { cwd: folder });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('validation_rmse')) child.kill('SIGINT');
      });
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/^interrupted at step \d+: checkpoint saved to .*step-\d{9}\n$/);
    const saved = listCheckpoints(run);
    expect(saved.length).toBeGreaterThan(0);
    const step = Number(saved.at(-1)!.slice(-9));
    const resumed = recurrent('train', 'forecast', '--csv', csv, '--target', 'level', '--resume', run, '--out', run, '--budget', '1', '--eval-every', '0');
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`at step ${step}`);
    expect(Number(listCheckpoints(run).at(-1)!.slice(-9))).toBeGreaterThan(step);
  });

  it('a learning rate passed again on --resume is the one the resumed run steps at (not the saved state\'s)', () => {
    const run = join(folder, 'runs', 'rates');
    const rate = (directory: string) => (loadCheckpoint(listCheckpoints(directory).at(-1)!).optimizer as { paramGroups: { lr: number }[] }).paramGroups.map((group) => group.lr);
    const first = recurrent('train', 'forecast', '--csv', csv, '--target', 'level', '--hidden-size', '8', '--bptt', '8', '--epochs', '1', '--lr', '0.002', '--eval-every', '0', '--out', run);
    expect(first.code).toBe(0);
    expect(rate(run)).toEqual([0.002]);
    const faster = recurrent('train', 'forecast', '--csv', csv, '--target', 'level', '--resume', run, '--out', run, '--epochs', '2', '--lr', '0.03', '--eval-every', '0');
    expect(faster.code).toBe(0);
    expect(rate(run)).toEqual([0.03]);
    // resumed again without --lr: the saved settings' rate, which is now 0.03
    const again = recurrent('train', 'forecast', '--csv', csv, '--target', 'level', '--resume', run, '--out', run, '--epochs', '3', '--eval-every', '0');
    expect(again.code).toBe(0);
    expect(rate(run)).toEqual([0.03]);
  });
});
