/**
 * The task scheduler of parallel runs (src/cli/worker/schedule.ts) on a fake executor: a point
 * waits for its seed's warm-up, no more tasks run at once than the executor has slots, a failure
 * stops new tasks, and an interruption wins over the failures it causes.
 */

import { describe, expect, it } from 'vitest';
import { runPlanned, type PlannedTask } from '../../src/cli/worker/schedule.js';
import { TaskError } from '../../src/cli/worker/taskThread.js';
import type { TaskExecutor } from '../../src/cli/worker/pool.js';
import type { SweepTask } from '../../src/cli/worker/sweepTask.js';

const key = (t: SweepTask) => `${t.runDir}#${t.point ?? 'warm'}`;

/** Runs each task for `ms` milliseconds, recording starts, ends and the most running at once. */
function fakeExecutor(slots: number, ms = 5, fail: (t: SweepTask) => Error | null = () => null) {
  const log: string[] = [];
  let running = 0;
  let most = 0;
  let stopped = false;
  const ex: TaskExecutor = {
    slots,
    run: async (task, sink) => {
      sink.worker(`w${running}`);
      running++;
      most = Math.max(most, running);
      log.push(`start ${key(task)}`);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      log.push(`end ${key(task)}`);
      if (stopped) throw new TaskError('interrupted', true);
      const e = fail(task);
      if (e !== null) throw e;
    },
    stop: () => { stopped = true; },
    close: async () => {},
  };
  return { ex, log, most: () => most };
}

function sweepTasks(dirs: string[], points: number): PlannedTask[] {
  const warm = dirs.map((d) => ({ key: `${d}#warm`, task: { runDir: d, point: null }, after: null }));
  const pts = dirs.flatMap((d) => Array.from({ length: points }, (_, i) => ({ key: `${d}#${i}`, task: { runDir: d, point: i }, after: `${d}#warm` })));
  return [...warm, ...pts];
}

const noHooks = { line: () => {}, event: () => {}, done: () => {} };

describe('runPlanned', () => {
  it('starts a point only after its warm-up, uses every slot and no more, and runs every task once', async () => {
    const { ex, log, most } = fakeExecutor(2);
    const done: string[] = [];
    await runPlanned(sweepTasks(['a', 'b'], 3), ex, { ...noHooks, done: (t) => done.push(t.key) }, () => false);
    for (const d of ['a', 'b']) {
      const warmEnd = log.indexOf(`end ${d}#warm`);
      for (let i = 0; i < 3; i++) expect(log.indexOf(`start ${d}#${i}`)).toBeGreaterThan(warmEnd);
    }
    expect(most()).toBe(2);
    expect(done.sort()).toEqual(['a#0', 'a#1', 'a#2', 'a#warm', 'b#0', 'b#1', 'b#2', 'b#warm']);
  });

  it('a failed task stops new tasks from starting; the running ones finish and the failure is thrown', async () => {
    const { ex, log } = fakeExecutor(1, 2, (t) => (t.point === 0 ? new Error('point 0 diverged') : null));
    await expect(runPlanned(sweepTasks(['a'], 3), ex, noHooks, () => false)).rejects.toThrow('point 0 diverged');
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start a#warm', 'start a#0']);
  });

  it('a stop request reaches the executor, and the interruption is what is thrown', async () => {
    const { ex } = fakeExecutor(2, 400);
    let asked = 0;
    const stop = () => ++asked > 1;
    const e = await runPlanned(sweepTasks(['a'], 4), ex, noHooks, stop).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TaskError);
    expect((e as TaskError).interrupted).toBe(true);
  });
});
