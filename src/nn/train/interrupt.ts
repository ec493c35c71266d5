/**
 * Cooperative interruption of training: `trainEpoch` asks `interruptRequested` after every batch,
 * and a host that can be interrupted (the CLI's Ctrl-C handling, src/cli/interrupt.ts) installs
 * the check. The epoch stops after the batch in progress and throws where it stopped (a
 * PartialEpoch); the loops save that as their state, and `trainEpoch` given it back finishes the
 * epoch exactly as the uninterrupted epoch would have.
 */

import type { RngState } from '../../tensor/rng.js';

/** Where an epoch stopped: enough to finish it exactly as the uninterrupted epoch would have. */
export interface PartialEpoch {
  /** Batches done. */
  batch: number;
  /** The loop's Rng at the start of the epoch (it draws the epoch's order) and after the last batch done. */
  rngStart: RngState;
  rng: RngState;
  /** The global Rng (dropout) after the last batch done. */
  globalRng: RngState;
  lossSum: number;
  /** Sum of the extra (regulariser) term over the finished batches; absent in states saved before it was kept. */
  extraSum?: number;
  samples: number;
  /** Predictions and targets of the batches done (the epoch's metric). */
  preds: number[];
  targets: number[];
}

export class TrainingInterruptedError extends Error {
  /** The shell's code for a process ended by SIGINT (128 + 2). */
  readonly exitCode = 130;
  constructor(readonly step: { epoch: number; batch: number; batches: number }, readonly partial: PartialEpoch | null = null) {
    super(`interrupted after batch ${step.batch}/${step.batches}${step.epoch > 0 ? ` of epoch ${step.epoch}` : ''}`);
    this.name = 'TrainingInterruptedError';
  }
}

let requested: () => boolean = () => false;

/** Install the check (e.g. a flag another thread sets on Ctrl-C); returns a function restoring the previous one. */
export function setInterruptCheck(check: () => boolean): () => void {
  const previous = requested;
  requested = check;
  return () => { requested = previous; };
}

export function interruptRequested(): boolean {
  return requested();
}
