/**
 * Runs the tasks of a parallel sweep on an executor: each task once its prerequisite (a seed's
 * warm-up) is done, at most `executor.slots` at once, in the given order otherwise. The first
 * failure stops new tasks from starting; the running ones finish (or stop at Ctrl-C) and the
 * failure is thrown. A stop request (`stopRequested`, polled) is passed on to the executor.
 */

import { TaskError } from './taskThread.js';
import type { TaskExecutor } from './pool.js';
import type { SweepTask } from './sweepTask.js';

export interface PlannedTask {
  key: string;
  task: SweepTask;
  /** The key of the task that must finish first (null: none). */
  after: string | null;
}

export interface ScheduleHooks {
  /** A line of task `t`'s progress, from worker `worker`. */
  line(t: PlannedTask, worker: string, text: string): void;
  event(t: PlannedTask, worker: string, event: 'epoch', fields: object): void;
  /** Task `t` finished (its result is saved); called before any task that waits for it starts. */
  done(t: PlannedTask, worker: string): void;
}

const POLL_MS = 250;

export async function runPlanned(tasks: readonly PlannedTask[], executor: TaskExecutor, hooks: ScheduleHooks, stopRequested: () => boolean): Promise<void> {
  const keys = new Set(tasks.map((t) => t.key));
  const done = new Set<string>();
  const waiting = [...tasks];
  const running = new Set<Promise<void>>();
  let failure: Error | null = null;
  let stopped = false;
  const poll = setInterval(() => {
    if (!stopped && stopRequested()) {
      stopped = true;
      executor.stop();
    }
  }, POLL_MS);
  const ready = (t: PlannedTask) => t.after === null || !keys.has(t.after) || done.has(t.after);
  try {
    for (;;) {
      while (failure === null && !stopped && running.size < executor.slots) {
        const i = waiting.findIndex(ready);
        if (i < 0) break;
        const [t] = waiting.splice(i, 1);
        let worker = '';
        const p: Promise<void> = executor.run(t.task, {
          worker: (name) => { worker = name; },
          line: (text) => hooks.line(t, worker, text),
          event: (event, fields) => hooks.event(t, worker, event, fields),
        }).then(() => {
          done.add(t.key);
          hooks.done(t, worker);
        }).catch((e: unknown) => {
          // An interruption is what the user asked for: it wins over other failures it caused.
          if (failure === null || (e instanceof TaskError && e.interrupted)) failure = e as Error;
        }).finally(() => { running.delete(p); });
        running.add(p);
      }
      if (running.size === 0) break;
      await Promise.race(running);
    }
  } finally {
    clearInterval(poll);
  }
  if (failure !== null) throw failure;
  if (stopped) throw new TaskError('stopped before every task ran', true);
  if (waiting.length > 0) throw new Error(`runPlanned: ${waiting.length} task(s) wait for a task that never ran (${waiting.map((t) => t.key).join(', ')})`);
}
