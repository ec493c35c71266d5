/**
 * `tsdnas worker`: a process that runs the points of sweeps for a coordinator. With `--ipc` (used
 * by `tsdnas sweep --jobs N`, not typed by hand) it takes tasks over the IPC channel of the
 * process that forked it. Tasks run on a task thread (src/cli/worker/taskThread.ts), so this
 * thread stays free for messages and signals: Ctrl-C / SIGTERM stop the running task after its
 * current batch (its state saved), and a coordinator that disappears ends the worker.
 */

import { TaskError, TaskThread } from '../worker/taskThread.js';
import type { FromWorker, ToWorker } from '../worker/ipc.js';
import { UsageError } from '../args.js';

export function workerHelp(): string {
  return `tsdnas worker — run the points of parallel sweeps

usage: tsdnas worker --ipc     (started by tsdnas sweep --jobs N; not for direct use)`;
}

export function runWorker(argv: string[]): Promise<void> {
  if (argv.length === 1 && argv[0] === '--ipc') return ipcWorker();
  throw new UsageError(`tsdnas worker: expected --ipc (the local workers of tsdnas sweep --jobs N); got ${argv.length === 0 ? 'no options' : argv.join(' ')}`);
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
    process.on('message', (m: ToWorker) => {
      if (m.type === 'stop') {
        thread.interrupt();
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
