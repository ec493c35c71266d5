/**
 * `tsdnas sweep --queue redis://…`: the sweep's tasks as jobs of a BullMQ queue on Redis, run by
 * `tsdnas worker --queue` processes on any machine that reaches that Redis (queueWorker.ts). Each
 * job carries what its worker needs (queueJob.ts) and returns the task's result file, which this
 * executor writes into the run's state directory before the task counts as done: from there on
 * the sweep goes on exactly as with local workers. Job ids come from the run, so a coordinator
 * stopped and resumed re-attaches to its jobs (queued, running or finished) instead of queueing
 * them again, and re-queues the ones that failed. Ctrl-C only stops the waiting: the jobs stay on
 * the queue and keep running. Progress lines come back through the jobs' progress events.
 */

import { readFileSync } from 'node:fs';
import type { Job, Queue, QueueEvents } from 'bullmq';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { RunStateDir, STATE_DIR } from '../../io/search-state.js';
import { connectionOptions, loadBullmq, reachRedis, type Bull } from './bullmq.js';
import { TaskError } from './taskThread.js';
import {
  checkResult, jobId, KEEP_SECONDS, QUEUE_TASK_FORMAT, resultFile, runKey, taskLabel, tsdnasVersion, type QueueTaskData,
} from './queueJob.js';
import type { QueueAddress } from './queueUrl.js';
import type { TaskExecutor } from './pool.js';
import type { SweepTask, TaskSink } from './sweepTask.js';

/** The coordinator stopped waiting (Ctrl-C); its jobs stay on the queue and keep running. */
export class QueueDetached extends TaskError {
  constructor(message: string) {
    super(message, true);
    this.name = 'QueueDetached';
  }
}

type Sink = TaskSink & { worker(name: string): void };

interface Waiter {
  id: string;
  task: SweepTask;
  data: QueueTaskData;
  sink: Sink;
  /** The worker that last reported on the job. */
  worker: string;
  settled: boolean;
  resolve(): void;
  reject(e: Error): void;
}

interface Connection { bull: Bull; queue: Queue; events: QueueEvents }

/** Every job waited for is looked at this often, besides its events: an event lost in a reconnect cannot hang the sweep. */
const POLL_MS = 5000;
const CONNECT_SECONDS = 15;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Before anything is prepared: Redis at --queue answers (else the error names --queue and the address). */
export function reachQueue(address: QueueAddress): Promise<void> {
  return reachRedis(address, '--queue', CONNECT_SECONDS, (l) => process.stderr.write(`tsdnas: ${l}\n`));
}

export class QueueExecutor implements TaskExecutor {
  private conn: Promise<Connection> | null = null;
  private readonly waiters = new Map<string, Waiter>();
  private readonly runs = new Map<string, { key: string; runJson: string }>();
  private poll: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastError = '';
  private readonly me = `${hostname()}:${process.pid}`;

  /** `slots`: how many tasks may wait at once (the workers, not this process, limit how many run). */
  constructor(readonly slots: number, private readonly address: QueueAddress, private readonly name: string) {}

  private connect(): Promise<Connection> {
    this.conn ??= (async (): Promise<Connection> => {
      const bull = await loadBullmq('--queue');
      await reachRedis(this.address, '--queue', CONNECT_SECONDS, (l) => process.stderr.write(`tsdnas: ${l}\n`));
      const connection = connectionOptions(this.address);
      const queue: Queue = new bull.Queue(this.name, { connection });
      const events: QueueEvents = new bull.QueueEvents(this.name, { connection });
      // Errors after the first contact are reconnects (ioredis retries by itself): said once per message, not per retry.
      const onError = (e: Error) => {
        if (e.message === this.lastError) return;
        this.lastError = e.message;
        process.stderr.write(`tsdnas: --queue ${this.address.shown}: ${e.message} (reconnecting)\n`);
      };
      queue.on('error', onError);
      events.on('error', onError);
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      events.on('progress', ({ jobId: id, data }) => this.progress(id, data));
      events.on('completed', ({ jobId: id }) => void this.check(id));
      events.on('failed', ({ jobId: id }) => void this.check(id));
      events.on('stalled', ({ jobId: id }) => {
        const w = this.waiters.get(id);
        if (w !== undefined && !w.settled) w.sink.line('stopped answering (its lock ran out): back on the queue for another worker');
      });
      this.poll = setInterval(() => { for (const id of this.waiters.keys()) void this.check(id); }, POLL_MS);
      return { bull, queue, events };
    })();
    return this.conn;
  }

  /** The run's key and run.json, read once per run directory (run.json never changes while the run lives). */
  private run0(runDir: string): { key: string; runJson: string } {
    let r = this.runs.get(runDir);
    if (r === undefined) {
      const runJson = readFileSync(new RunStateDir(runDir).runFile, 'utf8');
      r = { key: runKey(runDir, runJson), runJson };
      this.runs.set(runDir, r);
    }
    return r;
  }

