/**
 * What a command must offer to run its points as tasks (`--jobs`, `--seeds`, `--queue`): opening
 * one seed's run directory (data, model, points, state), the worker's share of it, writing a
 * point's files when a worker finished it, and the final in-process pass. `tsdnas sweep`
 * (search.ts) and `tsdnas mps` / `tsdnas joint` (mps.ts) implement it.
 */

import type { RunStateDir } from '../../io/search-state.js';
import type { PreparedRun } from '../commands/train.js';
import type { TaskSink } from './sweepTask.js';

/** The options every scaled command has (besides its own). */
export interface ScaledConfig {
  seed: number;
  seeds: number[];
  jobs: number;
  out?: string;
  resume?: string;
  force: boolean;
  /** --queue redis://… and its queue name (src/cli/worker/queue.ts). */
  queue?: string;
  queueName: string;
}

export interface ScaledRun {
  run: PreparedRun;
  /** How many points the run has (tasks 0 … points − 1). */
  points: number;
  state: RunStateDir & { hasWarm(): boolean; hasPoint(i: number): boolean };
  /** One line on the run: data, model, what the points are (the coordinator prints it). */
  describe(): string;
  /** The worker's share: the warm-up (loaded when done), then only these points, saved in the state. */
  runShare(only: readonly number[], sink: TaskSink): void | Promise<void>;
  /** A worker finished point `i` (saved in the state): write its files and print its line. */
  writeDone(i: number): void;
  /** Every point is saved: finish the run in this process (all loaded), its front, report and table. */
  finish(): void | Promise<void>;
}

export interface ScaledCommand<C extends ScaledConfig = ScaledConfig> {
  /** The command name as saved in state/run.json ('sweep', 'mps'). */
  name: string;
  /** Opens one seed's run directory: cfg.out is the directory, cfg.resume set when it resumes. */
  open(cfg: C): Promise<ScaledRun>;
}
