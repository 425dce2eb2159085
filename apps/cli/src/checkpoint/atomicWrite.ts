import { writeFileAtomic as writeAtomically } from '@recurrent/layers/node';
import { CliError } from '../cliError.js';

const reasons: Record<string, string> = {
  ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EACCES: 'permission denied', EPERM: 'permission denied',
  EROFS: 'a read-only file system', ENOENT: 'its directory does not exist', ENOTDIR: 'a path through a file', EISDIR: 'a directory', EIO: 'an I/O error',
};

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
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    // errors from write(2) carry no path: name the file, so a full disk says where
    throw new CliError(`recurrent: cannot write ${path} (${code}: ${reasons[code] ?? (error as Error).message})`);
  }
}
