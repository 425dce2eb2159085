import { openSync, readFileSync, readdirSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../cliError.js';

/**
 * True when a process with this id exists and runs (EPERM: it exists, owned by someone else). A
 * zombie, dead but not yet reaped by its parent, does not count: it runs nothing and holds nothing.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) is the answer
  }
}

/**
 * Takes `<run>/.lock` holding this process's id, so two trainings never write one run directory
 * (a second `--resume` of a run still training is refused). A lock whose process is gone is
 * stale and taken over. The lock is removed when this process exits.
 */
export function acquireRunLock(runDirectory: string): () => void {
  const path = join(runDirectory, '.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const descriptor = openSync(path, 'wx');
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      const release = () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return () => {
        process.off('exit', release);
        release();
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new CliError(`recurrent train: cannot create ${path} (${(error as NodeJS.ErrnoException).code})`);
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(path, 'utf8').trim());
    } catch {
      // removed in between: try again
    }
    if (processAlive(holder) && holder !== process.pid) {
      throw new CliError(`recurrent train: expected a run directory no other training uses, got '${runDirectory}' in use by process ${holder} (${path})`);
    }
    rmSync(path, { force: true });
  }
  throw new CliError(`recurrent train: could not take ${path}`);
}

/**
 * Removes what an interrupted checkpoint write left (`.step-NNNNNNNNN.<pid>.tmp` directories).
 * Called with the run's lock held, so no other process is writing them.
 */
export function removeStaleTemporaries(runDirectory: string): string[] {
  const parent = join(runDirectory, 'checkpoints');
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!/^\.step-\d{9}\.(?:old\.)?\d+\.tmp$/.test(name)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
