/**
 * `tsdnas search` (one regulariser strength) and `tsdnas sweep` (a list of strengths, one
 * shared warm-up): the PIT protocol from the command line. Each finished point is written at
 * once (exported model + summary), and the sweep ends with the Pareto front as JSON and CSV.
 */

import { join } from 'node:path';
import { writeJsonAtomic, writeFileAtomic } from '../../io/atomic.js';
import { saveModelCheckpoint, CHECKPOINT_FORMAT } from '../../io/checkpoint.js';
import { fitScaler } from '../../nn/train/task.js';
import { splitSizes, type SplitSizes } from '../../data/sizes.js';
import { describeArchitecture } from '../../nn/serialize.js';
import { architectureRows, formatArchitecture } from '../../nn/summary.js';
import { SEARCH_SCHEMA, type SearchConfig } from '../../search/config.js';
import { runSweep, runSweepShare, seedCostOf, sweepPlan, type SweepHooks, type PointResult, type SweepResult, type Converter, type SweepPlan } from '../../search/run.js';
import { toCsv } from '../../search/pareto.js';
import { describeSchema, resolveConfig, type ConfigOf, type Schema } from '../../util/schema.js';
import { lockFreshRun } from '../runOverwrite.js';
import { STATE_DIR, SweepStateDir } from '../../io/search-state.js';
import { beginRunState, explainStop, savedRunConfig } from './run-state.js';

import { ProgressBar } from '../progress.js';
import { getRng } from '../../tensor/rng.js';
import { SCALE_SCHEMA, RESUME_SCALE_FLAGS, checkSeeds, isScaled, withScaleOverrides } from '../scaleOptions.js';
import { runScaled } from './sweepScale.js';
import type { ScaledCommand } from '../worker/scaled.js';
import { withEvents } from '../events.js';
import { parseCommand, UsageError } from '../args.js';
import { RUN_SCHEMA, withPreparedRun, fmtMetric, type PreparedRun } from './train.js';
import type { DatasetSplits } from '../../data/types.js';
import { backendLabel, withThreads } from '../threads.js';
import { pitConverter } from '../../nas/pit/convert.js';
import { formatBytes } from '../../search/constraints.js';
import { atSeedAccuracy, budgetChecks, budgetLine, hardwareColumns, hardwareFronts, hardwareLine, setupHardware, type HardwareSetup } from './searchHardware.js';
import { reportAfterRun } from '../../report/index.js';

export const SEARCH_COMMAND_SCHEMA = {
  ...RUN_SCHEMA, ...SEARCH_SCHEMA, ...SCALE_SCHEMA,
  resume: { type: 'optional-string', help: `continue an interrupted run from <run-dir>/${STATE_DIR}/ (written after every epoch and every finished point) with its saved config` },
} as const satisfies Schema;
export type SearchCommandConfig = ConfigOf<typeof SEARCH_COMMAND_SCHEMA>;

export function searchHelp(sweep: boolean): string {
  const what = sweep
    ? 'tsdnas sweep — PIT search for each budget of --budgets (default 50%,20%,5%,1% of the seed\'s --cost), or each λ of --lambdas (μ of --mus with --regularizer multi-complexity); one shared warm-up, Pareto front'
    : 'tsdnas search — PIT search at one strength (--lambda) or one budget (--budgets 20%), then export and fine-tune';
  return `${what}

usage: tsdnas ${sweep ? 'sweep' : 'search'} --dataset <name> [--model <seed>] [options] [--config file.json]

${describeSchema(SEARCH_COMMAND_SCHEMA)}`;
}

const log = (s: string) => process.stderr.write(s + '\n');

function pointRow(p: PointResult, metric: 'accuracy' | 'mae', index: number, hw: HardwareSetup | null) {
  const hwCols = hw === null ? {} : { ...hardwareColumns(p.costs), budgets_ok: budgetChecks(hw, p.costs).every((c) => c.ok) };
  return { point: index, strength: p.strength, params: p.params, macs: p.macs, ...hwCols, [`val_${metric}`]: p.valMetric, [`test_${metric}`]: p.testMetric, seconds: Math.round(p.seconds) };
}

