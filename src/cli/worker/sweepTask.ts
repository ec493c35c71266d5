/**
 * One task of a run spread over processes, as a worker runs it: the warm-up (point null) or one
 * point of the run whose directory is `runDir`. The command and config are read from
 * <runDir>/state/run.json (written by the coordinator); the command opens the run as it does in
 * one process (data, seed model, points) and runs that share of it, saving the finished phase in
 * the run's state, where the coordinator loads it. The same bits as the point in a one-process run.
 */

import { RunStateDir } from '../../io/search-state.js';
import { resolveConfig } from '../../util/schema.js';
import { SEARCH_COMMAND_SCHEMA, SWEEP_SCALED } from '../commands/search.js';
import { MPS_COMMAND_SCHEMA, MPS_SCALED } from '../commands/mps.js';
import type { ScaledCommand, ScaledConfig, ScaledRun } from './scaled.js';

export interface SweepTask {
  /** The run directory of one seed's run (its state/run.json says what to run). */
  runDir: string;
  /** The point to run, or null for the warm-up alone. */
  point: number | null;
}

/** Where a task's progress goes: epoch and phase lines, and --json event records. */
export interface TaskSink {
  line(text: string): void;
  event(event: 'epoch', fields: object): void;
}

/** The commands whose runs can be spread (looked up when a task runs: the command modules import this one's users). */
function scaledCommand(name: string, where: string): { command: ScaledCommand; config: (values: Record<string, unknown>) => ScaledConfig } {
  if (name === 'sweep') return { command: SWEEP_SCALED as unknown as ScaledCommand, config: (v) => resolveConfig(SEARCH_COMMAND_SCHEMA, [{ values: v, where }]) };
  if (name === 'mps') return { command: MPS_SCALED as unknown as ScaledCommand, config: (v) => resolveConfig(MPS_COMMAND_SCHEMA, [{ values: v, where }]) };
  throw new Error(`${where}: a tsdnas ${name} run; worker processes run the points of tsdnas sweep, mps and joint runs`);
}

/** Opened runs by run directory: a worker loads each seed's data once, not once per point. */
const opened = new Map<string, Promise<ScaledRun>>();

/** Opens the run in `runDir` from its saved command and config, as --resume reads them (in its own directory, no overwrite checks). */
export function openSavedRun(runDir: string): Promise<ScaledRun> {
  const hit = opened.get(runDir);
  if (hit !== undefined) return hit;
  const state = new RunStateDir(runDir);
  const saved = state.readRun();
  const { command, config } = scaledCommand(saved.command, state.runFile);
  const p = command.open(config({ ...saved.config, out: runDir, resume: runDir }));
  opened.set(runDir, p);
  p.catch(() => opened.delete(runDir));
  return p;
}

/** Runs the task; its result is in the run's state directory when the promise resolves. */
export async function runSweepTask(task: SweepTask, sink: TaskSink): Promise<void> {
  const run = await openSavedRun(task.runDir);
  await run.runShare(task.point === null ? [] : [task.point], {
    line: (l) => sink.line(l),
    event: (e, fields) => sink.event(e, { ...fields, point: task.point }),
  });
}
