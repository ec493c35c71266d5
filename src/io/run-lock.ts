/**
 * A run-directory lock: two processes writing the same run directory would interleave
 * checkpoints and states, so the second is refused. The lock is a file created exclusively
 * (`wx`) holding the owner's pid, host and start time; a lock whose process is gone (killed,
 * power loss) is reported as stale with the command to clear it, never silently taken over.
 */

import { mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = '.tsdnas.lock';

interface LockInfo { pid: number; host: string; started: string; command: string }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeTempFiles(dir: string, depth: number): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && /\.\d+\.\d+\.tmp$/.test(e.name)) rmSync(join(dir, e.name), { force: true });
    else if (e.isDirectory() && depth > 1) removeTempFiles(join(dir, e.name), depth - 1);
  }
}

/**
 * Take the lock of `dir` (created if missing) or throw a message saying who holds it; removes
 * temp files a killed writer left; returns the release function.
 */
export function lockRunDir(dir: string, command: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${path}: cannot create the run lock (${(e as Error).message})`);
    let info: Partial<LockInfo> = {};
    try {
      info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    } catch {
      // An unreadable lock is still a lock; the message below says how to clear it.
    }
    const who = info.pid !== undefined ? `process ${info.pid} on ${info.host ?? '?'} (${info.command ?? '?'}, since ${info.started ?? '?'})` : 'another process';
    const sameHost = info.host === hostname();
    if (sameHost && info.pid !== undefined && !alive(info.pid)) {
      throw new Error(`run directory ${dir} has a stale lock: ${who} is no longer running (killed?); if no other run uses ${dir}, delete ${path} and start again (with --resume ${dir} to continue)`);
    }
    throw new Error(`run directory ${dir} is in use by ${who}; wait for it to finish or choose another --out (if that process is gone, delete ${path})`);
  }
  const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  writeSync(fd, JSON.stringify(info));
  closeSync(fd);
  // Holding the lock, no other writer is active here: temp files of atomic writes
  // (src/io/atomic.ts names them <file>.<pid>.<n>.tmp) are leftovers of a killed run, here or
  // in its sub-directories (point-<i>/, state/).
  removeTempFiles(dir, 2);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    rmSync(path, { force: true });
  };
  // Any exit that runs JS (normal end, an error) releases the lock; SIGKILL and an unhandled
  // Ctrl-C cannot, hence the stale-lock message.
  process.once('exit', release);
  return release;
}
