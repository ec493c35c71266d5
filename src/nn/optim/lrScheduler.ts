/**
 * The learning-rate scheduler base: remembers each group's base lr when created, and on every
 * `step()` (once per epoch) sets each group's lr to a closed-form function of the epoch and that
 * base lr. Closed form (rather than PyTorch's chained multiplicative updates) makes the lr a pure
 * function of the epoch, so resuming from a state dict is exact and composition (warm-up) easy.
 * The flip side: a manual change to a group's lr lasts only until the next `step()`.
 */

import { checkKnownKeys, checkNumber, checkObject, fmtValue } from './validate.js';

/** lr at `epoch` (0 = when the scheduler was created) for a group whose base lr is `baseLr`. */
export type Schedule = (epoch: number, baseLr: number) => number;

/** What a scheduler needs of an optimiser. */
export interface SchedulableOptimizer {
  readonly paramGroups: readonly { lr: number }[];
}

export const SCHEDULER_STATE_FORMAT = 'tsdnas.lr-scheduler/1';

/** Plain JSON. Schedule options (stepSize, gamma, …) come from the constructor, not from here. */
export interface LRSchedulerStateDict {
  format: typeof SCHEDULER_STATE_FORMAT;
  scheduler: string;
  lastEpoch: number;
  baseLrs: number[];
  lastLrs: number[];
}

export abstract class LRScheduler {
  readonly optimizer: SchedulableOptimizer;
  readonly name: string;
  private readonly schedule: Schedule;
  private bases: number[];
  private epoch = 0;
  private lastLrs: number[] = [];

  protected constructor(optimizer: SchedulableOptimizer, name: string, schedule: Schedule) {
    this.optimizer = optimizer;
    this.name = name;
    this.schedule = schedule;
    this.bases = optimizer.paramGroups.map((g) => g.lr);
    this.apply();
  }

  /** Each group's lr when the scheduler was created. */
  get baseLrs(): readonly number[] {
    return this.bases;
  }

  /** Epochs stepped so far (0 right after construction). */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** The schedule itself, for wrappers that compose schedules. */
  lrAt(epoch: number, baseLr: number): number {
    return this.schedule(epoch, baseLr);
  }

  /** Advances one epoch and sets every group's lr. */
  step(): void {
    this.epoch += 1;
    this.apply();
  }

  /** The lrs set by the latest construction, step or load, one per group. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): LRSchedulerStateDict {
    return { format: SCHEDULER_STATE_FORMAT, scheduler: this.name, lastEpoch: this.epoch, baseLrs: [...this.bases], lastLrs: [...this.lastLrs] };
  }

  /** Restores the epoch and base lrs, then sets the groups' lrs for that epoch. */
  loadStateDict(sd: LRSchedulerStateDict): void {
    const owner = `${this.name}.loadStateDict`;
    const o = checkObject(owner, 'the state dict', sd);
    checkKnownKeys(owner, 'the state dict', o, ['format', 'scheduler', 'lastEpoch', 'baseLrs', 'lastLrs']);
    if (o.format !== SCHEDULER_STATE_FORMAT) throw new Error(`${owner}: format must be '${SCHEDULER_STATE_FORMAT}', got ${fmtValue(o.format)}`);
    if (o.scheduler !== this.name) throw new Error(`${owner}: the state dict was saved by scheduler ${fmtValue(o.scheduler)}, it cannot be loaded into ${this.name}`);
    const epoch = checkNumber(owner, 'lastEpoch', o.lastEpoch, { min: 0, integer: true });
    const n = this.optimizer.paramGroups.length;
    if (!Array.isArray(o.baseLrs) || o.baseLrs.length !== n) {
      throw new Error(`${owner}: baseLrs must be an array of ${n} lrs (one per param group), got ${fmtValue(o.baseLrs)}`);
    }
    const bases = o.baseLrs.map((v: unknown, i) => checkNumber(owner, `baseLrs[${i}]`, v, { min: 0 }));
    this.epoch = epoch;
    this.bases = bases;
    this.apply();
  }

  private apply(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.bases.length) {
      throw new Error(`${this.name}: the optimizer now has ${groups.length} param groups but the scheduler was created with ${this.bases.length}; create the scheduler after adding groups`);
    }
    this.lastLrs = this.bases.map((base, i) => (groups[i].lr = this.schedule(this.epoch, base)));
  }
}
