import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCheckpoints, loadCheckpoint } from './checkpoint/checkpoint.js';
import { writeSineSeries } from './testing/sineSeries.js';

// A disk that really fills (issue 20: "ENOSPC names no path", temporaries left after a full disk).
// Each case runs the command in a private mount namespace holding a 64 KiB tmpfs: as root
// `unshare --mount`, otherwise in a user namespace (`unshare --user --map-root-user --mount`).
// The tmpfs vanishes with the namespace; what the case saw is copied to the ordinary disk first.
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'recurrent.mjs');
const diskBytes = 64 * 1024;
let folder = '';
let csv = '';
let namespace: string[] = [];

/** The unshare command line that can mount a tmpfs here; throws saying why when none can. */
function findNamespace(probe: string): string[] {
  const candidates = [
    ...(process.getuid?.() === 0 ? [['unshare', '--mount']] : []),
    ['unshare', '--user', '--map-root-user', '--mount'],
  ];
  const failures: string[] = [];
  for (const candidate of candidates) {
    const result = spawnSync(candidate[0], [...candidate.slice(1), 'sh', '-c', `mount -t tmpfs -o size=${diskBytes} tmpfs "$0"`, probe], { encoding: 'utf8' });
    if (result.status === 0) return candidate;
    failures.push(`'${candidate.join(' ')} mount -t tmpfs' gave ${result.error?.message ?? (result.stderr.trim() || `exit ${result.status}`)}`);
  }
  throw new Error(`full-disk tests need a small tmpfs (root, or unprivileged user namespaces with mount), and none could be made here: ${failures.join('; ')}`);
}

/**
 * Runs a shell script with `$DISK` a fresh 64 KiB tmpfs, `"$NODE" "$BIN"` the command and `$OUT` a
 * folder on the ordinary disk; returns the script's exit status (the script records the rest).
 */
function onSmallDisk(name: string, script: string): string {
  const out = join(folder, name);
  const disk = join(folder, `${name}-disk`);
  mkdirSync(out);
  mkdirSync(disk);
  const result = spawnSync(namespace[0], [...namespace.slice(1), 'sh', '-c', `mount -t tmpfs -o size=${diskBytes} tmpfs "$DISK" && ${script}`], {
    cwd: folder, encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, DISK: disk, OUT: out, CSV: csv, NODE: process.execPath, BIN: bin },
  });
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  // the tmpfs was private to the namespace: nothing is mounted here afterwards
  expect(readdirSync(disk)).toEqual([]);
  return out;
}

/** What a recorded command printed on stderr, its exit code, and the tmpfs' listing after it. */
function recorded(out: string, name: string) {
  return {
    code: Number(readFileSync(join(out, `${name}.code`), 'utf8')),
    stderr: readFileSync(join(out, `${name}.stderr`), 'utf8'),
    listing: readFileSync(join(out, `${name}.listing`), 'utf8').trim().split('\n'),
  };
}

/** `recurrent args…`, recording stderr, exit code and the tmpfs' listing under `$OUT/<name>.*`. */
const run = (name: string, args: string) => `{ "$NODE" "$BIN" ${args} >"$OUT/${name}.stdout" 2>"$OUT/${name}.stderr"; echo $? >"$OUT/${name}.code"; (cd "$DISK" && find . | sort) >"$OUT/${name}.listing"; }`;

/** Fills the tmpfs with one file until it is full. */
const fill = 'dd if=/dev/zero of="$DISK/filler" bs=4096 2>/dev/null; true';

