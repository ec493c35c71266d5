/**
 * Crash-safe file writes: a reader never sees a half-written file.
 *
 * Data goes to a temporary file in the target's own directory (so the final rename stays on
 * one file system and is atomic), is fsynced, and only then renamed over the target. On any
 * failure the temporary file is removed and a pre-existing target is left untouched.
 * Temporary names use the pid plus a per-process counter rather than randomness, so runs
 * stay reproducible and two writers in one process never pick the same name.
 */

import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

let tempCounter = 0;

// Bounded so a directory full of stale temp files yields an error instead of a hang.
const MAX_TEMP_ATTEMPTS = 1000;

function nextTempPath(target: string): string {
  tempCounter += 1;
  return `${target}.${process.pid}.${tempCounter}.tmp`;
}

const HINTS: Record<string, string> = {
  ENOTDIR: 'part of the parent path is a file, not a directory; choose another output path',
  EEXIST: 'part of the parent path already exists as a file; choose another output path',
  EISDIR: 'the target is a directory; give a file path instead',
  EACCES: 'no permission to write there; choose a writable directory or fix its permissions',
  EPERM: 'the operation is not permitted there; choose a writable directory or fix its permissions',
  EROFS: 'the file system is read-only; write somewhere else',
  ENOSPC: 'the disk is full; free some space and retry',
  EDQUOT: 'the disk quota is exhausted; free some space and retry',
};

function writeError(path: string, step: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  const hint = (code !== undefined && HINTS[code]) || 'check that the path is writable and retry';
  const wrapped = new Error(`${path}: could not ${step} (${detail}); ${hint}`, { cause: err });
  if (code !== undefined) (wrapped as NodeJS.ErrnoException).code = code;
  return wrapped;
}

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

function isExists(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
}

function openTempSync(target: string): { fd: number; tmp: string } {
  for (let attempt = 0; ; attempt++) {
    const tmp = nextTempPath(target);
    try {
      // 'wx' never clobbers: a stale temp file left by a crashed process with our pid is skipped.
      return { fd: openSync(tmp, 'wx'), tmp };
    } catch (err) {
      if (!isExists(err) || attempt >= MAX_TEMP_ATTEMPTS) throw err;
    }
  }
}

// Makes the rename itself durable on file systems (ext4, xfs) that need the directory synced.
// Best effort: some platforms (Windows) cannot open directories, and the data is already safe.
function syncDirectorySync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // ignored on purpose, see above
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

/** Writes `data` to `path` atomically (temp file, fsync, rename), creating parent directories. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = toBytes(data);
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw writeError(path, `create directory ${dir}`, err);
  }
  let fd: number | undefined;
  let tmp: string | undefined;
  try {
    ({ fd, tmp } = openTempSync(path));
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    tmp = undefined;
  } catch (err) {
    if (fd !== undefined) closeQuietly(fd);
    if (tmp !== undefined) unlinkQuietly(tmp);
    throw writeError(path, 'write the file atomically', err);
  }
  syncDirectorySync(dir);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // the write already failed; that error is the one worth reporting
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone or never created
  }
}

async function openTemp(target: string): Promise<{ handle: FileHandle; tmp: string }> {
  for (let attempt = 0; ; attempt++) {
    const tmp = nextTempPath(target);
    try {
      return { handle: await open(tmp, 'wx'), tmp };
    } catch (err) {
      if (!isExists(err) || attempt >= MAX_TEMP_ATTEMPTS) throw err;
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort, as in syncDirectorySync
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Async twin of {@link writeFileAtomic}, with the same guarantees. */
export async function writeFileAtomicAsync(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = toBytes(data);
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw writeError(path, `create directory ${dir}`, err);
  }
  let handle: FileHandle | undefined;
  let tmp: string | undefined;
  try {
    ({ handle, tmp } = await openTemp(path));
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, path);
    tmp = undefined;
  } catch (err) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
    throw writeError(path, 'write the file atomically', err);
  }
  await syncDirectory(dir);
}

// Serialises before any file is touched, so an unserialisable value never leaves debris.
function toJsonText(path: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`${path}: value cannot be written as JSON (${detail}); remove cycles and BigInts`, {
      cause: err,
    });
  }
  if (text === undefined) {
    throw new Error(`${path}: value of type ${typeof value} has no JSON form; pass an object, array or primitive`);
  }
  return `${text}\n`;
}

/** Writes `value` as pretty-printed JSON (2-space indent, trailing newline), atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, toJsonText(path, value));
}

/** Async twin of {@link writeJsonAtomic}. */
export async function writeJsonAtomicAsync(path: string, value: unknown): Promise<void> {
  await writeFileAtomicAsync(path, toJsonText(path, value));
}
