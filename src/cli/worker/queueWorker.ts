/**
 * `tsdnas worker --queue redis://…`: a BullMQ worker that runs the jobs `tsdnas sweep --queue`
 * puts on the queue, on any machine that reaches the Redis server. A job is copied into a local
 * scratch run directory (scratch.ts), run on a task thread (so this thread stays free to renew
 * the job's lock), and answered with the task's result file. A worker that dies mid-job stops
 * renewing its lock: after --stalled-seconds the job goes back to the queue and another worker
 * reruns it, to the same bits. SIGINT / SIGTERM: no new jobs; a running task stops after its
 * batch and its job goes back to the queue at once; then the worker ends.
 */

import { hostname } from 'node:os';
import { connectionOptions, loadBullmq, reachRedis } from './bullmq.js';
import { checkTaskData, QUEUE_RESULT_FORMAT, taskLabel, type QueueTaskResult } from './queueJob.js';
import { materialise, readResult, removeScratch, scratchRoot } from './scratch.js';
import { TaskError, TaskThread } from './taskThread.js';
import type { QueueAddress } from './queueUrl.js';

export interface QueueWorkerOptions {
  address: QueueAddress;
  name: string;
  concurrency: number;
  /** This machine's data directory for named datasets (else the run's, $TSDNAS_DATA_DIR, ../shared/data). */
  dataDir?: string;
  stalledSeconds: number;
}

/** A job that stalls (its worker stops renewing the lock) more often than this fails. */
const MAX_STALLED = 2;
const CONNECT_SECONDS = 30;

/** Task threads, one per concurrent job; a thread that broke (not a task's own failure) is replaced. */
class Threads {
  private readonly free: TaskThread[] = [];
  private readonly all = new Set<TaskThread>();

  take(): TaskThread {
    const t = this.free.pop() ?? new TaskThread();
    this.all.add(t);
    return t;
  }

  give(t: TaskThread, broken: boolean): void {
    if (!broken) {
      this.free.push(t);
      return;
    }
    this.all.delete(t);
    void t.terminate();
  }

  interrupt(): void {
    for (const t of this.all) t.interrupt();
  }

  async terminate(): Promise<void> {
    await Promise.allSettled([...this.all].map((t) => t.terminate()));
  }
}

/** A failure on a remote worker, with what usually causes it there: paths that exist only on the coordinator. */
function explain(message: string, me: string): string {
  const missing = /ENOENT|no such file|does not exist|missing file|not found|no data directory|cannot read/i.test(message);
  const hint = missing
    ? '; on a queue worker, named datasets come from its own data directory (tsdnas worker --data-dir, or $TSDNAS_DATA_DIR), and the run\'s own data, model and target files must be at the same absolute path as on the coordinator (a shared directory)'
    : '';
  return `on ${me}: ${message}${hint}`;
}

export async function runQueueWorker(o: QueueWorkerOptions): Promise<void> {
  const bull = await loadBullmq('tsdnas worker --queue');
  const me = `${hostname()}:${process.pid}`;
  const say = (s: string) => process.stderr.write(`${me} ${s}\n`);
  const root = scratchRoot();
  const threads = new Threads();

  const processor = async (job: InstanceType<typeof bull.Job>, token?: string): Promise<QueueTaskResult> => {
    const id = job.id ?? '?';
    const data = checkTaskData(job.data, id);
    const what = `${taskLabel(data.point)} of ${data.runDir}`;
    const dir = materialise(root, data, o.dataDir);
    const report = (p: object) => job.updateProgress({ worker: me, ...p }).catch(() => {
      // The lock was lost (the job stalled and went to another worker): this run's lines no longer matter.
    });
    say(`started job ${id}: ${what} (queued by ${data.coordinator})`);
    void report({ line: 'started' });
    const t0 = performance.now();
    const thread = threads.take();
    let broken = false;
    try {
      await thread.run({ runDir: dir, point: data.point }, {
        line: (line) => {
          process.stderr.write(`  [${id}] ${line.trimStart()}\n`);
          void report({ line });
        },
        event: (event, fields) => void report({ event, fields }),
      });
    } catch (e) {
      broken = !(e instanceof TaskError);
      if (e instanceof TaskError && e.interrupted) {
        // Stopped on request: the job is not failed, it goes back for another worker (which starts it afresh, to the same bits).
        await report({ line: `${me} was stopped (a signal): back on the queue for another worker` });
        await job.moveToWait(token);
        say(`stopped job ${id} (${what}) after its current batch; it is back on the queue`);
        throw new bull.WaitingError();
      }
      const msg = explain((e as Error).message, me);
      say(`job ${id} (${what}) FAILED: ${msg}`);
      throw new Error(msg);
    } finally {
      threads.give(thread, broken);
    }
    const r = readResult(dir, data.point);
    say(`finished job ${id}: ${what} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { format: QUEUE_RESULT_FORMAT, worker: me, file: r.file, sha256: r.sha256, bytes: r.bytes.toString('base64') };
  };

  await reachRedis(o.address, '--queue', CONNECT_SECONDS, say);
  const lock = o.stalledSeconds * 1000;
  const worker = new bull.Worker(o.name, processor, {
    connection: connectionOptions(o.address), name: me, autorun: false, concurrency: o.concurrency,
    lockDuration: lock, stalledInterval: lock, maxStalledCount: MAX_STALLED,
  });
  let lastError = '';
  worker.on('error', (e) => {
    if (e.message === lastError) return;
    lastError = e.message;
    say(`queue ${o.address.shown}: ${e.message}`);
  });
  await worker.waitUntilReady();
  say(`waiting for jobs on ${o.address.shown}, queue ${o.name} (${o.concurrency} at a time; a silent worker's job goes back after ${o.stalledSeconds} s; scratch ${root})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`${signal} again: stopping at once (a running job goes back to the queue after ${o.stalledSeconds} s)`);
      removeScratch(root);
      process.exit(130);
    }
    stopping = true;
    say(`${signal}: taking no more jobs; a running task stops after its current batch and goes back to the queue (send ${signal} again to stop at once)`);
    threads.interrupt();
    void worker.close();
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => stop(s));
  try {
    // Resolves once the worker is closed (a signal) and its running jobs have settled.
    await worker.run();
  } finally {
    await worker.close();
    await threads.terminate();
    removeScratch(root);
    say('stopped');
  }
}