/** A user error: one line, no stack trace, exit 1 or 2. */
function expectOneLine(result: { code: number; stderr: string }, message: RegExp): void {
  expect([1, 2], result.stderr).toContain(result.code);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const small = '--csv "$CSV" --target level --hidden-size 4 --bptt 8 --batch 16 --no-progress';

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'recurrent-full-disk-'));
  csv = writeSineSeries(folder, 140);
  const probe = join(folder, 'probe');
  mkdirSync(probe);
  namespace = findNamespace(probe);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('a disk that fills up', () => {
  it('during a checkpoint write: one line naming the checkpoint, exit 1, the previous checkpoint kept and resumable, no temporary left', () => {
    // a checkpoint every step, all kept, until the 64 KiB are used up
    const out = onSmallDisk('checkpoint', `${run('train', `train forecast ${small} --epochs 40 --checkpoint-every 1 --keep 1000 --eval-every 0 --out "$DISK/run"`)} && cp -a "$DISK/run" "$OUT/run"`);
    const train = recorded(out, 'train');
    expectOneLine(train, /^recurrent: cannot write checkpoint \S+\/run\/checkpoints\/step-\d{9} \(ENOSPC: no space left on the device\); the newest complete checkpoint is \S+\/run\/checkpoints\/step-\d{9}$/);
    expect(train.code).toBe(1);
    const [, failed, newest] = train.stderr.match(/step-(\d{9}) .*step-(\d{9})$/m)!.map(Number);
    expect(newest).toBe(failed - 1);
    expect(train.listing.filter((path) => path.includes('.tmp'))).toEqual([]);
    // every checkpoint before the failed one is complete and loads (checksums, validation)
    const kept = listCheckpoints(join(out, 'run'));
    expect(kept.map((path) => Number(path.slice(-9)))).toEqual(Array.from({ length: newest }, (_, k) => k + 1));
    expect(loadCheckpoint(join(out, 'run')).state.step).toBe(newest);
    // and training resumes from it on a disk with room
    const resumed = spawnSync(process.execPath, [bin, 'train', 'forecast', '--resume', join(out, 'run'), '--out', join(out, 'resumed'), '--epochs', '1', '--keep', '1', '--checkpoint-every', '100'], { cwd: folder, encoding: 'utf8', timeout: 60_000 });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`at step ${newest}`);
  }, 180_000);

  it('during a --log-json write: one line naming the log file, exit 1, the training so far checkpointed, the log holding whole lines', () => {
    const out = onSmallDisk('log', `: >"$DISK/log.jsonl" && ${fill} && ${run('train', `train forecast ${small} --epochs 3 --eval-every 0.01 --keep 2 --out "$OUT/run" --log-json "$DISK/log.jsonl"`)} && cp "$DISK/log.jsonl" "$OUT/log.jsonl"`);
    const train = recorded(out, 'train');
    expectOneLine(train, /^recurrent train: cannot append to --log-json \S+\/log\.jsonl \(ENOSPC: no space left on the device\); checkpoint saved to \S+\/run\/checkpoints\/step-\d{9}$/);
    expect(train.code).toBe(1);
    const saved = train.stderr.trim().split(' ').at(-1)!;
    expect(loadCheckpoint(saved).state.step).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'log.jsonl'), 'utf8')).toBe('');
    expect(readdirSync(join(out, 'run', 'checkpoints')).filter((name) => name.includes('.tmp'))).toEqual([]);
    expect(train.listing.filter((path) => path.includes('.tmp'))).toEqual([]);
  }, 180_000);

  it('during an export: each format one line naming its file, exit 1, no temporary file left', () => {
    const source = join(folder, 'source');
    const trained = spawnSync(process.execPath, [bin, 'train', 'forecast', ...small.replace('"$CSV"', csv).split(' '), '--epochs', '1', '--eval-every', '0', '--out', source], { cwd: folder, encoding: 'utf8', timeout: 60_000 });
    expect(trained.status, trained.stderr).toBe(0);
    const formats = { model: 'model.safetensors', safetensors: 'weights.safetensors', onnx: 'model.onnx', bundle: 'model.js', pytorch: 'pytorch' };
    const script = Object.entries(formats).map(([format, file]) => run(format, `export "${source}" --format ${format} --output "$DISK/${file}"`)).join(' && ');
    const out = onSmallDisk('export', `${fill} && ${script}`);
    for (const [format, file] of Object.entries(formats)) {
      const result = recorded(out, format);
      expectOneLine(result, new RegExp(`^recurrent: cannot write \\S*${escape(file)}\\S* \\(ENOSPC: no space left on the device\\)$`));
      expect(result.code, format).toBe(1);
      expect(result.listing.filter((path) => path.includes('.tmp')), format).toEqual([]);
    }
    expect(existsSync(join(source, 'checkpoints'))).toBe(true);
  }, 180_000);
});
