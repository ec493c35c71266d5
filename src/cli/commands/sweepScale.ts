/**
 * `tsdnas sweep --jobs N` and `--seeds a,b,c`: one sweep, or one sweep per seed, whose warm-ups
 * and points run as tasks on worker processes (src/cli/worker/). The coordinator (this module)
 * prepares each seed's run directory <out>/seed-<s>/ (or <out> alone without --seeds) exactly as
 * a one-process sweep does, hands out the tasks (a seed's points wait for its warm-up), writes
 * each point's files as it finishes, and then finishes every seed's sweep in this process, where
 * every point is loaded: the fronts, summaries and reports are those of a one-process run, bit
 * for bit. With --seeds, <out>/front.json then gives the mean and spread per point.
 * Resumable like a sweep: each seed directory keeps its state; a multi-seed run keeps its
 * command in <out>/state/run.json.
 */

import { existsSync } from 'node:fs';
import { SweepStateDir, RunStateDir } from '../../io/search-state.js';
import { interruptRequested, TrainingInterruptedError } from '../../nn/train/interrupt.js';
import { reportAfterRun } from '../../report/index.js';
import { withPreparedRun, type PreparedRun } from './train.js';
import { withThreads } from '../threads.js';
import { clearOldRun, lockFreshRun } from '../runOverwrite.js';
import { emitEvent } from '../events.js';
import { resumeCommand } from '../invocation.js';
import { checkQueue, seedRunDir } from '../scaleOptions.js';
import { ProcessPool, type TaskExecutor } from '../worker/pool.js';
import { QueueDetached, QueueExecutor } from '../worker/queue.js';
import { runPlanned, type PlannedTask } from '../worker/schedule.js';
import { runSweepTask } from '../worker/sweepTask.js';
import { TaskError } from '../worker/taskThread.js';
import { beginRunState, explainStop, pointWriter, searchLocked, sweepSetup, type SearchCommandConfig, type SweepSetup } from './search.js';
import { printSeedsSummary, writeSeedsOutputs } from './seedsOutput.js';

const log = (s: string) => process.stderr.write(s + '\n');

/** One seed's sweep as the coordinator holds it. */
interface SeedRun {
  seed: number;
  dir: string;
  cfg: SearchCommandConfig;
  run: PreparedRun;
  setup: SweepSetup;
  state: SweepStateDir;
  release: () => void;
  /** Finished before this segment (a resumed multi-seed run): nothing to do. */
  finished: boolean;
}

/** Runs the tasks in this thread, one at a time (--jobs 1 with --seeds). */
class InProcessExecutor implements TaskExecutor {
  readonly slots = 1;
  async run(task: Parameters<TaskExecutor['run']>[0], sink: Parameters<TaskExecutor['run']>[1]): Promise<void> {
    sink.worker('this process');
    try {
      await runSweepTask(task, sink);
    } catch (e) {
      if (e instanceof TrainingInterruptedError) throw new TaskError(e.message, true);
      throw e;
    }
  }
  stop(): void {
    // Ctrl-C already reaches this thread's training loop through the CLI's interrupt flag.
  }
  async close(): Promise<void> {}
}

async function prepareSeed(base: SearchCommandConfig, seed: number, dir: string, multi: boolean): Promise<SeedRun> {
  const seedState = new SweepStateDir(dir);
  // In a resumed multi-seed run a seed's directory is finished (front.json, no state), interrupted (state) or not begun.
  const finished = multi && base.resume !== undefined && !seedState.exists() && existsSync(`${dir}/front.json`);
  const resume = multi ? (base.resume !== undefined && seedState.exists() ? dir : undefined) : base.resume;
  const cfg: SearchCommandConfig = { ...base, seed, seeds: [], out: dir, resume };
  const run = await withPreparedRun('sweep', { ...cfg }, (r) => r);
  const setup = sweepSetup('sweep', cfg, true, run);
  if (finished) return { seed, dir, cfg, run, setup, state: seedState, release: () => {}, finished };
  // A seed directory belongs to its multi-seed run, whose lock covers it (one lock, one run.log, one stale lock after a kill).
  let release = () => {};
  if (multi) {
    if (cfg.resume === undefined) clearOldRun(dir, 'sweep', cfg.force);
  } else {
    release = lockFreshRun(dir, 'sweep', cfg);
  }
  try {
    beginRunState(seedState, 'sweep', { ...cfg, seeds: [] }, dir);
  } catch (e) {
    release();
    throw e;
  }
  return { seed, dir, cfg, run, setup, state: seedState, release, finished };
}

/** The tasks still to run: each unfinished seed's warm-up, then its unfinished points. */
function plan(runs: readonly SeedRun[]): PlannedTask[] {
  const warm: PlannedTask[] = [];
  const points: PlannedTask[] = [];
  for (const r of runs) {
    if (r.finished) continue;
    const warmKey = `${r.dir}#warm`;
    if (!r.state.hasWarm()) warm.push({ key: warmKey, task: { runDir: r.dir, point: null }, after: null });
    r.setup.plan.strengths.forEach((_, i) => {
      if (!r.state.hasPoint(i)) points.push({ key: `${r.dir}#${i}`, task: { runDir: r.dir, point: i }, after: warmKey });
    });
  }
  // Warm-ups first (every seed's points wait for one); then the points, seed by seed.
  return [...warm, ...points];
}

