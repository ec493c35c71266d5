/**
 * Is --out writable? Checked before any data is loaded or any model trained, so a typo'd or
 * read-only output path fails in a second, not after an hour of training. The probe creates the
 * directory and a file in it, then removes both again (what it created), so a refused run leaves
 * nothing behind; the real writes come later, under the run lock.
 */

import { existsSync, mkdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './args.js';

/** The first existing ancestor of `path` that is not a directory, if any. */
function fileInTheWay(path: string): string | null {
  for (let p = resolve(path); ; p = dirname(p)) {
    if (existsSync(p)) return statSync(p).isDirectory() ? null : p;
    if (dirname(p) === p) return null;
  }
}

function explain(option: string, out: string, e: NodeJS.ErrnoException): UsageError {
  const code = e.code ?? '';
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    const file = fileInTheWay(out);
    const which = file === null || file === resolve(out) ? `${out} is a file, not a directory` : `${file} is a file, so ${out} cannot be a directory`;
    return new UsageError(`${option} ${out}: ${which} (${code}); give another ${option}, or move that file away`);
  }
  if (code === 'EACCES' || code === 'EPERM') return new UsageError(`${option} ${out}: no permission to write there (${code}); give a writable ${option}, or fix the directory's permissions`);
  if (code === 'EROFS') return new UsageError(`${option} ${out}: the file system is read-only (EROFS); give an ${option} elsewhere`);
  if (code === 'ENOSPC' || code === 'EDQUOT') return new UsageError(`${option} ${out}: no space left (${code}); free some space or give an ${option} elsewhere`);
  return new UsageError(`${option} ${out}: cannot write there (${e.message}); give another ${option}`);
}

/** Throws a UsageError naming `option` when `out` cannot be created or written; leaves nothing behind. */
export function checkOutWritable(out: string, option = '--out'): void {
  let created: string | undefined;
  const probe = join(out, `.tsdnas-probe-${process.pid}`);
  try {
    created = mkdirSync(out, { recursive: true });
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (e) {
    throw explain(option, out, e as NodeJS.ErrnoException);
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // No probe could be made there (the error above says why).
    }
    // Only directories this probe made (empty): an existing --out is kept as it was.
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
  }
}
