/**
 * What travels through the queue of `tsdnas sweep --queue` for one task, in both directions, and
 * the job ids. A remote worker shares no disk with the coordinator, so a job carries everything
 * the task reads from the run's state: run.json's text and, for a point, the finished warm-up's
 * bytes. Its return value is the task's result file (the bytes the coordinator's state would
 * have got from a local worker). Job ids are derived from the run, so a coordinator that stops
 * and resumes finds the jobs it queued instead of queueing them twice.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../data/dataDir.js';

export const QUEUE_TASK_FORMAT = 'tsdnas.queue-task/1';
export const QUEUE_RESULT_FORMAT = 'tsdnas.queue-result/1';

/** Finished and failed jobs stay this long (a week), so a coordinator resumed within it collects them. */
export const KEEP_SECONDS = 7 * 24 * 3600;

export interface QueueTaskData {
  format: typeof QUEUE_TASK_FORMAT;
  /** The coordinator's tsdnas version: a worker of another version would not give the same bits. */
  version: string;
  /** The run key (see runKey): names the job ids and the worker's scratch directory. */
  key: string;
  /** The text of the run's state/run.json. */
  runJson: string;
  /** The point to run, null for the warm-up. */
  point: number | null;
  /** The finished warm-up (state/warm.safetensors), base64; only for points. */
  warm?: string;
  /** Where the run lives on the coordinator, and who queued it (for messages only). */
  runDir: string;
  coordinator: string;
}

export interface QueueTaskResult {
  format: typeof QUEUE_RESULT_FORMAT;
  /** host:pid of the worker that ran the task. */
  worker: string;
  /** The result's file name in the run's state directory. */
  file: string;
  sha256: string;
  /** The file's bytes, base64. */
  bytes: string;
}

let version: string | undefined;

/** This tsdnas's version (package.json). */
export function tsdnasVersion(): string {
  if (version === undefined) {
    try {
      version = String((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A run's key: its config (run.json as written when the run began, never rewritten on resume),
 * where it lives and the tsdnas version. The same run resumed gets the same key; another run
 * directory, config or version gets another.
 */
export function runKey(runDir: string, runJson: string): string {
  return sha256(`${tsdnasVersion()}\n${resolve(runDir)}\n${runJson}`).slice(0, 24);
}

export function jobId(key: string, point: number | null): string {
  return point === null ? `${key}-warm` : `${key}-p${point}`;
}

/** The task's result file in a run's state directory (the names src/io/search-state.ts writes). */
export function resultFile(point: number | null): string {
  return point === null ? 'warm.safetensors' : `point-${point}.done.safetensors`;
}

export function taskLabel(point: number | null): string {
  return point === null ? 'warm-up' : `point ${point}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A job's data as a worker receives it, checked (the queue may hold jobs of another program or version). */
export function checkTaskData(data: unknown, id: string): QueueTaskData {
  const bad = (what: string) => new Error(`job ${id}: ${what}; it was not queued by tsdnas sweep --queue of this version (${tsdnasVersion()}) — is another program using this queue name? (--queue-name)`);
  if (!isObject(data) || data.format !== QUEUE_TASK_FORMAT) throw bad(`not a '${QUEUE_TASK_FORMAT}' job`);
  if (data.version !== tsdnasVersion()) {
    throw new Error(`job ${id}: queued by tsdnas ${String(data.version)}, but this worker runs tsdnas ${tsdnasVersion()}; every worker must run the coordinator's version (the same bits on every machine need the same code) — install it here, or run the coordinator with this version`);
  }
  if (typeof data.key !== 'string' || !/^[0-9a-f]{24}$/.test(data.key)) throw bad('no run key');
  if (typeof data.runJson !== 'string') throw bad('no run.json');
  if (data.point !== null && !(Number.isInteger(data.point) && (data.point as number) >= 0)) throw bad('no point index');
  if (data.point !== null && typeof data.warm !== 'string') throw bad('a point without its warm-up');
  return data as unknown as QueueTaskData;
}

/** A finished job's return value, checked against the file expected and its checksum. */
export function checkResult(value: unknown, id: string, file: string): { worker: string; bytes: Buffer } {
  if (!isObject(value) || value.format !== QUEUE_RESULT_FORMAT || typeof value.bytes !== 'string' || typeof value.worker !== 'string') {
    throw new Error(`job ${id} finished without a '${QUEUE_RESULT_FORMAT}' result; was it run by a tsdnas worker of this version? Remove the job (or use another --queue-name) and resume`);
  }
  if (value.file !== file) throw new Error(`job ${id} returned ${String(value.file)}, expected ${file}`);
  const bytes = Buffer.from(value.bytes, 'base64');
  if (sha256(bytes) !== value.sha256) throw new Error(`job ${id}: the result from ${value.worker} does not match its checksum (damaged in the queue); remove the job and resume to run it again`);
  return { worker: value.worker, bytes };
}