function writePoint(outDir: string, p: PointResult, index: number, run: PreparedRun, cfg: SearchConfig): void {
  const dir = join(outDir, `point-${index}`);
  saveModelCheckpoint(join(dir, 'model.safetensors'), p.model, {
    format: CHECKPOINT_FORMAT, model: `${run.modelName} (searched)`, architecture: describeArchitecture(p.model),
    inputShape: run.splits.info.sampleShape, outputs: run.outputs, dataset: run.splits.info.name, task: run.splits.info.task,
    // The target scaling the search trained with (fit's), so a regression point predicts in target units.
    scaler: run.splits.info.task === 'regression' ? fitScaler(run.splits.train.y) : null,
    ...(run.splits.info.preprocessing !== undefined ? { preprocessing: run.splits.info.preprocessing } : {}),
  });
  const { model: _m, ...rest } = p;
  const layers = architectureRows(p.model);
  writeJsonAtomic(join(dir, 'summary.json'), { ...rest, seed: cfg.seed, layers, architecture: describeArchitecture(p.model) });
  writeFileAtomic(join(dir, 'architecture.txt'), formatArchitecture(layers) + '\n');
}

export function writeSweep(outDir: string, r: SweepResult, metric: 'accuracy' | 'mae', cfg: SearchConfig, seconds: number, hw: HardwareSetup | null = null, plan?: SweepPlan, splits?: SplitSizes): { json: string; csv: string } {
  const hf = hw === null ? null : hardwareFronts(r.points, metric);
  const rows = r.points.map((p, i) => ({
    ...pointRow(p, metric, i, hw),
    ...(p.budget === undefined ? {} : { budget: plan?.budgets?.[i]?.text ?? p.budget.target, budget_target: p.budget.target, budget_met: p.budget.met, budget_projected: p.budget.projected, budget_filled: p.budget.filled === true }),
    [`export_test_${metric}`]: p.exportTestMetric ?? null,
    search_seconds: p.phaseSeconds === undefined ? null : Math.round(p.phaseSeconds.search),
    finetune_seconds: p.phaseSeconds === undefined ? null : Math.round(p.phaseSeconds.finetune),
    front_params: r.frontParams.includes(i),
    front_macs: r.frontMacs.includes(i),
    ...(hf === null ? {} : { front_latency: hf.frontLatency.includes(i), front_energy: hf.frontEnergy.includes(i) }),
  }));
  const seedHw = hw === null ? {} : { ...hardwareColumns(r.seed.costs), budgets_ok: budgetChecks(hw, r.seed.costs).every((c) => c.ok) };
  const seedRow = { point: 'seed', strength: '', params: r.seed.params, macs: r.seed.macs, ...seedHw, [`val_${metric}`]: r.seed.valMetric, [`test_${metric}`]: r.seed.testMetric, seconds: Math.round(r.seed.seconds), front_params: '', front_macs: '' };
  const json = join(outDir, 'front.json');
  const csv = join(outDir, 'front.csv');
  const { warmupHistory, ...seedSummary } = r.seed;
  const hardware = hw === null ? {} : {
    target: { name: hw.target.name, description: hw.target.description, clockHz: hw.target.clockHz, powerW: hw.target.powerW, nativeBits: hw.target.nativeBits },
    budgets: hw.budgets.map((b) => ({ cost: b.cost, bytes: b.target, option: `${b.option} ${b.text}` })),
    frontLatency: hf?.frontLatency, frontEnergy: hf?.frontEnergy,
    atSeedAccuracy: atSeedAccuracy(r.seed, r.points, metric),
  };
  const budgets = plan?.budgets === undefined ? {} : { budgets: plan.budgets.map((b, i) => ({ text: b.text, share: b.share, target: plan.strengths[i] })) };
  writeJsonAtomic(json, { metric, config: cfg, sweepSeconds: seconds, ...(splits === undefined ? {} : { splits }), ...budgets, seed: { ...seedSummary, warmupHistory }, points: rows, frontParams: r.frontParams, frontMacs: r.frontMacs, ...hardware });
  writeFileAtomic(csv, toCsv([seedRow, ...rows]));
  return { json, csv };
}

