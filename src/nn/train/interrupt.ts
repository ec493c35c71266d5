/**
 * Cooperative interruption of training: loops ask `throwIfInterrupted` between batches, and a
 * host that can be interrupted (the CLI's Ctrl-C handling, src/cli/interrupt.ts) installs the
 * check. The loop stops after the batch in progress, before anything of the unfinished epoch is
 * saved, so the state written after the last finished epoch stays the one to resume from.
 */

export class TrainingInterruptedError extends Error {
  /** The shell's code for a process ended by SIGINT (128 + 2). */
  readonly exitCode = 130;
  constructor(readonly step: { epoch: number; batch: number; batches: number }) {
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

export function throwIfInterrupted(step: { epoch: number; batch: number; batches: number }): void {
  if (requested()) throw new TrainingInterruptedError(step);
}
