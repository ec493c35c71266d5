/**
 * `tsdnas sweep --jobs N`: the points run on worker processes and give the same bits as a
 * one-process sweep; a coordinator SIGKILLed mid-sweep resumes (with another --jobs, too) to
 * the same front; Ctrl-C (SIGINT) stops every worker after its batch with the resume command.
 */

import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, hasEcg200, ROOT, stableJson } from './cli.js';
import { runAndSignal } from './kill.js';
import { LOCK_FILE } from '../../src/io/run-lock.js';

const SWEEP = ['sweep', '--dataset', 'ecg200', '--backend', 'wasm', '--warmup-epochs', '3', '--search-epochs', '4', '--finetune-epochs', '2', '--lambdas', '1e-6,1e-4,1e-3,1e-2', '--quiet'];
const POINTS = [0, 1, 2, 3];

function expectSameRun(a: string, b: string): void {
  expect(stableJson(join(b, 'front.json'))).toBe(stableJson(join(a, 'front.json')));
  for (const i of POINTS) {
    expect(readFileSync(join(b, `point-${i}`, 'model.safetensors')).equals(readFileSync(join(a, `point-${i}`, 'model.safetensors'))), `point ${i} model`).toBe(true);
    expect(stableJson(join(b, `point-${i}`, 'summary.json'))).toBe(stableJson(join(a, `point-${i}`, 'summary.json')));
  }
}

/** The pids of `pid`'s child processes (Linux: the children files of /proc/<pid>/task). */
function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter((x) => x !== '').map(Number));
  } catch {
    return [];
  }
}

/** Runs `body` in a fresh temporary directory, removed afterwards whatever happens. */
async function inTmp(prefix: string, body: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  try {
    await body(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe.skipIf(!hasEcg200)('tsdnas sweep --jobs', () => {
  it.skipIf(!existsSync('/proc/self/task'))('a worker process SIGKILLed mid-point is replaced and its point rerun from the saved state: the same bits as one process', () => inTmp('tsdnas-jobs-kill-', async (tmp) => {
    const one = join(tmp, 'one');
    const r1 = await cli([...SWEEP, '--out', one]);
    expect(r1.code, r1.stderr).toBe(0);
    const out = join(tmp, 'two');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...SWEEP.filter((a) => a !== '--quiet'), '--jobs', '2', '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let killed = 0;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Once a point's search is under way, one worker is killed (not the coordinator).
      if (killed === 0 && /\[job \d · point \d\] {0,2}search epoch 2:/.test(stderr)) {
        const workers = childPids(child.pid as number);
        if (workers.length > 0) {
          killed = workers[0];
          process.kill(killed, 'SIGKILL');
        }
      }
    });
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    expect(killed).toBeGreaterThan(0);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/ended mid-task \(SIGKILL\); running the task again on a fresh process/);
    expectSameRun(one, out);
  }), 180_000);

  it('--jobs 2 gives the points of --jobs 1 bit for bit; a SIGKILLed coordinator resumes (with --jobs 1) to the same run; SIGINT stops the workers with the resume command', () => inTmp('tsdnas-jobs-', async (tmp) => {
    const one = join(tmp, 'one');
    const two = join(tmp, 'two');
    const r1 = await cli([...SWEEP, '--out', one]);
    expect(r1.code, r1.stderr).toBe(0);
    const r2 = await cli([...SWEEP, '--jobs', '2', '--out', two]);
    expect(r2.code, r2.stderr).toBe(0);
    expectSameRun(one, two);

    // Killed once a point has finished on a worker (and mid-way through the next ones).
    const killed = join(tmp, 'killed');
    const k = await runAndSignal([...SWEEP, '--jobs', '2', '--out', killed], join(killed, 'state'), { writes: 1, only: '.done', delayMs: 150 }, 'SIGKILL');
    expect(k.sent).toBe(true);
    // Its workers notice the coordinator is gone and end.
    await new Promise((r) => setTimeout(r, 1500));
    // As after any SIGKILL, the stale lock is refused until removed (search-resume.test.ts checks the message).
    rmSync(join(killed, LOCK_FILE));
    const resumed = await cli(['sweep', '--resume', killed, '--jobs', '1', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectSameRun(one, killed);

    // Ctrl-C: every worker stops after its current batch; the run resumes to the same bits.
    const stopped = join(tmp, 'stopped');
    const s = await runAndSignal([...SWEEP.filter((a) => a !== '--quiet'), '--jobs', '2', '--out', stopped], join(stopped, 'state'), { writes: 3, only: '.search', delayMs: 50 }, 'SIGINT');
    expect(s.sent).toBe(true);
    expect(s.code, s.stderr).toBe(130);
    expect(s.stderr).toMatch(/interrupted; continue with .*sweep --resume/);
    const again = await cli(['sweep', '--resume', stopped, '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    expectSameRun(one, stopped);
  }), 240_000);

  it('tsdnas joint --jobs 2 (a precision-search run: uniform baselines and joint points) gives the points of one process bit for bit', () => inTmp('tsdnas-jobs-joint-', async (tmp) => {
    const JOINT = ['joint', '--dataset', 'ecg200', '--backend', 'wasm', '--warmup-epochs', '2', '--search-epochs', '2', '--finetune-epochs', '1', '--sweep', 'true', '--lambdas', '1e-5,1e-3', '--quiet'];
    const one = join(tmp, 'one');
    const two = join(tmp, 'two');
    const r1 = await cli([...JOINT, '--out', one]);
    expect(r1.code, r1.stderr).toBe(0);
    const r2 = await cli([...JOINT, '--jobs', '2', '--out', two]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(stableJson(join(two, 'front.json'))).toBe(stableJson(join(one, 'front.json')));
    const points = readdirSync(one).filter((f) => f.startsWith('point-'));
    expect(points.length).toBe(5);
    expect(readdirSync(two).sort()).toEqual(readdirSync(one).sort());
    for (const p of points) expect(readFileSync(join(two, p, 'quantized.safetensors')).equals(readFileSync(join(one, p, 'quantized.safetensors'))), p).toBe(true);
  }), 180_000);
});