/** The sweep's front on the target: latency (ms), energy (mJ), memory and budget checks per point. */
function printHardwareFront(hw: HardwareSetup, r: SweepResult, metric: 'accuracy' | 'mae', splitsUnit?: string): void {
  const hf = hardwareFronts(r.points, metric);
  const t = hw.target;
  console.log(`\non ${t.name} (${t.clockHz / 1e6} MHz, ${(t.powerW * 1e3).toPrecision(4)} mW):`);
  console.log('point  latency ms   energy mJ    flash       RAM         test       budgets  front(latency/energy)');
  const row = (name: string, c: Record<string, number>, test: number, front: string) => {
    const h = hardwareColumns(c);
    const checks = budgetChecks(hw, c);
    const ok = checks.length === 0 ? '-' : checks.every((x) => x.ok) ? 'ok' : 'VIOLATED';
    console.log(`${name.padEnd(6)} ${String(h.latency_ms).padEnd(12)} ${String(h.energy_mJ).padEnd(12)} ${formatBytes(h.flash_B).padEnd(11)} ${formatBytes(h.ram_B).padEnd(11)} ${fmtMetric(metric, test, splitsUnit).padEnd(10)} ${ok.padEnd(8)} ${front}`);
  };
  row('seed', r.seed.costs, r.seed.testMetric, '');
  r.points.forEach((p, i) => row(String(i), p.costs, p.testMetric, `${hf.frontLatency.includes(i) ? 'L' : '-'}${hf.frontEnergy.includes(i) ? 'E' : '-'}`));
  const cmp = atSeedAccuracy(r.seed, r.points, metric);
  console.log(cmp === null
    ? `no found model reaches the seed's test ${metric} (${fmtMetric(metric, r.seed.testMetric, splitsUnit)})`
    : `at the seed's test ${metric} or better: point ${cmp.point}, ${cmp.latencyReduction.toFixed(2)}× lower latency and ${cmp.energyReduction.toFixed(2)}× lower energy than the seed on ${t.name}`);
  const bad = r.points.map((p, i) => ({ i, checks: budgetChecks(hw, p.costs) })).filter((x) => x.checks.some((c) => !c.ok));
  if (bad.length > 0) console.log(`WARNING: ${bad.length} found model(s) exceed the memory budget: ${bad.map((b) => `point ${b.i} (${budgetLine(b.checks)})`).join('; ')}`);
  else if (hw.budgets.length > 0) console.log(`every found model respects the memory budgets (${hw.budgets.map((b) => `${b.cost} ≤ ${b.text}`).join(', ')})`);
}

/** Synchronous unless wasm worker threads must start or stop first (--threads). */
export function runSearchCommand(argv: string[], sweep: boolean): void | Promise<void> {
  const command = sweep ? 'sweep' : 'search';
  const parsed = parseCommand(command, SEARCH_COMMAND_SCHEMA, argv);
  const { positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`tsdnas ${command}: unexpected argument '${positionals[0]}'; options are given as --name value`);
  const resumed = parsed.config.resume === undefined ? null : resolveConfig(SEARCH_COMMAND_SCHEMA, [savedRunConfig(argv, parsed.config.resume, command, RESUME_SCALE_FLAGS)]);
  const cfg = resumed === null ? parsed.config : withScaleOverrides(resumed, parsed.config, argv);
  const seeds = checkSeeds(cfg.seeds, resumed === null ? argv : [], command);
  if (isScaled(cfg, seeds)) {
    if (!sweep) throw new UsageError(`tsdnas search: --jobs, --queue and --seeds spread a sweep's points and seeds; use tsdnas sweep (or give one seed with --seed)`);
    return runScaled(SWEEP_SCALED, cfg, seeds);
  }
  return withPreparedRun(command, { ...cfg }, (run) => withThreads(run, () => {
    // Validated before anything is written or trained: a bad --budgets fails at once.
    const setup = sweepSetup(command, cfg, sweep, run);
    const release = lockFreshRun(run.outDir, command, cfg);
    const state = new SweepStateDir(run.outDir);
    try {
      beginRunState(state, command, cfg, run.outDir);
      searchLocked(command, cfg, sweep, run, setup, state);
    } catch (e) {
      explainStop(e, command, state, run.outDir);
      throw e;
    } finally {
      release();
    }
  }));
}

