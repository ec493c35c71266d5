/**
 * The main-thread side of a worker process's task thread (thread.ts): starts it, runs one task at
 * a time on it, and stops it at the next batch on request (the shared interrupt flag).
 */

import { Worker } from 'node:worker_threads';
import { siblingUrl, threadLoader } from '../threadEntry.js';
import type { SweepTask, TaskSink } from './sweepTask.js';
import type { ThreadData } from './thread.js';

/** A task that failed; `interrupted` when it stopped on request (its state is saved to resume from). */
export class TaskError extends Error {
  constructor(message: string, readonly interrupted: boolean) {
    super(message);
    this.name = 'TaskError';
  }
}

type Reply = { id: number; line?: string; event?: 'epoch'; fields?: object; done?: true; error?: string; interrupted?: boolean };

export class TaskThread {
  private readonly worker: Worker;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly pending = new Map<number, { sink: TaskSink; resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor() {
    this.worker = new Worker(threadLoader(siblingUrl(import.meta.url, 'thread')), {
      eval: true, workerData: { tsdnasTaskInterrupt: this.flag } satisfies ThreadData,
    });
    this.worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      if (m.line !== undefined) p.sink.line(m.line);
      else if (m.event !== undefined) p.sink.event(m.event, m.fields ?? {});
      else {
        this.pending.delete(m.id);
        if (m.done === true) p.resolve();
        else p.reject(new TaskError(m.error ?? 'the task failed', m.interrupted === true));
      }
    });
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the task thread stopped (exit code ${code})`)));
  }

  run(task: SweepTask, sink: TaskSink): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { sink, resolve, reject });
      this.worker.postMessage({ id, task });
    });
  }

  /** Opens the run in `runDir` ahead of its tasks (data, seed model; cached for them); a failure shows in the first task. */
  open(runDir: string): void {
    this.worker.postMessage({ open: runDir });
  }

  /** The running task stops after its current batch (its state saved); so does any later one. */
  interrupt(): void {
    Atomics.store(this.flag, 0, 1);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