export async function runScaledSweep(cfg: SearchCommandConfig, seeds: readonly number[]): Promise<void> {
  const multi = seeds.length > 0;
  // A bad --queue fails before any data is loaded.
  const queue = checkQueue(cfg);
  // The run directory: --out, else the one-process sweep's default for the first seed.
  const top = cfg.out ?? (await withPreparedRun('sweep', { ...cfg, seed: multi ? seeds[0] : cfg.seed }, (r) => r.outDir));
  const runs: SeedRun[] = [];
  let topState: RunStateDir | null = null;
  let releaseTop = () => {};
  try {
    if (multi) {
      releaseTop = lockFreshRun(top, 'sweep', cfg);
      topState = new RunStateDir(top);
      beginRunState(topState, 'sweep', { ...cfg, out: top }, top);
    }
    for (const s of multi ? seeds : [cfg.seed]) runs.push(await prepareSeed({ ...cfg, out: top }, s, multi ? seedRunDir(top, s) : top, multi));
    const tasks = plan(runs);
    const first = runs[0];
    // On a queue every task may wait at once: the workers, not the coordinator, limit how many run.
    const slots = queue !== null ? Math.max(1, tasks.length) : Math.min(cfg.jobs, Math.max(1, tasks.length));
    log(`tsdnas sweep: ${first.run.splits.info.name} with ${first.run.modelName}, ${first.setup.plan.strengths.length} points${multi ? ` × ${seeds.length} seeds (${seeds.join(', ')})` : ''}; ${tasks.length} task(s) to run on ${queue !== null ? `queue ${queue.name} at ${queue.address.shown} (tsdnas worker --queue)` : cfg.jobs > 1 ? `${slots} worker process(es)` : 'this process'}; backend ${first.run.backend}`);
    const executor: TaskExecutor = queue !== null ? new QueueExecutor(slots, queue.address, queue.name) : cfg.jobs > 1 ? new ProcessPool(slots) : new InProcessExecutor();
    const bySeed = new Map(runs.map((r) => [r.dir, r]));
    const tag = (t: PlannedTask, worker: string) => {
      const r = bySeed.get(t.task.runDir) as SeedRun;
      return `[${worker}${multi ? ` · seed ${r.seed}` : ''} · ${t.task.point === null ? 'warm-up' : `point ${t.task.point}`}]`;
    };
    try {
      await runPlanned(tasks, executor, {
        line: (t, worker, text) => log(`${tag(t, worker)} ${text.trimStart()}`),
        event: (t, worker, event, fields) => emitEvent(event, { ...fields, worker, ...(multi ? { seed: bySeed.get(t.task.runDir)?.seed } : {}) }),
        done: (t, worker) => {
          const r = bySeed.get(t.task.runDir) as SeedRun;
          r.state.ledger.saveSeconds();
          if (t.task.point === null) {
            log(`${tag(t, worker)} warm-up done`);
            return;
          }
          const saved = r.state.loadPoint(t.task.point);
          if (saved === null) throw new Error(`${r.state.dir}: point ${t.task.point} finished on ${worker} but its result is not there`);
          log(`${tag(t, worker)} done`);
          pointWriter(r.cfg, r.run, r.setup, r.state)(saved.value, t.task.point);
        },
      }, interruptRequested);
    } finally {
      await executor.close();
    }
    // Every point is saved: each seed's sweep is finished here (all loaded), as a one-process run writes it.
    for (const r of runs) {
      if (r.finished) continue;
      await withThreads(r.run, () => searchLocked('sweep', r.cfg, true, r.run, r.setup, r.state, 'workers'));
    }
    if (multi) {
      const files = writeSeedsOutputs(top, runs.map((r) => ({ seed: r.seed, dir: r.dir })));
      topState?.finish();
      const report = reportAfterRun(top);
      printSeedsSummary(files.json);
      console.log(`\nfront over ${seeds.length} seeds: ${files.json}, ${files.csv}${report === null ? '' : `; report: ${report}`}`);
    }
  } catch (e) {
    for (const r of runs) if (r.state.exists()) r.state.ledger.saveSeconds();
    if (e instanceof TaskError && e.interrupted) {
      const err = new Error(`interrupted; continue with ${resumeCommand('sweep', top)} (${e instanceof QueueDetached ? e.message : 'each worker stopped after its current batch; its state is saved'})`);
      (err as Error & { exitCode: number }).exitCode = 130;
      throw err;
    }
    if (topState !== null) explainStop(e, 'sweep', topState, top);
    else if (runs.length > 0) explainStop(e, 'sweep', runs[0].state, top);
    if (e instanceof TaskError) throw new Error(`tsdnas sweep: ${e.message}`);
    throw e;
  } finally {
    for (const r of runs) r.release();
    releaseTop();
  }
}
