/**
 * A queue worker's local copy of the runs it works for: <tmp>/tsdnas-worker-<pid>/<run key>/ with
 * state/run.json and state/warm.safetensors from the job, the shape of run directory a sweep task
 * runs in (sweepTask.ts). One directory per run key, kept while the worker lives, so its points
 * reuse the data the task thread prepared for the run. run.json is the coordinator's but for
 * `out` (this directory) and, with --data-dir, `dataDir` (named datasets come from this machine's
 * data directory); every other path in it (a data file, a model or target file) must exist here
 * as on the coordinator.
 */

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { RUN_FILE, STATE_DIR } from '../../io/search-state.js';
import { resultFile, sha256, type QueueTaskData } from './queueJob.js';

export function scratchRoot(): string {
  return join(tmpdir(), `tsdnas-worker-${process.pid}`);
}

/** Writes a file unless it already holds these bytes (another slot of this worker may be reading it). */
function ensureFile(path: string, bytes: Buffer): void {
  if (existsSync(path) && readFileSync(path).equals(bytes)) return;
  writeFileAtomic(path, bytes);
}

/** The job's run directory under `root`, ready for its task; returns it. */
export function materialise(root: string, data: QueueTaskData, dataDir: string | undefined): string {
  const dir = join(root, data.key);
  let run: { config?: Record<string, unknown> };
  try {
    run = JSON.parse(data.runJson) as { config?: Record<string, unknown> };
  } catch (e) {
    throw new Error(`the job's run.json is not JSON (${(e as Error).message}); the coordinator's ${join(data.runDir, STATE_DIR, RUN_FILE)} is damaged`);
  }
  const { resume: _r, ...config } = run.config ?? {};
  const local = { ...run, config: { ...config, out: dir, ...(dataDir !== undefined ? { dataDir: resolve(dataDir) } : {}) } };
  ensureFile(join(dir, STATE_DIR, RUN_FILE), Buffer.from(JSON.stringify(local), 'utf8'));
  if (data.warm !== undefined) ensureFile(join(dir, STATE_DIR, resultFile(null)), Buffer.from(data.warm, 'base64'));
  return dir;
}

/** The finished task's result file (name, bytes, checksum). */
export function readResult(dir: string, point: number | null): { file: string; bytes: Buffer; sha256: string } {
  const file = resultFile(point);
  const bytes = readFileSync(join(dir, STATE_DIR, file));
  return { file, bytes, sha256: sha256(bytes) };
}

export function removeScratch(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
