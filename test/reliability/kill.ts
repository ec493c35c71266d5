/**
 * Killing a `tsdnas` child process at chosen moments for the kill / resume tests: the moment is
 * the n-th state write the child makes (a file in the watched directory replaced, as every
 * atomic write does) plus a delay, so kills land in the phase the test picks and, with a delay,
 * mid-epoch or mid-write.
 */

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/** Identity of every finished file in `dir` (inode + mtime: an atomic write replaces the inode; its temp files are skipped). */
function fileStamps(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  let names: string[];
  try {
    names = existsSync(dir) ? readdirSync(dir) : [];
  } catch {
    return m; // removed between the check and the read (a test's cleanup racing the last poll)
  }
  for (const f of names) {
    try {
      if (f.endsWith('.tmp')) continue;
      const s = statSync(join(dir, f));
      if (s.isFile()) m.set(f, `${s.ino}:${s.mtimeMs}`);
    } catch {
      // Renamed away between readdir and stat: seen at the next poll.
    }
  }
  return m;
}

export interface KillPlan {
  /** Kill after this many finished state writes (files in `watch` created or replaced); matching `only` if given. */
  writes: number;
  /** Count only writes of files whose name contains this. */
  only?: string;
  delayMs: number;
}

export interface Outcome {
  /** The plan's moment came while the child ran, and the signal was sent. */
  sent: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs `tsdnas <args>` and sends `signal` at the plan's moment (`again`: a second one 600 ms after the child reports the first). */
export function runAndSignal(args: string[], watch: string, plan: KillPlan, signal: NodeJS.Signals, again = false): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let sent = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (again && sent && /finishing the current batch/.test(stderr)) {
        again = false;
        // Later than the CLI's 500 ms window in which a repeated SIGINT counts as the same keypress.
        setTimeout(() => { if (child.exitCode === null) child.kill(signal); }, 600);
      }
    });
    let seen = 0;
    let last = fileStamps(watch);
    const poll = setInterval(() => {
      const now = fileStamps(watch);
      for (const [f, stamp] of now) if (last.get(f) !== stamp && (plan.only === undefined || f.includes(plan.only))) seen++;
      last = now;
      if (seen < plan.writes) return;
      clearInterval(poll);
      setTimeout(() => { sent = child.exitCode === null && child.kill(signal); }, plan.delayMs);
    }, 5);
    child.on('close', (code, sig) => {
      clearInterval(poll);
      resolve({ sent, code, signal: sig, stderr });
    });
  });
}

/** Runs `tsdnas <args>`; resolves true when it was SIGKILLed by the plan, false when it exited first. */
export async function runAndKill(args: string[], watch: string, plan: KillPlan): Promise<boolean> {
  const o = await runAndSignal(args, watch, plan, 'SIGKILL');
  return o.sent && o.signal === 'SIGKILL';
}
