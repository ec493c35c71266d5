/**
 * Reading files for the data layer with errors that name the path.
 *
 * The format readers are pure functions over bytes; these wrappers are the only place that
 * touches the file system, so a missing or unreadable file is reported once, clearly, with
 * the full path (and, from the dataset loaders, with where to download it).
 */

import { readFileSync, statSync } from 'node:fs';

export function fileExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function dirExists(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The file's bytes; `hint` is appended to the error (e.g. where to download the file). Typed as
 * Uint8Array (it is a Node Buffer at run time) so that the package's declarations compile
 * without @types/node; callers that need text decode it with `Buffer.from(bytes.buffer, …)`.
 */
export function readBytes(path: string, hint = ''): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a file' : String(e);
    throw new Error(`${path}: ${why}${hint ? `. ${hint}` : ''}`);
  }
}
