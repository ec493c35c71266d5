/**
 * `tsdnas worker`: a process that runs the points of sweeps for a coordinator. With `--queue
 * redis://…` it takes the jobs `tsdnas sweep --queue` puts on a BullMQ queue, on any machine
 * that reaches that Redis (src/cli/worker/queueWorker.ts). With `--ipc` (used by `tsdnas sweep
 * --jobs N`, not typed by hand) it takes tasks over the IPC channel of the process that forked
 * it. Tasks run on a task thread (src/cli/worker/taskThread.ts), so this thread stays free for
 * messages, lock renewals and signals: Ctrl-C / SIGTERM stop the running task after its current
 * batch (its state saved, or its job handed back to the queue), and a coordinator that
 * disappears ends an --ipc worker.
 */

import { statSync } from 'node:fs';
import { TaskError, TaskThread } from '../worker/taskThread.js';
import type { FromWorker, ToWorker } from '../worker/ipc.js';
import { checkQueueName, DEFAULT_QUEUE_NAME, parseQueueUrl } from '../worker/queueUrl.js';
import { runQueueWorker } from '../worker/queueWorker.js';
import { parseCommand, UsageError } from '../args.js';
import { describeSchema, type Schema } from '../../util/schema.js';

const WORKER_SCHEMA = {
  queue: { type: 'optional-string', help: 'redis://host:port[/db] (rediss:// for TLS) of the Redis server that tsdnas sweep --queue puts its jobs on: run them here' },
  queueName: { type: 'string', default: DEFAULT_QUEUE_NAME, help: "the queue's name: the coordinator's --queue-name" },
  concurrency: { type: 'number', default: 1, min: 1, max: 64, integer: true, help: 'jobs at once, each on its own thread (at most one per free core; a run with --threads uses more)' },
  dataDir: { type: 'optional-string', help: "this machine's data directory for named datasets (else the run's --data-dir, $TSDNAS_DATA_DIR, ../shared/data); a run's own data, model and target files must be at the same path on every machine (a shared directory)" },
  stalledSeconds: { type: 'number', default: 30, min: 1, max: 3600, integer: true, help: "a job whose worker stops answering (killed, machine down, network cut) goes back to the queue after about this many seconds (up to three times that), for another worker; this worker renews its jobs' locks every half of it" },
} as const satisfies Schema;

export function workerHelp(): string {
  return `tsdnas worker — run the points of sweeps for a coordinator

usage: tsdnas worker --queue redis://host:port[/db] [--queue-name n] [--concurrency 1] [--data-dir d] [--stalled-seconds 30]
         runs the jobs of 'tsdnas sweep --queue redis://host:port' on this machine (any machine that
         reaches that Redis; the same tsdnas version everywhere); Ctrl-C / SIGTERM hand a running job back
       tsdnas worker --ipc     (started by tsdnas sweep --jobs N; not for direct use)

${describeSchema(WORKER_SCHEMA)}

See docs/scale.md.`;
}

export function runWorker(argv: string[]): Promise<void> {
  if (argv.length === 1 && argv[0] === '--ipc') return ipcWorker();
  if (argv.includes('--ipc')) throw new UsageError('tsdnas worker: --ipc takes no other option (tsdnas sweep --jobs N starts it); a queue worker takes --queue redis://host:port, without --ipc');
  const { config: cfg, positionals } = parseCommand('worker', WORKER_SCHEMA, argv);
  if (positionals.length > 0) throw new UsageError(`tsdnas worker: unexpected argument '${positionals[0]}'; options are given as --name value`);
  if (cfg.queue === undefined) throw new UsageError(`tsdnas worker: give --queue redis://host:port (the Redis of tsdnas sweep --queue); see 'tsdnas worker --help'`);
  // Checked now, not when the first job fails on it.
  if (cfg.dataDir !== undefined && !statSync(cfg.dataDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`--data-dir ${cfg.dataDir}: not a directory on this machine; give the folder that holds the datasets here (docs/datasets.md)`);
  }
  return runQueueWorker({
    address: parseQueueUrl(cfg.queue), name: checkQueueName(cfg.queueName), concurrency: cfg.concurrency,
    ...(cfg.dataDir !== undefined ? { dataDir: cfg.dataDir } : {}), stalledSeconds: cfg.stalledSeconds,
  });
}

function ipcWorker(): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) throw new UsageError('tsdnas worker --ipc: no IPC channel; this mode is started by tsdnas sweep --jobs N');
  const post = (m: FromWorker) => {
    if (process.connected) send(m);
  };
  const thread = new TaskThread();
  let running = 0;
  let stopping = false;
  // Ends the process even if the task thread does not stop (e.g. blocked in a long kernel call):
  // a coordinator that is gone collects nothing more, and every saved state is written atomically.
  const end = (code: number) => {
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
    void thread.terminate().then(() => process.exit(code));
  };
  // A signal stops the running task after its batch (its state saved), then the worker; an idle worker ends at once.
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(s, () => {
      stopping = true;
      thread.interrupt();
      if (running === 0) end(0);
    });
  }
  return new Promise(() => {
    process.on('disconnect', () => {
      thread.interrupt();
      end(0);
    });
    // A coordinator killed while this process was still starting closed the channel before the
    // handler above existed: no 'disconnect' will come, so look now.
    if (!process.connected) end(0);
    process.on('message', (m: ToWorker) => {
      if (m.type === 'stop') {
        thread.interrupt();
        return;
      }
      if (m.type === 'open') {
        thread.open(m.runDir);
        return;
      }
      const id = m.id;
      running++;
      thread.run(m.task, {
        line: (line) => post({ type: 'line', id, line }),
        event: (event, fields) => post({ type: 'event', id, event, fields }),
      }).then(
        () => post({ type: 'done', id }),
        (e: unknown) => post({ type: 'failed', id, error: (e as Error).message, interrupted: e instanceof TaskError && e.interrupted }),
      ).finally(() => {
        running--;
        if (stopping && running === 0) end(0);
      });
    });
  });
}

const EXIT_GRACE_MS = 2000;
