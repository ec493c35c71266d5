/**
 * The local worker processes of `tsdnas sweep --jobs N`: N children (`tsdnas worker --ipc`) forked
 * with an IPC channel, each running one task at a time. A child that dies mid-task (killed, out of
 * memory) is replaced and its task runs again from the saved state, once; the pool forwards a stop
 * to every child.
 */

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childExecArgv, siblingUrl } from '../threadEntry.js';
import { TaskError } from './taskThread.js';
import type { FromWorker, ToWorker } from './ipc.js';
import type { SweepTask, TaskSink } from './sweepTask.js';

/** Runs tasks somewhere (local processes, a job queue); `slots` of them at once. */
export interface TaskExecutor {
  readonly slots: number;
  /** Runs `task` on a free slot (the scheduler never asks for more than `slots` at once). */
  run(task: SweepTask, sink: TaskSink & { worker(name: string): void }): Promise<void>;
  /** Ask the running tasks to stop after their current batch. */
  stop(): void;
  close(): Promise<void>;
  /** Start the workers now and let them open these runs while the first tasks (the warm-ups) run. */
  prefetch?(runDirs: readonly string[]): void;
}

interface Child { proc: ChildProcess; name: string; busy: boolean; exited: boolean }
interface Pending { child: Child; task: SweepTask; attempt: number; sink: TaskSink & { worker(name: string): void }; resolve: () => void; reject: (e: Error) => void }

/** A task whose worker process died (killed, out of memory) runs again on a fresh process, this many times in all. */
const ATTEMPTS = 2;

export class ProcessPool implements TaskExecutor {
  private readonly children: Child[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopping = false;

  constructor(readonly slots: number) {}

  private spawn(index: number): Child {
    const main = siblingUrl(import.meta.url, '../main');
    const proc = fork(fileURLToPath(main), ['worker', '--ipc'], {
      execArgv: childExecArgv(main),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const child: Child = { proc, name: `job ${index + 1}`, busy: false, exited: false };
    // Anything a child prints outside its task lines (warnings) reaches the user, marked.
    const relay = (chunk: Buffer) => {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') process.stderr.write(`[${child.name}] ${l}\n`);
    };
    proc.stdout?.on('data', relay);
    proc.stderr?.on('data', relay);
    proc.on('message', (m: FromWorker) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      if (m.type === 'line') p.sink.line(m.line);
      else if (m.type === 'event') p.sink.event(m.event, m.fields);
      else {
        this.pending.delete(m.id);
        child.busy = false;
        if (m.type === 'done') p.resolve();
        else p.reject(new TaskError(m.error, m.interrupted));
      }
    });
    proc.on('exit', (code, signal) => {
      child.exited = true;
      for (const [id, p] of this.pending) {
        if (p.child !== child) continue;
        this.pending.delete(id);
        const how = `worker process ${child.name} (pid ${proc.pid}) ended mid-task (${signal ?? `exit code ${code}`})`;
        if (this.stopping || p.attempt >= ATTEMPTS) {
          p.reject(new TaskError(`${how}; its saved state is kept`, false));
          continue;
        }
        // Its state on disk is consistent (atomic writes): the fresh process continues from it, to the same bits.
        p.sink.line(`${how}; running the task again on a fresh process`);
        this.dispatch(p.task, p.sink, p.attempt + 1).then(p.resolve, p.reject);
      }
    });
    return child;
  }

  private freeChild(): Child {
    const idle = this.children.find((c) => !c.busy && !c.exited);
    if (idle !== undefined) return idle;
    if (this.children.filter((c) => !c.exited).length >= this.slots) throw new Error('ProcessPool: no free worker (more tasks than slots asked at once)');
    const c = this.spawn(this.children.length);
    this.children.push(c);
    return c;
  }

  run(task: SweepTask, sink: TaskSink & { worker(name: string): void }): Promise<void> {
    return this.dispatch(task, sink, 1);
  }

  private dispatch(task: SweepTask, sink: TaskSink & { worker(name: string): void }, attempt: number): Promise<void> {
    const child = this.freeChild();
    child.busy = true;
    sink.worker(child.name);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { child, task, attempt, sink, resolve, reject });
      child.proc.send({ type: 'task', id, task } satisfies ToWorker);
    });
  }

  prefetch(runDirs: readonly string[]): void {
    if (runDirs.length === 0) return;
    while (this.children.filter((c) => !c.exited).length < this.slots) this.children.push(this.spawn(this.children.length));
    // Worker k opens run k (modulo): with --seeds each seed's warm-up finds a worker that has its data.
    this.children.forEach((c, k) => {
      if (!c.exited) c.proc.send({ type: 'open', runDir: runDirs[k % runDirs.length] } satisfies ToWorker);
    });
  }

  stop(): void {
    this.stopping = true;
    for (const c of this.children) if (!c.exited && c.proc.connected) c.proc.send({ type: 'stop' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    await Promise.all(this.children.filter((c) => !c.exited).map((c) => new Promise<void>((resolve) => {
      c.proc.once('exit', () => resolve());
      c.proc.disconnect();
    })));
  }
}
