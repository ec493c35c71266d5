/**
 * The task thread of a tsdnas worker process: runs sweep tasks one at a time (sweepTask.ts) off
 * the process's main thread, so that the main thread stays free to answer its coordinator (or
 * renew a queue job's lock) and to turn Ctrl-C into a stop at the next batch. Messages: in
 * `{ id, task }`; out `{ id, line }`, `{ id, event, fields }`, `{ id, done: true }` and
 * `{ id, error, interrupted }`.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { setInterruptCheck, TrainingInterruptedError } from '../../nn/train/interrupt.js';
import { openSavedRun, runSweepTask, type SweepTask } from './sweepTask.js';

export interface ThreadData { tsdnasTaskInterrupt: Int32Array }

const port = parentPort;
const data = workerData as ThreadData | undefined;
if (port !== null && data?.tsdnasTaskInterrupt !== undefined) {
  const flag = data.tsdnasTaskInterrupt;
  setInterruptCheck(() => Atomics.load(flag, 0) !== 0);
  // Tasks run one after another: a message arriving while one runs waits in this chain.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (m: { id: number; task: SweepTask } | { open: string }) => {
    if ('open' in m) {
      // Only ahead of time: a failure here is reported by the run's first task, which opens it again.
      chain = chain.then(() => openSavedRun(m.open).then(() => {}, () => {}));
      return;
    }
    chain = chain.then(async () => {
      try {
        await runSweepTask(m.task, {
          line: (line) => port.postMessage({ id: m.id, line }),
          event: (event, fields) => port.postMessage({ id: m.id, event, fields: JSON.parse(JSON.stringify(fields)) as object }),
        });
        port.postMessage({ id: m.id, done: true });
      } catch (e) {
        port.postMessage({ id: m.id, error: (e as Error).message, interrupted: e instanceof TrainingInterruptedError });
      }
    });
  });
}