  async run(task: SweepTask, sink: Sink): Promise<void> {
    if (this.stopped) throw new QueueDetached('stopped before the task was queued');
    const { key, runJson } = this.run0(task.runDir);
    const warmPath = join(task.runDir, STATE_DIR, resultFile(null));
    const data: QueueTaskData = {
      format: QUEUE_TASK_FORMAT, version: tsdnasVersion(), key, runJson, point: task.point,
      ...(task.point === null ? {} : { warm: readFileSync(warmPath).toString('base64') }),
      runDir: resolve(task.runDir), coordinator: this.me,
    };
    await this.connect();
    if (this.stopped) throw new QueueDetached('stopped before the task was queued');
    sink.worker('queue');
    const id = jobId(key, task.point);
    const done = new Promise<void>((res, rej) => {
      this.waiters.set(id, { id, task, data, sink, worker: 'a worker', settled: false, resolve: res, reject: rej });
    });
    // stop() may settle the waiter while submit() is still awaited, before anyone holds `done`:
    // marked as handled here, so that rejection is not an unhandled one (which ends the thread).
    done.catch(() => {});
    const w = this.waiters.get(id) as Waiter;
    try {
      await this.submit(w);
    } catch (e) {
      this.settle(w, e as Error);
    }
    return done;
  }

  /** Queues the job, or attaches to the one already there (finished: collected; failed: queued again). */
  private async submit(w: Waiter): Promise<void> {
    const { bull, queue } = await this.connect();
    const job = await bull.Job.fromId(queue, w.id);
    if (job === undefined) {
      await queue.add('task', w.data, { jobId: w.id, attempts: 1, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } });
      w.sink.line(`queued as job ${w.id}`);
      return;
    }
    const state = await job.getState();
    if (state === 'completed') {
      w.sink.line(`job ${w.id} had finished: collected`);
      this.collect(w, job);
    } else if (state === 'failed') {
      const reason = job.failedReason.length > 160 ? `${job.failedReason.slice(0, 160)}…` : job.failedReason;
      w.sink.line(`job ${w.id} had failed (${reason}): queued again`);
      await job.retry('failed');
    } else {
      w.sink.line(`job ${w.id} is already on the queue (${state}): waiting for it`);
    }
  }

  /** Settles the task when its job is finished or failed; re-queues a job that left the queue unfinished. */
  private async check(id: string): Promise<void> {
    const w = this.waiters.get(id);
    if (w === undefined || w.settled) return;
    try {
      const { bull, queue } = await this.connect();
      const job = await bull.Job.fromId(queue, id);
      if (w.settled) return;
      if (job === undefined) {
        // Removed while it waited or ran (the queue was cleaned or obliterated): the task still has to run.
        w.sink.line(`job ${id} left the queue unfinished: queued again`);
        await this.submit(w);
        return;
      }
      const state = await job.getState();
      if (state === 'completed') this.collect(w, job);
      else if (state === 'failed') {
        this.settle(w, new TaskError(`${taskLabel(w.task.point)} of ${w.task.runDir} failed on the queue (job ${id}): ${job.failedReason}; the job stays there as failed, and resuming the run (--resume) queues it again`, false));
      }
    } catch (e) {
      // Redis unreachable for a moment: the next event or poll looks again.
      const msg = (e as Error).message;
      if (msg !== this.lastError) {
        this.lastError = msg;
        process.stderr.write(`tsdnas: --queue ${this.address.shown}: ${msg} (will look again)\n`);
      }
    }
  }

  /** The job's result file, checked and written into the run's state directory; then the task is done. */
  private collect(w: Waiter, job: Job): void {
    if (w.settled) return;
    try {
      const file = resultFile(w.task.point);
      const { worker, bytes } = checkResult(job.returnvalue, w.id, file);
      writeFileAtomic(join(w.task.runDir, STATE_DIR, file), bytes);
      w.worker = worker;
      w.sink.worker(worker);
      this.settle(w, null);
    } catch (e) {
      this.settle(w, new TaskError((e as Error).message, false));
    }
  }

  private progress(id: string, data: unknown): void {
    const w = this.waiters.get(id);
    if (w === undefined || w.settled || !isObject(data)) return;
    if (typeof data.worker === 'string' && data.worker !== w.worker) {
      w.worker = data.worker;
      w.sink.worker(data.worker);
    }
    if (typeof data.line === 'string') w.sink.line(data.line);
    else if (data.event === 'epoch' && isObject(data.fields)) w.sink.event('epoch', data.fields);
  }

  private settle(w: Waiter, e: Error | null): void {
    if (w.settled) return;
    w.settled = true;
    this.waiters.delete(w.id);
    if (e === null) w.resolve();
    else w.reject(e);
  }

  stop(): void {
    this.stopped = true;
    const note = `the coordinator stopped waiting; the queued tasks stay on ${this.address.shown} (queue ${this.name}) and keep running on the workers, and the resumed sweep collects them`;
    for (const w of [...this.waiters.values()]) this.settle(w, new QueueDetached(note));
  }

  async close(): Promise<void> {
    if (this.poll !== null) clearInterval(this.poll);
    this.poll = null;
    const c = await this.conn?.catch(() => null);
    if (c != null) await Promise.allSettled([c.events.close(), c.queue.close()]);
  }
}
