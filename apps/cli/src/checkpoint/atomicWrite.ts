import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError } from '../cliError.js';

const reasons: Record<string, string> = {
  ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EACCES: 'permission denied', EPERM: 'permission denied',
  EROFS: 'a read-only file system', ENOENT: 'its directory does not exist', ENOTDIR: 'a path through a file', EISDIR: 'a directory', EIO: 'an I/O error',
};

/** Flushes a file or directory to disk (directories too, so a rename inside them is durable). */
export function fsyncPath(path: string): void {
  const descriptor = openSync(path, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Writes a file so that readers only ever see the old content or the whole new content: the bytes
 * go to a temporary file in the same directory, are flushed with fsync, the temporary file is
 * renamed over the target (atomic within one file system) and the directory is flushed.
 *
 * @example
 * writeFileAtomic('run/checkpoint.json', new TextEncoder().encode('{}'));
 */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  try {
    writeAtomically(path, bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    // errors from write(2) carry no path: name the file, so a full disk says where
    throw new CliError(`recurrent: cannot write ${path} (${code}: ${reasons[code] ?? (error as Error).message})`);
  }
}

function writeAtomically(path: string, bytes: Uint8Array | string): void {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const descriptor = openSync(temporary, 'w');
  try {
    let written = 0;
    while (written < data.length) written += writeSync(descriptor, data, written, data.length - written);
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  renameSync(temporary, path);
  fsyncPath(dirname(path));
}
