/**
 * `--jobs N` and `--seeds a,b,c` of `tsdnas sweep`, `mps` and `joint` (any ScaledCommand): one
 * run, or one run per seed, whose warm-ups and points run as tasks on worker processes
 * (src/cli/worker/). The coordinator (this module) prepares each seed's run directory
 * <out>/seed-<s>/ (or <out> alone without --seeds) exactly as a one-process run does, hands out the tasks (a seed's points wait for its warm-up), writes
 * each point's files as it finishes, and then finishes every seed's sweep in this process, where
 * every point is loaded: the fronts, summaries and reports are those of a one-process run, bit
 * for bit. With --seeds, <out>/front.json then gives the mean and spread per point.
 * Resumable like any run: each seed directory keeps its state; a multi-seed run keeps its
 * command in <out>/state/run.json and one lock for all its directories.
 */

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { RunStateDir } from '../../io/search-state.js';
import { interruptRequested, TrainingInterruptedError } from '../../nn/train/interrupt.js';
import { reportAfterRun } from '../../report/index.js';
import { withPreparedRun } from './train.js';
import { clearOldRun, lockFreshRun } from '../runOverwrite.js';
import { emitEvent } from '../events.js';
import { resumeCommand } from '../invocation.js';
import { checkQueue, seedRunDir } from '../scaleOptions.js';
import { ProcessPool, type TaskExecutor } from '../worker/pool.js';
import { QueueDetached, QueueExecutor, reachQueue } from '../worker/queue.js';
import { runPlanned, type PlannedTask } from '../worker/schedule.js';
import { runSweepTask } from '../worker/sweepTask.js';
import { TaskError } from '../worker/taskThread.js';
import { beginRunState, explainStop } from './run-state.js';
import type { ScaledCommand, ScaledConfig, ScaledRun } from '../worker/scaled.js';
import { printSeedsSummary, writeSeedsOutputs } from './seedsOutput.js';

const log = (s: string) => process.stderr.write(s + '\n');

