/**
 * The processes of the queue tests: a private redis-server on a free port (no persistence) and
 * `tsdnas worker --queue` children whose stderr the test watches (to kill one mid-point).
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const hasRedis = (() => {
  try {
    return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
  } catch {
    return false;
  }
})();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once `proc`'s output (stdout or stderr, as `text()` gathers it) matches `re`; rejects when it exits first or after `ms`. */
export function waitFor(proc: ChildProcess, text: () => string, re: RegExp, ms = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { clearInterval(poll); reject(new Error(`timed out waiting for ${re} in:\n${text()}`)); }, ms);
    const poll = setInterval(() => {
      if (re.test(text())) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      } else if (proc.exitCode !== null || proc.signalCode !== null) {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`the process ended (${proc.exitCode ?? proc.signalCode}) before ${re}:\n${text()}`));
      }
    }, 20);
  });
}

export interface Redis { url: string; proc: ChildProcess; stop(): void }

export async function startRedis(): Promise<Redis> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  await waitFor(proc, () => out, /Ready to accept connections/, 15_000);
  return { url: `redis://127.0.0.1:${port}`, proc, stop: () => { if (proc.exitCode === null) proc.kill('SIGKILL'); } };
}

export interface Worker {
  proc: ChildProcess;
  pid: number;
  stderr(): string;
  /** When each line of stderr arrived (ms since the epoch), for the timings the test reports. */
  lines: { at: number; line: string }[];
  kill(signal?: NodeJS.Signals): void;
  /** Kills the worker if it still runs and removes its scratch directory (a SIGKILLed worker leaves it behind). */
  dispose(): Promise<void>;
}

export function startWorker(args: string[]): Worker {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'worker', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const lines: { at: number; line: string }[] = [];
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    for (const line of d.toString().split('\n')) if (line !== '') lines.push({ at: Date.now(), line });
  });
  return {
    proc, pid: proc.pid as number, stderr: () => err, lines,
    kill: (signal = 'SIGKILL') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
    dispose: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await ended(proc);
      rmSync(join(tmpdir(), `tsdnas-worker-${proc.pid}`), { recursive: true, force: true });
    },
  };
}

/** Resolves when the process has ended. */
export function ended(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((resolve) => proc.once('exit', () => resolve()));
}
