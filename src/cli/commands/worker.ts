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
  const post = (m: FromWorker) => send(m);
  const thread = new TaskThread();
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => thread.interrupt());
  return new Promise((resolve) => {
    // The coordinator is gone (ended, or killed): nothing will collect further results.
    process.on('disconnect', () => {
      void thread.terminate().then(() => resolve());
    });
    process.on('message', (m: ToWorker) => {
      if (m.type === 'stop') {
        thread.interrupt();
        return;
      }
      const id = m.id;
      thread.run(m.task, {
        line: (line) => post({ type: 'line', id, line }),
        event: (event, fields) => post({ type: 'event', id, event, fields }),
      }).then(
        () => post({ type: 'done', id }),
        (e: unknown) => post({ type: 'failed', id, error: (e as Error).message, interrupted: e instanceof TaskError && e.interrupted }),
      );
    });
  });
}
