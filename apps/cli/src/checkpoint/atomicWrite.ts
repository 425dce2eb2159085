import { writeFileAtomic as writeAtomically } from '@recurrent/layers/node';
import { CliError } from '../cliError.js';

const reasons: Record<string, string> = {
  ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EACCES: 'permission denied', EPERM: 'permission denied',
  EROFS: 'a read-only file system', ENOENT: 'its directory does not exist', ENOTDIR: 'a path through a file', EISDIR: 'a directory', EIO: 'an I/O error',
};

/**
 * A file-system error as `CODE: reason` (`ENOSPC: no space left on the device`), or null when the
 * error is not the file system's (no `code`).
 *
 * @example
 * describeFileError(error) // 'EACCES: permission denied'
 */
export function describeFileError(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (typeof code !== 'string') return null;
  return `${code}: ${reasons[code] ?? (error as Error).message}`;
}

/**
 * The library's atomic write (`writeFileAtomic` of `@recurrent/layers/node`: temporary file, fsync,
 * rename, directory fsync), with a file-system error turned into one line naming the file.
 *
 * @example
 * writeFileAtomic('run/checkpoint.json', new TextEncoder().encode('{}'));
 */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  try {
    writeAtomically(path, bytes);
  } catch (error) {
    const reason = describeFileError(error);
    if (reason === null) throw error;
    // errors from write(2) carry no path: name the file, so a full disk says where
    throw new CliError(`recurrent: cannot write ${path} (${reason})`);
  }
}