/** "20% (22,855 params)" for a budget point, the strength otherwise. */
function pointLabel(plan: SweepPlan, i: number, cost: string): string {
  const b = plan.budgets?.[i];
  if (b === undefined) return String(plan.strengths[i]);
  const v = plan.strengths[i];
  const units = cost === 'flash' || cost === 'ram' ? formatBytes(v) : `${Math.round(v).toLocaleString('en-US')} ${cost}`;
  return b.share === null ? units : `${b.text} (${units})`;
}

/** What a sweep needs beyond its prepared data and model (the same in the command and in its worker processes). */
export interface SweepSetup {
  convert: Converter;
  plan: SweepPlan;
  /** The search config with the plan's regulariser. */
  runCfg: SearchConfig;
  /** Each point's label (its strength, or its budget). */
  labels: string[];
  hw: HardwareSetup | null;
}

/** The converter, the points and their labels of a search / sweep; a bad --budgets fails here, before anything is written. */
export function sweepSetup(command: string, cfg: SearchCommandConfig, sweep: boolean, run: Pick<PreparedRun, 'splits' | 'model'>): SweepSetup {
  const { splits, model } = run;
  const hw = setupHardware(cfg);
  const convert = pitConverter({
    inputShape: splits.info.sampleShape,
    search: { channels: cfg.searchChannels, receptiveField: cfg.searchReceptiveField, dilation: cfg.searchDilation },
    ...(hw === null ? {} : { costs: hw.costs }),
  });
  let plan: SweepPlan;
  try {
    plan = sweepPlan(cfg, () => seedCostOf(model, convert, cfg.cost), sweep);
  } catch (e) {
    throw new UsageError(`tsdnas ${command}: ${(e as Error).message}`);
  }
  return { convert, plan, runCfg: { ...cfg, regularizer: plan.regularizer }, labels: plan.strengths.map((_, i) => pointLabel(plan, i, cfg.cost)), hw };
}

/** The epoch and phase lines of a sweep (the command prints them; a worker process sends them to its coordinator). */
export function sweepLogHooks(setup: SweepSetup, splits: DatasetSplits, say: (line: string) => void, onEpochEnd: () => void): Pick<SweepHooks, 'onPhase' | 'onFitEpoch' | 'onEpoch'> {
  const metric = splits.info.metric;
  const unit = splits.info.unit;
  const { hw, plan, labels } = setup;
  return {
    onPhase: (phase, point) => say(`— ${phase}${point === null ? '' : ` (point ${point}, ${plan.budgets !== undefined ? 'budget' : 'strength'} ${labels[point]})`}`),
    onFitEpoch: (phase, r) => {
      onEpochEnd();
      say(`  ${phase} epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}  val ${fmtMetric(metric, r.valMetric, unit)}  ${r.seconds.toFixed(1)}s`);
    },
    onEpoch: (r) => {
      onEpochEnd();
      say(`  search epoch ${r.epoch}: val loss ${r.valLoss.toFixed(4)} ${fmtMetric(metric, r.valMetric, unit)}  reg ${r.regTerm.toExponential(2)}  params ${Math.round(r.costs.params).toLocaleString('en-US')}  MACs ${Math.round(r.costs.macs).toLocaleString('en-US')}${hw === null ? '' : `  ${hardwareLine(r.costs)}`}  ${r.seconds.toFixed(1)}s`);
    },
  };
}

