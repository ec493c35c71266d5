/**
 * The messages between a parallel sweep's coordinator and its local worker processes (`tsdnas
 * worker --ipc`, forked with an IPC channel). Plain JSON-able objects.
 */

import type { SweepTask } from './sweepTask.js';

export type ToWorker =
  | { type: 'task'; id: number; task: SweepTask }
  /** Stop the running task after its current batch (Ctrl-C at the coordinator). */
  | { type: 'stop' }
  /** Open this run now (data, seed model), before its first task comes: it overlaps the warm-up. */
  | { type: 'open'; runDir: string };

export type FromWorker =
  | { type: 'line'; id: number; line: string }
  | { type: 'event'; id: number; event: 'epoch'; fields: object }
  | { type: 'done'; id: number }
  | { type: 'failed'; id: number; error: string; interrupted: boolean };
