import { closeSync, existsSync, mkdirSync, openSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { CliError } from '../cliError.js';

/** Kernel file systems: writing a run there fails late or, for recursive mkdir, never returns. */
const virtualRoots = ['/proc', '/sys', '/dev'];

function underVirtualRoot(path: string): string | null {
  return virtualRoots.find((root) => path === root || path.startsWith(`${root}${sep}`)) ?? null;
}

/** The deepest existing ancestor of a path (the path itself when it exists). */
function existingAncestor(path: string): string {
  let at = path;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

function refuseVirtual(command: string, what: string, given: string, absolute: string): void {
  let real = absolute;
  try {
    real = join(realpathSync(existingAncestor(absolute)), absolute.slice(existingAncestor(absolute).length));
  } catch {
    // an unreadable ancestor: the writability check below reports it
  }
  const root = underVirtualRoot(absolute) ?? underVirtualRoot(real);
  if (root) throw new CliError(`recurrent ${command}: expected ${what} on a real file system, got '${given}' (under ${root})`);
}

/**
 * Makes one missing level of an output path. Another trainer started at the same moment may make
 * it first (two runs into sibling directories of a new `runs/`): a directory already there is
 * what was asked for; anything else there is still an error.
 */
export function makeLevel(level: string): void {
  try {
    mkdirSync(level);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(level).isDirectory()) throw error;
  }
}

/**
 * Checks that the output directory exists or can be made, and is writable, before any work:
 * paths under /proc, /sys or /dev are refused, and missing directories are made one level at a
 * time from the deepest existing one (so a path that cannot be made fails at once).
 */
export function prepareOutputDirectory(path: string, command = 'train'): string {
  const directory = resolve(path);
  refuseVirtual(command, 'a writable output directory', path, directory);
  try {
    const ancestor = existingAncestor(directory);
    if (!statSync(ancestor).isDirectory()) throw Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' });
    const missing: string[] = [];
    for (let at = directory; at !== ancestor; at = dirname(at)) missing.unshift(at);
    for (const level of missing) makeLevel(level);
    // a real write: permission bits do not stop root, a read-only file system does
    const probe = join(directory, `.write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new CliError(`recurrent ${command}: expected a writable output directory, got '${path}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return directory;
}

/** Checks that a log file can be appended to (creating it), before training rather than at the first evaluation. */
export function prepareLogFile(path: string, flag = '--log-json'): string {
  const file = resolve(path);
  refuseVirtual('train', `${flag} a writable file`, path, file);
  try {
    if (existsSync(file) && statSync(file).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    closeSync(openSync(file, 'a'));
  } catch (error) {
    throw new CliError(`recurrent train: ${flag} expected a writable file, got '${path}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return file;
}