/** Writes a finished point's files (model, summary, architecture), records them in the ledger and prints its line. */
export function pointWriter(cfg: SearchCommandConfig, run: PreparedRun, setup: SweepSetup, state: SweepStateDir): (p: PointResult, i: number) => void {
  const { metric, unit } = run.splits.info;
  const { labels, hw } = setup;
  return (p, i) => {
    writePoint(run.outDir, p, i, run, cfg);
    state.ledger.recordPoint(i);
    const met = p.budget === undefined ? '' : `  budget ${labels[i]} ${p.budget.met ? 'met' : 'MISSED'}${p.budget.projected ? ' (projected: no search epoch met it)' : p.budget.filled ? ' (masks grown back towards it)' : ''}`;
    log(`  point ${i}: params ${p.params.toLocaleString('en-US')}  MACs ${p.macs.toLocaleString('en-US')}  test ${fmtMetric(metric, p.testMetric, unit)} (right after export ${fmtMetric(metric, p.exportTestMetric ?? NaN, unit)})${met}  (${p.seconds.toFixed(0)} s)`);
    log(formatArchitecture(architectureRows(p.model)).split('\n').map((l) => `    ${l}`).join('\n'));
    if (hw !== null) log(`    on ${hw.target.name}: ${hardwareLine(p.costs)}\n    memory budgets: ${budgetLine(budgetChecks(hw, p.costs))}`);
  };
}

/**
 * The sweep in this process (every point not yet finished is run here), its files and front.
 * `pointsBy`: the points were run by worker processes of this run (they are loaded, and their
 * files written here if the worker's coordinator did not get to it).
 */
