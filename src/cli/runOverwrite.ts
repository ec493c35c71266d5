/**
 * A finished run is never overwritten by accident: a fresh run into a directory holding a
 * summary.json or front.json (train, quantize, search, sweep, mps) is refused unless --force is
 * given. --force removes the old run's files first, but only files tsdnas writes; a directory
 * that also holds anything else is refused, naming those files, so no user file is ever deleted.
 */

import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './args.js';
import { lockRun } from './interrupt.js';
import { LOCK_FILE } from '../io/run-lock.js';
import { STATE_DIR } from '../io/search-state.js';
import { TRAIN_STATE_FILE } from '../io/train-state.js';

/** Files tsdnas writes at the top of a run directory (point-<i>/ and temp files are matched below). */
const RUN_FILES = new Set([
  STATE_DIR, TRAIN_STATE_FILE, 'summary.json', 'front.json', 'front.csv', 'report.html', 'run.json', 'run.log',
  'model.safetensors', 'last-good.safetensors', 'float.safetensors', 'quantized.safetensors', 'integer.json',
]);

const isRunFile = (name: string) => RUN_FILES.has(name) || /^(point|seed)-\d+$/.test(name) || /\.\d+\.\d+\.tmp$/.test(name);

/** True when `dir` holds a finished (or diverged) run's results. */
export function isFinishedRun(dir: string): boolean {
  return existsSync(join(dir, 'summary.json')) || existsSync(join(dir, 'front.json'));
}

/**
 * Before a fresh run writes `dir`: refuses a finished run without --force, and with --force
 * refuses a directory holding files tsdnas did not write. Cheap; runs before any data is loaded.
 */
export function checkOverwrite(dir: string, command: string, force: boolean): void {
  if (!existsSync(dir) || (!force && !isFinishedRun(dir))) return;
  if (!force) {
    const what = existsSync(join(dir, 'front.json')) ? 'front.json' : 'summary.json';
    throw new UsageError(`--out ${dir} holds a finished run (${what}); give another --out, or add --force to replace that run (tsdnas ${command} … --force)`);
  }
  const foreign = readdirSync(dir).filter((n) => !isRunFile(n) && n !== LOCK_FILE);
  if (foreign.length > 0) {
    throw new UsageError(`--force: ${dir} also holds files tsdnas did not write (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); move them away or give another --out — --force only replaces a run's own files`);
  }
}

/** With --force, under the run lock: removes the old run's files (checked by checkOverwrite). */
export function clearOldRun(dir: string, command: string, force: boolean): void {
  checkOverwrite(dir, command, force);
  if (!force) return;
  for (const n of readdirSync(dir)) if (isRunFile(n)) rmSync(join(dir, n), { recursive: true, force: true });
}

/**
 * Takes the run directory's lock (src/cli/interrupt.ts) and, for a fresh run, applies the rules
 * above under it (a second run into the same --out waits for nothing and overwrites nothing).
 */
export function lockFreshRun(dir: string, command: string, cfg: { force: boolean; resume?: string }): () => void {
  const release = lockRun(dir, `tsdnas ${command}`);
  try {
    if (cfg.resume === undefined) clearOldRun(dir, command, cfg.force);
  } catch (e) {
    release();
    throw e;
  }
  return release;
}