/** One seed's run as the coordinator holds it. */
interface SeedRun {
  seed: number;
  dir: string;
  opened: ScaledRun;
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

async function prepareSeed<C extends ScaledConfig>(command: ScaledCommand<C>, base: C, seed: number, dir: string, multi: boolean): Promise<SeedRun> {
  const seedState = new RunStateDir(dir);
  // In a resumed multi-seed run a seed's directory is finished (front.json, no state), interrupted (state) or not begun.
  const finished = multi && base.resume !== undefined && !seedState.exists() && existsSync(join(dir, 'front.json'));
  const resume = multi ? (base.resume !== undefined && seedState.exists() ? dir : undefined) : base.resume;
  const cfg: C = { ...base, seed, seeds: [], out: dir, resume };
  const opened = await command.open(cfg);
  if (finished) return { seed, dir, opened, release: () => {}, finished };
  // A seed directory belongs to its multi-seed run, whose lock covers it (one lock, one run.log, one stale lock after a kill).
  let release = () => {};
  if (multi) {
    if (cfg.resume === undefined) clearOldRun(dir, command.name, cfg.force);
  } else {
    release = lockFreshRun(dir, command.name, cfg);
  }
  try {
    beginRunState(opened.state, command.name, cfg as unknown as Record<string, unknown>, dir);
  } catch (e) {
    release();
    throw e;
  }
  return { seed, dir, opened, release, finished };
}

/** The tasks still to run: each unfinished seed's warm-up, then its unfinished points. */
function plan(runs: readonly SeedRun[]): PlannedTask[] {
  const warm: PlannedTask[] = [];
  const points: PlannedTask[] = [];
  for (const r of runs) {
    if (r.finished) continue;
    const warmKey = `${r.dir}#warm`;
    if (!r.opened.state.hasWarm()) warm.push({ key: warmKey, task: { runDir: r.dir, point: null }, after: null });
    for (let i = 0; i < r.opened.points; i++) {
      if (!r.opened.state.hasPoint(i)) points.push({ key: `${r.dir}#${i}`, task: { runDir: r.dir, point: i }, after: warmKey });
    }
  }
  // Warm-ups first (every seed's points wait for one); then the points, seed by seed.
  return [...warm, ...points];
}

export async function runScaled<C extends ScaledConfig>(command: ScaledCommand<C>, cfg: C, seeds: readonly number[]): Promise<void> {
  const name = command.name;
  const multi = seeds.length > 0;
  // A bad --queue fails before any data is loaded.
  const queue = checkQueue(cfg);
  if (queue !== null) await reachQueue(queue.address);
  // The run directory: --out, else the one-process run's default for the first seed.
  const top = cfg.out ?? (await withPreparedRun(name, { ...(cfg as unknown as Parameters<typeof withPreparedRun>[1]), seed: multi ? seeds[0] : cfg.seed }, (r) => r.outDir));
  const runs: SeedRun[] = [];
  let topState: RunStateDir | null = null;
  let releaseTop = () => {};
  try {
    if (multi) {
      releaseTop = lockFreshRun(top, name, cfg);
      topState = new RunStateDir(top);
      beginRunState(topState, name, { ...cfg, out: top } as unknown as Record<string, unknown>, top);
    }
    for (const s of multi ? seeds : [cfg.seed]) runs.push(await prepareSeed(command, { ...cfg, out: top }, s, multi ? seedRunDir(top, s) : top, multi));
    const tasks = plan(runs);
    const first = runs[0].opened;
    // On a queue every task may wait at once: the workers, not the coordinator, limit how many run.
    const slots = queue !== null ? Math.max(1, tasks.length) : Math.min(cfg.jobs, Math.max(1, tasks.length));
    log(`tsdnas ${name}: ${first.describe()}${multi ? ` × ${seeds.length} seeds (${seeds.join(', ')})` : ''}; ${tasks.length} task(s) to run on ${queue !== null ? `queue ${queue.name} at ${queue.address.shown} (tsdnas worker --queue)` : cfg.jobs > 1 ? `${slots} worker process(es)` : 'this process'}; backend ${first.run.backend}`);
    if (queue === null && cfg.jobs > availableParallelism()) log(`tsdnas ${name}: --jobs ${cfg.jobs} is more than this machine's ${availableParallelism()} cores; the workers will share them and the run gets no faster`);
    const executor: TaskExecutor = queue !== null ? new QueueExecutor(slots, queue.address, queue.name) : cfg.jobs > 1 ? new ProcessPool(slots) : new InProcessExecutor();
    const bySeed = new Map(runs.map((r) => [r.dir, r]));
    const tag = (t: PlannedTask, worker: string) => {
      const r = bySeed.get(t.task.runDir) as SeedRun;
      return `[${worker}${multi ? ` · seed ${r.seed}` : ''} · ${t.task.point === null ? 'warm-up' : `point ${t.task.point}`}]`;
    };
    executor.prefetch?.(runs.filter((r) => !r.finished).map((r) => r.dir));
    try {
      await runPlanned(tasks, executor, {
        line: (t, worker, text) => log(`${tag(t, worker)} ${text.trimStart()}`),
        event: (t, worker, event, fields) => emitEvent(event, { ...fields, worker, ...(multi ? { seed: bySeed.get(t.task.runDir)?.seed } : {}) }),
        done: (t, worker) => {
          const r = bySeed.get(t.task.runDir) as SeedRun;
          r.opened.state.ledger.saveSeconds();
          log(`${tag(t, worker)} ${t.task.point === null ? 'warm-up done' : 'done'}`);
          if (t.task.point !== null) r.opened.writeDone(t.task.point);
        },
      }, interruptRequested);
    } finally {
      await executor.close();
    }
    // Every point is saved: each seed's run is finished here (all loaded), as a one-process run writes it.
    for (const r of runs) if (!r.finished) await r.opened.finish();
    if (multi) {
      const files = writeSeedsOutputs(top, runs.map((r) => ({ seed: r.seed, dir: r.dir })));
      topState?.finish();
      const report = reportAfterRun(top);
      printSeedsSummary(files.json);
      console.log(`\nfront over ${seeds.length} seeds: ${files.json}, ${files.csv}${report === null ? '' : `; report: ${report}`}`);
    }
  } catch (e) {
    for (const r of runs) if (r.opened.state.exists()) r.opened.state.ledger.saveSeconds();
    if (e instanceof TaskError && e.interrupted) {
      const err = new Error(`interrupted; continue with ${resumeCommand(name, top)} (${e instanceof QueueDetached ? e.message : 'each worker stopped after its current batch; its state is saved'})`);
      (err as Error & { exitCode: number }).exitCode = 130;
      throw err;
    }
    if (topState !== null) explainStop(e, name, topState, top);
    else if (runs.length > 0) explainStop(e, name, runs[0].opened.state, top);
    if (e instanceof TaskError) throw new Error(`tsdnas ${name}: ${e.message}`);
    throw e;
  } finally {
    for (const r of runs) r.release();
    releaseTop();
  }
}
