/**
 * Clean Ctrl-C for the long commands (train, search, sweep, mps). Training runs synchronously,
 * so a SIGINT handler on the thread that trains would only run once training ended. The command
 * therefore runs in a worker thread while the main thread stays idle: it takes SIGINT and sets
 * a flag in shared memory that training loops check between batches (src/nn/train/interrupt.ts).
 * The loop stops after the batch in progress, the command says how to continue, the lock is
 * released, and the exit code is 130. A second Ctrl-C exits at once, removing the run
 * directory's lock; the state of the last finished epoch stays valid. SIGTERM (kill, systemd,
 * a scheduler) and SIGHUP (the terminal closed) are handled the same way and exit with 143 and
 * 129. The worker writes its output straight to fds 1 and 2 (src/cli/output.ts), so lines are
 * live although its event loop never turns. TSDNAS_NO_WORKER=1 runs the command on the main
 * thread (a signal then stops it abruptly and leaves a stale lock).
 */

import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { lockRunDir, LOCK_FILE } from '../io/run-lock.js';
import { setInterruptCheck, TrainingInterruptedError } from '../nn/train/interrupt.js';
import { cliInvocation, resumeCommand } from './invocation.js';
import { threadLoader } from './threadEntry.js';
import { RUN_LOG_FILE, startRunLog, stopRunLog } from './runLog.js';

/** A second SIGINT sooner than this after the first is the same keypress delivered twice. */
const SIGINT_REPEAT_MS = 500;

export const INTERRUPTIBLE_COMMANDS: ReadonlySet<string> = new Set(['train', 'search', 'sweep', 'mps']);

interface WorkerData { tsdnasInterrupt: Int32Array; stderrTTY: boolean; stderrColumns?: number; tsdnasInvocation: string }

/** The signals that stop a run gracefully, with what the first one prints. */
const STOP_SIGNALS = {
  SIGINT: 'Ctrl-C: finishing the current batch, then stopping (press Ctrl-C again to stop at once)',
  SIGTERM: 'SIGTERM: finishing the current batch, then stopping (send it again to stop at once)',
  SIGHUP: 'SIGHUP: finishing the current batch, then stopping (send it again to stop at once)',
} as const;
type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * On the main thread: runs the CLI entry module `entryUrl` with `argv` in a worker and resolves
 * to its exit code. In that worker: installs the interrupt check and returns null (the caller
 * then runs the command itself). Also null when workers are turned off.
 */
export async function runInterruptibly(entryUrl: string, argv: string[], command: string): Promise<number | null> {
  if (!isMainThread) {
    const data = workerData as WorkerData | undefined;
    if (data?.tsdnasInterrupt !== undefined) {
      const flag = data.tsdnasInterrupt;
      setInterruptCheck(() => Atomics.load(flag, 0) !== 0);
      // A worker's stderr is a pipe to the main thread; progress bars should still draw when the user's terminal is a TTY.
      if (data.stderrTTY) Object.defineProperty(process.stderr, 'isTTY', { value: true });
      if (data.stderrColumns !== undefined) Object.defineProperty(process.stderr, 'columns', { value: data.stderrColumns });
    }
    return null;
  }
  if (process.env.TSDNAS_NO_WORKER) return null;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  // Under tsx (running the .ts sources), the worker registers tsx's loader before importing the entry.
  const worker = new Worker(threadLoader(entryUrl), {
    eval: true, argv,
    workerData: { tsdnasInterrupt: flag, stderrTTY: process.stderr.isTTY === true, stderrColumns: process.stderr.columns, tsdnasInvocation: cliInvocation() } satisfies WorkerData,
  });
  const locks = new Set<string>();
  worker.on('message', (m: { tsdnasLock?: string; tsdnasUnlock?: string }) => {
    if (m.tsdnasLock !== undefined) locks.add(m.tsdnasLock);
    if (m.tsdnasUnlock !== undefined) locks.delete(m.tsdnasUnlock);
  });
  const dirs = () => [...locks].map((l) => l.slice(0, -LOCK_FILE.length - 1));
  // Also into run.log, where the worker's lines go (src/cli/runLog.ts).
  const say = (line: string) => {
    process.stderr.write(`\n${line}\n`);
    for (const d of dirs()) {
      try { appendFileSync(join(d, RUN_LOG_FILE), `${line}\n`); } catch { /* the log is a convenience */ }
    }
  };
  // A closed terminal (SIGHUP) or reader makes writes fail; that must not crash the run.
  const ignore = () => {};
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);
  let firstAt = 0;
  let first: StopSignal | null = null;
  const onSignal = (signal: StopSignal) => {
    if (first === null) {
      first = signal;
      Atomics.store(flag, 0, 1);
      firstAt = Date.now();
      say(`tsdnas: ${STOP_SIGNALS[signal]}`);
      return;
    }
    // One keypress can arrive twice: the terminal signals the whole process group and wrappers
    // (npx, tsx) relay it to their child again. Only a later signal means "stop at once".
    if (Date.now() - firstAt < SIGINT_REPEAT_MS) return;
    const [stopped] = dirs();
    for (const l of locks) removeOwnLock(l);
    const how = stopped === undefined ? '' : `; the state of the last finished epoch is kept: continue with ${resumeCommand(command, stopped)}`;
    say(`tsdnas: interrupted again, stopped at once${how}`);
    process.exit(signalExitCode(first));
  };
  const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((s) => [s, () => onSignal(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('exit', resolve);
    });
    // The worker reports every interruption as 130 (Ctrl-C); the shell's code names the signal that came.
    return code === 130 && first !== null ? signalExitCode(first) : code;
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
    process.stdout.off('error', ignore);
    process.stderr.off('error', ignore);
  }
}

/** 128 + the signal's number, as a shell reports a process a signal ended: 130, 143, 129. */
function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/** Deletes a lock file only when this process holds it. */
function removeOwnLock(path: string): void {
  try {
    if ((JSON.parse(readFileSync(path, 'utf8')) as { pid?: number }).pid === process.pid) rmSync(path, { force: true });
  } catch {
    // Gone or unreadable: nothing of ours to remove.
  }
}

/** lockRunDir, telling the main thread (when running in its worker) which lock to remove on a second Ctrl-C. */
export function lockRun(dir: string, command: string): () => void {
  const existed = existsSync(dir);
  const release = lockRunDir(dir, command);
  startRunLog(dir);
  const path = join(dir, LOCK_FILE);
  parentPort?.postMessage({ tsdnasLock: path });
  return () => {
    release();
    parentPort?.postMessage({ tsdnasUnlock: path });
    // A run refused (or stopped) before it saved anything leaves no directory it created behind, not even its log.
    if (!existed) removeIfOnlyLog(dir);
  };
}

function removeIfOnlyLog(dir: string): void {
  try {
    if (!readdirSync(dir).every((f) => f === RUN_LOG_FILE)) return;
    stopRunLog();
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Already gone, or not ours to read: leave it.
  }
}

/** Rewrites an interruption's message into what to do next: the resume command, or that nothing was saved yet. */
export function explainInterrupt(e: unknown, command: string, dir: string, resumable: boolean): void {
  if (!(e instanceof TrainingInterruptedError)) return;
  const where = `after batch ${e.step.batch}/${e.step.batches}${e.step.epoch > 0 ? ` of epoch ${e.step.epoch}` : ''}`;
  e.message = resumable
    ? `interrupted; continue with ${resumeCommand(command, dir)} (stopped ${where}; its state is saved)`
    : `interrupted before any state was saved; nothing to resume in ${dir} — start the run again`;
}
