/**
 * How the user can run tsdnas again, for hints such as the resume command. `tsdnas` only when
 * that is what they ran (the bin on PATH); `npx tsdnas` under npx; otherwise the exact node
 * invocation of this process (e.g. `node dist/cli/main.js`, what `npm start` runs), with a
 * `cd` first when npm ran it from another folder than the user's.
 */

import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { isMainThread, workerData } from 'node:worker_threads';

let cached: string | undefined;

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** Whether `tsdnas` on PATH is the very script this process runs. */
function onPath(script: string): boolean {
  const self = real(script);
  if (self === null) return false;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'tsdnas');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    if (real(candidate) === self) return true;
  }
  return false;
}

/** Computed on the main thread (a worker's argv does not name the script); workers get it in workerData. */
export function cliInvocation(): string {
  if (cached !== undefined) return cached;
  const passed = (workerData as { tsdnasInvocation?: string } | undefined)?.tsdnasInvocation;
  if (!isMainThread && passed !== undefined) return (cached = passed);
  const script = process.argv[1] ?? 'dist/cli/main.js';
  // npm's variables are inherited by children (e.g. of `npx vitest`): they count only when the bin on PATH is this script.
  if (onPath(script)) {
    if (process.env.npm_command === 'exec') return (cached = 'npx tsdnas');
    if (process.env.npm_lifecycle_event === undefined) return (cached = 'tsdnas');
  }
  const cwd = process.cwd();
  const where = process.env.INIT_CWD !== undefined && real(process.env.INIT_CWD) !== real(cwd) ? `cd ${shellWord(cwd)} && ` : '';
  const rel = relative(cwd, script);
  const file = rel.startsWith('..') ? script : rel;
  return (cached = `${where}${['node', ...process.execArgv, file].map(shellWord).join(' ')}`);
}

/** The command that continues an interrupted run in `dir`. */
export function resumeCommand(command: string, dir: string): string {
  return `${cliInvocation()} ${command} --resume ${shellWord(dir)}`;
}
