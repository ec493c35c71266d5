/**
 * One task of a parallel sweep, as a worker runs it: the warm-up (point null) or one point of the
 * sweep whose run directory is `runDir`. The run's config is read from <runDir>/state/run.json
 * (written by the coordinator), the data and seed model are prepared as the command prepares them,
 * and the search layer runs that share of the sweep (runSweepShare), saving the finished phase
 * in the run's state where the coordinator loads it. The same bits as the point in a one-process run.
 */

import { RunStateDir, SweepStateDir } from '../../io/search-state.js';
import { runSweepShare } from '../../search/run.js';
import { resolveConfig } from '../../util/schema.js';
import { SEARCH_COMMAND_SCHEMA, sweepLogHooks, sweepSetup, type SearchCommandConfig, type SweepSetup } from '../commands/search.js';
import { withPreparedRun, type PreparedRun } from '../commands/train.js';
import { withThreads } from '../threads.js';

export interface SweepTask {
  /** The run directory of one seed's sweep (its state/run.json says what to run). */
  runDir: string;
  /** The point to run, or null for the warm-up alone. */
  point: number | null;
}

/** Where a task's progress goes: epoch and phase lines, and --json event records. */
export interface TaskSink {
  line(text: string): void;
  event(event: 'epoch', fields: object): void;
}

interface Prepared { run: PreparedRun; setup: SweepSetup; cfg: SearchCommandConfig }

/** Prepared runs by run directory: a worker loads each seed's data once, not once per point. */
const prepared = new Map<string, Prepared>();

function prepare(runDir: string): Prepared | Promise<Prepared> {
  const hit = prepared.get(runDir);
  if (hit !== undefined) return hit;
  const state = new RunStateDir(runDir);
  const saved = state.readRun();
  if (saved.command !== 'sweep' && saved.command !== 'search') {
    throw new Error(`${state.runFile}: a tsdnas ${saved.command} run; worker processes run the points of tsdnas sweep / search runs`);
  }
  const sweep = saved.command === 'sweep';
  // As --resume reads it: the saved config, in the run's own directory (no overwrite checks).
  const cfg = resolveConfig(SEARCH_COMMAND_SCHEMA, [{ values: { ...saved.config, out: runDir, resume: runDir }, where: state.runFile }]);
  return withPreparedRun(saved.command, { ...cfg }, (run) => {
    const p = { run, setup: sweepSetup(saved.command, cfg, sweep, run), cfg };
    prepared.set(runDir, p);
    return p;
  });
}

/** Runs the task; its result is in the run's state directory when the promise resolves. */
export async function runSweepTask(task: SweepTask, sink: TaskSink): Promise<void> {
  const { run, setup } = await prepare(task.runDir);
  const state = new SweepStateDir(task.runDir);
  const hooks = sweepLogHooks(setup, run.splits, (l) => sink.line(l), () => {});
  await withThreads(run, () => runSweepShare(run.model, run.splits, setup.runCfg, setup.plan.strengths, setup.convert, task.point === null ? [] : [task.point], state, {
    ...hooks,
    onEpoch: (r) => { hooks.onEpoch?.(r); sink.event('epoch', { phase: 'search', point: task.point, ...r }); },
    onFitEpoch: (phase, r, point) => { hooks.onFitEpoch?.(phase, r, point); sink.event('epoch', { phase, point, ...r }); },
  }));
}
