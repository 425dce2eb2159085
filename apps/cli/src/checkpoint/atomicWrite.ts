import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

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