export function searchLocked(command: string, cfg: SearchCommandConfig, sweep: boolean, run: PreparedRun, setup: SweepSetup, state: SweepStateDir, pointsBy?: string): void {
  const { splits, model, modelName, outDir } = run;
  const metric = splits.info.metric;
  const splitsUnit = splits.info.unit;
  // The config as given (without --resume): what the front records.
  const { resume: _r, jobs: _j, seeds: _s, queue: _q, queueName: _n, ...savedConfig } = cfg;
  const { plan, convert, runCfg, labels, hw } = setup;
  const strengths = plan.strengths;
  if (pointsBy === undefined) {
    const what = plan.budgets !== undefined ? `budgets on ${cfg.cost}: ${labels.join(', ')}` : `${cfg.regularizer} regulariser on ${cfg.cost}, strengths ${strengths.join(', ')}`;
    log(`tsdnas ${command}: ${splits.info.name} with ${modelName} (${model.numParameters().toLocaleString('en-US')} parameters), ${what}; backend ${backendLabel(run)}`);
    if (hw !== null) log(`target ${hw.target.name}: ${hw.target.description}; memory budgets: ${hw.budgets.length === 0 ? 'none' : hw.budgets.map((b) => `${b.cost} ≤ ${b.text}`).join(', ')}`);
  }
  let bar: ProgressBar | null = null;
  const pointDone = pointWriter(cfg, run, setup, state);
  const result = runSweep(model, splits, runCfg, strengths, convert, withEvents<SweepHooks>({
    ...sweepLogHooks(setup, splits, log, () => state.ledger.saveSeconds()),
    onFitBatch: (epoch, done, total, loss) => {
      if (bar === null) bar = new ProgressBar({ total, label: `epoch ${epoch}` });
      bar.tick(1, { loss: loss.toFixed(4) });
      if (done === total) { bar.done(); bar = null; }
    },
    onBatch: (phase, epoch, done, total, loss) => {
      if (bar === null) bar = new ProgressBar({ total, label: `search ${epoch} ${phase}` });
      bar.tick(1, { loss: loss.toFixed(4) });
      if (done === total) { bar.done(); bar = null; }
    },
    onPoint: pointDone,
    onPointLoaded: (p, i) => {
      // A point a worker process finished (or an earlier run that was killed before writing its files) is written now.
      if (!state.ledger.hasPoint(i)) {
        pointDone(p, i);
        return;
      }
      if (pointsBy === undefined) log(`  point ${i}: finished by the interrupted run (test ${fmtMetric(metric, p.testMetric, splitsUnit)}); loaded, not recomputed`);
    },
  }, 'search'), state);
  // Over every segment of a resumed run, not only this one.
  const seconds = state.ledger.seconds();
  const files = writeSweep(outDir, result, metric, savedConfig as SearchConfig, seconds, hw, plan, splitSizes(splits));
  // The run is complete (front and every point written): nothing left to resume.
  state.finish();
  console.log(`\nseed: params ${result.seed.params.toLocaleString('en-US')}  MACs ${result.seed.macs.toLocaleString('en-US')}  test ${fmtMetric(metric, result.seed.testMetric, splitsUnit)}`);
  const byBudget = plan.budgets !== undefined;
  const w = Math.max(10, ...labels.map((l) => l.length + 1));
  console.log(`point  ${(byBudget ? 'budget' : 'strength').padEnd(w)} params      MACs        test       ${byBudget ? 'met  ' : ''}front(params/MACs)`);
  result.points.forEach((p, i) => {
    const label = byBudget ? labels[i] : p.strength.toExponential(1);
    const met = p.budget === undefined ? '' : (p.budget.met ? 'yes  ' : 'NO   ');
    console.log(`${String(i).padEnd(6)} ${label.padEnd(w)} ${String(p.params).padEnd(11)} ${String(p.macs).padEnd(11)} ${fmtMetric(metric, p.testMetric, splitsUnit).padEnd(10)} ${met}${result.frontParams.includes(i) ? 'P' : '-'}${result.frontMacs.includes(i) ? 'M' : '-'}`);
  });
  const missed = result.points.filter((p) => p.budget !== undefined && !p.budget.met).length;
  if (byBudget) console.log(missed === 0 ? `every budget met` : `${missed} budget(s) missed: the seed cannot shrink that far (every layer keeps a channel and a tap); see the points above`);
  if (hw !== null) printHardwareFront(hw, result, metric, splitsUnit);
  const report = reportAfterRun(outDir);
  console.log(`\n${command} took ${(seconds / 60).toFixed(1)} min; front: ${files.json}, ${files.csv}; exported models: ${join(outDir, 'point-<i>/model.safetensors')}${report === null ? '' : `; report: ${report}`}`);
}

/** `tsdnas sweep` as tasks (--jobs, --seeds, --queue: src/cli/commands/sweepScale.ts). */
export const SWEEP_SCALED: ScaledCommand<SearchCommandConfig> = {
  name: 'sweep',
  open: async (cfg) => {
    const run = await withPreparedRun('sweep', { ...cfg }, (r) => r);
    const setup = sweepSetup('sweep', cfg, true, run);
    const state = new SweepStateDir(run.outDir);
    // The global generator as the one-process command leaves it before its warm-up (a worker process may have run other tasks since).
    const opened = getRng().getState();
    return {
      run, state, points: setup.plan.strengths.length,
      describe: () => `${run.splits.info.name} with ${run.modelName}, ${setup.plan.strengths.length} points (${setup.labels.join(', ')})`,
      runShare: (only, sink) => withThreads(run, () => {
        getRng().setState(opened);
        const hooks = sweepLogHooks(setup, run.splits, (l) => sink.line(l), () => {});
        runSweepShare(run.model, run.splits, setup.runCfg, setup.plan.strengths, setup.convert, only, state, withEvents<SweepHooks>(hooks, 'search', (_event, f) => sink.event('epoch', f)));
      }),
      writeDone: (i) => {
        const saved = state.loadPoint(i);
        if (saved === null) throw new Error(`${state.dir}: point ${i} is reported finished but its result is not there`);
        pointWriter(cfg, run, setup, state)(saved.value, i);
      },
      finish: () => withThreads(run, () => searchLocked('sweep', cfg, true, run, setup, state, 'workers')),
    };
  },
};
