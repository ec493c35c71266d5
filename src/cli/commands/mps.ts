/**
 * `tsdnas mps`: mixed-precision search from the command line. One strength (--lambda) or a sweep
 * (--sweep over --lambdas), per layer and / or per channel, from the seed (float warm-up) or a
 * trained checkpoint (e.g. a PIT sweep's point-<i>/model.safetensors). Uniform QAT baselines
 * run first; every finished point is written at once (plan, summary, fake-quant checkpoint),
 * and the run ends with the fronts (accuracy vs weight bytes vs BitOps) as JSON and CSV.
 */

import { join } from 'node:path';
import { writeJsonAtomic, writeFileAtomic } from '../../io/atomic.js';
import { splitSizes, type SplitSizes } from '../../data/sizes.js';
import { loadModelCheckpoint } from '../../io/checkpoint.js';
import { saveQuantCheckpoint } from '../../io/quant-checkpoint.js';
import { fitScaler } from '../../nn/train/task.js';
import { toCsv } from '../../search/pareto.js';
import { describeSchema, resolveConfig, type ConfigOf, type Schema } from '../../util/schema.js';
import { STATE_DIR } from '../../io/search-state.js';
import { MpsStateDir } from '../../io/mps-state.js';
import { lockFreshRun } from '../runOverwrite.js';
import { beginRunState, explainStop, savedRunConfig } from './run-state.js';
import { ProgressBar } from '../progress.js';
import { withEvents } from '../events.js';
import { parseCommand, UsageError } from '../args.js';
import { RUN_SCHEMA, withPreparedRun, fmtMetric, type PreparedRun } from './train.js';
import type { DatasetSplits } from '../../data/types.js';
import type { Module } from '../../nn/module.js';
import { SCALE_SCHEMA, RESUME_SCALE_FLAGS, checkSeeds, isScaled, withScaleOverrides } from '../scaleOptions.js';
import { runScaled } from './sweepScale.js';
import type { ScaledCommand } from '../worker/scaled.js';
import { backendLabel, withThreads } from '../threads.js';
import { MPS_SCHEMA, type MpsConfig } from '../../quant/mps/config.js';
import { runMps, runMpsShare, mpsPointCount, loadedMpsPoint as runMpsLoaded, type PrecisionSearchKind, type Granularity, type MpsHooks, type MpsPoint, type MpsSweepResult } from '../../quant/mps/run.js';
import { checkPrecisions } from '../../quant/mps/precisions.js';
import { searchKindsOf } from '../../api/mps.js';
import { resolveTarget } from '../../hw/targets/index.js';
import { targetCosts } from '../../hw/targets/costs.js';
import { reportAfterRun } from '../../report/index.js';
import { limitDataset } from '../../data/split.js';
import { getRng, Rng } from '../../tensor/rng.js';

export const MPS_COMMAND_SCHEMA = {
  ...RUN_SCHEMA, ...MPS_SCHEMA, ...SCALE_SCHEMA,
  resume: { type: 'optional-string', help: `continue an interrupted run from <run-dir>/${STATE_DIR}/ (written after every epoch and every finished point) with its saved config` },
} as const satisfies Schema;
export type MpsCommandConfig = ConfigOf<typeof MPS_COMMAND_SCHEMA>;

export function mpsHelp(): string {
  return `tsdnas mps — mixed-precision search (weights per layer or per channel, 0 bits = prune; activations per layer),
then a fixed-precision quantisation-aware fine-tune of the argmax assignment; uniform QAT baselines alongside

usage: tsdnas mps --dataset <name> [--model <seed> | --checkpoint model.safetensors] [--per-channel] [--per-layer] [--joint]
                  [--precisions 0,2,4,8] [--sampling hard|softmax|gumbel] [--t0 1] [--cost size|bitops] [--target mpic]
                  [--lambda λ | --sweep true --lambdas a,b,c] [options] [--config file.json]

${describeSchema(MPS_COMMAND_SCHEMA)}`;
}

export function jointHelp(): string {
  return `tsdnas joint — joint search of architecture and precision: PIT's channel, receptive-field and dilation masks
and the per-channel weight / per-layer activation bit-widths in one differentiable search, with costs that see both
(weight bytes = kept inputs × kept taps × bits of the kept outputs; BitOps; a --target's latency / energy / memory).
The pruned model's plan is then fine-tuned quantisation-aware and tested; uniform QAT baselines run alongside unless
--run-baselines false. It is \`tsdnas mps --joint\`: the same options, files, report and --resume. Pruning belongs to the
masks, so --precisions must be non-zero (default 2,4,8); a pruned channel leaves the model (0 bits in the heat maps).

usage: tsdnas joint --dataset <name> [--model <seed>] [--lambda λ | --sweep true --lambdas a,b,c]
                    [--target stm32h7 --cost latency] [--search-channels false] [--search-dilation false] [options]

${describeSchema(MPS_COMMAND_SCHEMA)}`;
}

const log = (s: string) => process.stderr.write(s + '\n');

function pointRow(p: MpsPoint, metric: 'accuracy' | 'mae', index: number) {
  const hw = Object.fromEntries(Object.entries(p.costs).filter(([k]) => k !== 'size' && k !== 'bitops').map(([k, v]) => [k, +v.toPrecision(6)]));
  return {
    point: index, kind: p.kind, label: p.label, strength: p.strength ?? '', size_bytes: +p.sizeBytes.toFixed(2), expected_size_bytes: +(p.costs.size ?? NaN).toFixed(2), bitops: Math.round(p.bitops), ...hw,
    [`val_${metric}`]: p.valMetric, [`test_${metric}`]: p.testMetric, bits: Object.entries(p.histogram).map(([k, v]) => `${k}:${v}`).join(' '), seconds: Math.round(p.seconds),
  };
}

function writePoint(outDir: string, p: MpsPoint, index: number, cfg: MpsConfig, run: { modelName: string; inputShape: number[]; outputs: number; dataset: string; extra: Record<string, unknown> }): void {
  const dir = join(outDir, `point-${index}`);
  writeJsonAtomic(join(dir, 'plan.json'), p.plan);
  saveQuantCheckpoint(join(dir, 'quantized.safetensors'), p.model, p.source, { model: `${run.modelName} (${p.label})`, inputShape: run.inputShape, outputs: run.outputs, dataset: run.dataset, ...run.extra });
  const { model: _m, source: _s, handle, ...rest } = p;
  writeJsonAtomic(join(dir, 'summary.json'), { ...rest, seed: cfg.seed, layers: handle.precisionSummary() });
}

export function writeMpsRun(outDir: string, r: MpsSweepResult, metric: 'accuracy' | 'mae', cfg: MpsConfig, seconds: number, splits?: SplitSizes): { json: string; csv: string } {
  const rows = r.points.map((p, i) => ({ ...pointRow(p, metric, i), front_size: r.frontSize.includes(i), front_bitops: r.frontBitops.includes(i) }));
  const floatRow = { point: 'float', kind: 'float', label: 'float (unquantised)', [`val_${metric}`]: r.float.valMetric, [`test_${metric}`]: r.float.testMetric };
  const json = join(outDir, 'front.json');
  const csv = join(outDir, 'front.csv');
  writeJsonAtomic(json, { metric, config: cfg, seconds, ...(splits === undefined ? {} : { splits }), float: r.float, points: rows, frontSize: r.frontSize, frontBitops: r.frontBitops, comparison: r.comparison });
  writeFileAtomic(csv, toCsv([floatRow, ...rows]));
  return { json, csv };
}

/** Synchronous unless wasm worker threads must start or stop first (--threads). */
export function runMpsCommand(argv: string[]): void | Promise<void> {
  const parsed = parseCommand('mps', MPS_COMMAND_SCHEMA, argv);
  const { positionals } = parsed;
  const resumed = parsed.config.resume === undefined ? null : resolveConfig(MPS_COMMAND_SCHEMA, [savedRunConfig(argv, parsed.config.resume, 'mps', RESUME_SCALE_FLAGS)]);
  const cfg = resumed === null ? parsed.config : withScaleOverrides(resumed, parsed.config, argv);
  if (positionals.length > 0) throw new UsageError(`tsdnas mps: unexpected argument '${positionals[0]}'; options are given as --name value`);
  const kinds = checkMpsOptions(cfg);
  const seeds = checkSeeds(cfg.seeds, resumed === null ? argv : [], 'mps');
  if (isScaled(cfg, seeds)) return runScaled(MPS_SCALED, cfg, seeds);
  if (cfg.precisions.includes(0) && kinds.includes('layer')) log('tsdnas mps: 0 bits are searched per channel only; the per-layer search uses the non-zero precisions');
  return withPreparedRun('mps', { ...cfg }, (run) => withThreads(run, () => {
    const { outDir } = run;
    const setup = mpsSetup(cfg, run);
    const release = lockFreshRun(outDir, 'mps', cfg);
    const state = new MpsStateDir(outDir);
    try {
      beginRunState(state, 'mps', cfg, outDir);
      mpsLocked(cfg, run, setup, state);
    } catch (e) {
      explainStop(e, 'mps', state, outDir);
      throw e;
    } finally {
      release();
    }
  }));
}

/** The candidate sets and the cost, checked before any data is loaded; the search kinds. */
function checkMpsOptions(cfg: MpsCommandConfig): (Granularity | PrecisionSearchKind)[] {
  const kinds = searchKindsOf(cfg);
  try {
    checkPrecisions(cfg.precisions, 'weight', '--precisions');
    if (cfg.joint && cfg.precisions.includes(0)) throw new Error(`--precisions ${cfg.precisions.join(',')} with --joint: 0 bits is not a candidate of the joint search, whose channel masks do the pruning; give non-zero bit-widths (e.g. --precisions 2,4,8)`);
    checkPrecisions(cfg.actPrecisions, 'activation', '--act-precisions');
    if (cfg.runBaselines) checkPrecisions(cfg.baselines, 'weight', '--baselines');
  } catch (e) {
    throw new UsageError(`tsdnas mps: ${(e as Error).message}`);
  }
  if (cfg.target === undefined && cfg.cost !== 'size' && cfg.cost !== 'bitops') throw new UsageError(`tsdnas mps: --cost ${cfg.cost} is a hardware cost; give --target (gap8, stm32h7, mpic, diana-digital, diana-analog or a JSON file)`);
  return kinds;
}

/** What an mps run searches, and from what (the same in the command and in its worker processes). */
interface MpsSetup {
  splits: DatasetSplits;
  model: Module;
  modelName: string;
  kinds: (Granularity | PrecisionSearchKind)[];
  strengths: readonly number[];
  costs: MpsHooks['costs'];
}

function mpsSetup(cfg: MpsCommandConfig, run: PreparedRun): MpsSetup {
  const kinds = checkMpsOptions(cfg);
  const target = cfg.target === undefined ? null : resolveTarget(cfg.target);
  const splits = {
    ...run.splits,
    val: cfg.valLimit > 0 ? limitDataset(run.splits.val, cfg.valLimit, new Rng(cfg.seed + 1)) : run.splits.val,
    test: cfg.testLimit > 0 ? limitDataset(run.splits.test, cfg.testLimit, new Rng(cfg.seed + 2)) : run.splits.test,
  };
  let { model, modelName } = run;
  if (cfg.checkpoint !== undefined) {
    const ck = loadModelCheckpoint(cfg.checkpoint);
    model = ck.model;
    modelName = `${ck.meta.model} from ${cfg.checkpoint}`;
    if (ck.meta.inputShape.join() !== splits.info.sampleShape.join()) throw new UsageError(`--checkpoint ${cfg.checkpoint} takes inputs [${ck.meta.inputShape.join(', ')}] but ${cfg.dataset} gives [${splits.info.sampleShape.join(', ')}]`);
  }
  return { splits, model, modelName, kinds, strengths: cfg.sweep ? cfg.lambdas : [cfg.lambda], costs: target === null ? {} : targetCosts(target) };
}

/** The epoch and phase lines of an mps run (the command prints them; a worker process sends them to its coordinator). */
function mpsLogHooks(setup: MpsSetup, say: (line: string) => void, onEpochEnd: () => void): Pick<MpsHooks, 'onPhase' | 'onFitEpoch' | 'onEpoch'> {
  const { metric, unit } = setup.splits.info;
  return {
    onPhase: (phase, label) => say(`— ${phase}${label === null ? '' : ` (${label})`}`),
    onFitEpoch: (phase, r) => {
      onEpochEnd();
      say(`  ${phase} epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)}  val ${fmtMetric(metric, r.valMetric, unit)}  ${r.seconds.toFixed(1)}s`);
    },
    onEpoch: (r) => {
      onEpochEnd();
      say(`  search epoch ${r.epoch}: val loss ${r.valLoss.toFixed(4)} ${fmtMetric(metric, r.valMetric, unit)}  reg ${r.regTerm.toExponential(2)}  size ${r.costs.size.toFixed(0)} B  BitOps ${r.costs.bitops.toExponential(3)}  ${r.seconds.toFixed(1)}s`);
    },
  };
}

/** Writes a finished point's files (plan, summary, fake-quant checkpoint), records them in the ledger and prints its line. */
function mpsPointWriter(cfg: MpsCommandConfig, run: PreparedRun, setup: MpsSetup, state: MpsStateDir): (p: MpsPoint, i: number) => void {
  const { splits } = setup;
  const { metric, unit } = splits.info;
  return (p, i) => {
    writePoint(run.outDir, p, i, cfg, {
      modelName: setup.modelName, inputShape: splits.info.sampleShape, outputs: run.outputs, dataset: splits.info.name,
      extra: { task: splits.info.task, scaler: splits.info.task === 'regression' ? fitScaler(splits.train.y) : null, ...(splits.info.preprocessing !== undefined ? { preprocessing: splits.info.preprocessing } : {}) },
    });
    state.ledger.recordPoint(i);
    log(`  point ${i} (${p.label}): ${p.sizeBytes.toFixed(0)} B packed weights (search's expected ${(p.costs.size ?? NaN).toFixed(0)} B), ${p.bitops.toExponential(3)} BitOps, test ${fmtMetric(metric, p.testMetric, unit)}, bits ${JSON.stringify(p.histogram)} (${p.seconds.toFixed(0)} s)`);
  };
}

/** The run in this process (every point not yet finished is run here), its files and fronts; `pointsBy`: worker processes ran the points. */
function mpsLocked(cfg: MpsCommandConfig, run: PreparedRun, setup: MpsSetup, state: MpsStateDir, pointsBy?: string): void {
  const { outDir } = run;
  const { splits, model, modelName, kinds: granularities, strengths, costs } = setup;
  const metric = splits.info.metric;
  const splitsUnit = splits.info.unit;
  if (pointsBy === undefined) log(`tsdnas mps: ${splits.info.name} (${splits.train.length} train / ${splits.val.length} val / ${splits.test.length} test) with ${modelName} (${model.numParameters().toLocaleString('en-US')} parameters); ${granularities.map((g) => (typeof g === 'string' ? g : g.name)).join(' + ')} search over w{${cfg.precisions.join(',')}} a{${cfg.actPrecisions.join(',')}}, ${cfg.sampling} sampling, T0 ${cfg.t0}, cost ${cfg.cost}, strengths ${strengths.join(', ')}; backend ${backendLabel(run)}`);
  let bar: ProgressBar | null = null;
  const tick = (label: string, done: number, total: number, loss: number) => {
    if (bar === null) bar = new ProgressBar({ total, label });
    bar.tick(1, { loss: loss.toFixed(4) });
    if (done === total) { bar.done(); bar = null; }
  };
  const pointDone = mpsPointWriter(cfg, run, setup, state);
  const result = runMps(model, splits, cfg, granularities, strengths, withEvents<MpsHooks>({
    costs,
    checkpoints: state,
    ...mpsLogHooks(setup, log, () => state.ledger.saveSeconds()),
    onPointLoaded: (p, i) => {
      // A point a worker process finished (or an earlier run that was killed before writing its files) is written now.
      if (!state.ledger.hasPoint(i)) {
        pointDone(p, i);
        return;
      }
      if (pointsBy === undefined) log(`  point ${i} (${p.label}): finished by the interrupted run (test ${fmtMetric(metric, p.testMetric, splitsUnit)}); loaded, not recomputed`);
    },
    onFitBatch: (epoch, done, total, loss) => tick(`epoch ${epoch}`, done, total, loss),
    onBatch: (phase, epoch, done, total, loss) => tick(`search ${epoch} ${phase}`, done, total, loss),
    onPoint: pointDone,
  }, 'search'));
  // Over every segment of a resumed run, not only this one.
  const seconds = state.ledger.seconds();
  const { resume: _r, jobs: _j, seeds: _s, queue: _q, queueName: _n, ...runConfig } = cfg;
  const files = writeMpsRun(outDir, result, metric, runConfig as MpsConfig, seconds, splitSizes(splits));
  // The run is complete (fronts and every point written): nothing left to resume.
  state.finish();
  console.log(`\nfloat: test ${fmtMetric(metric, result.float.testMetric, splitsUnit)} (BN folded: ${fmtMetric(metric, result.float.foldedTestMetric, splitsUnit)})`);
  console.log('point  kind         strength   weight B   BitOps       test       front(size/BitOps)');
  result.points.forEach((p, i) => {
    console.log(`${String(i).padEnd(6)} ${p.kind.padEnd(12)} ${(p.strength === null ? '-' : p.strength.toExponential(1)).padEnd(10)} ${p.sizeBytes.toFixed(0).padEnd(10)} ${p.bitops.toExponential(3).padEnd(12)} ${fmtMetric(metric, p.testMetric, splitsUnit).padEnd(10)} ${result.frontSize.includes(i) ? 'S' : '-'}${result.frontBitops.includes(i) ? 'B' : '-'}`);
  });
  for (const c of result.comparison) {
    const what = c.channelPoint === null ? 'no per-channel point within 0.5 points' : `per-channel point ${c.channelPoint}: ${c.channelSizeBytes?.toFixed(0)} B at ${fmtMetric(metric, c.channelMetric as number, splitsUnit)} → ${((c.saving as number) * 100).toFixed(1)}% less weight memory`;
    console.log(`${c.layerKind === 'uniform' ? 'uniform' : 'per-layer'} point ${c.layerPoint} (${c.layerSizeBytes.toFixed(0)} B at ${fmtMetric(metric, c.layerMetric, splitsUnit)}): ${what}`);
  }
  const report = reportAfterRun(outDir);
  console.log(`\nmps took ${(seconds / 60).toFixed(1)} min; fronts: ${files.json}, ${files.csv}; plans and fine-tuned fake-quant checkpoints: ${join(outDir, 'point-<i>/{plan.json,quantized.safetensors}')}${report === null ? '' : `; report: ${report}`}`);
}

/** `tsdnas mps` / `tsdnas joint` as tasks (--jobs, --seeds, --queue: src/cli/commands/sweepScale.ts). */
export const MPS_SCALED: ScaledCommand<MpsCommandConfig> = {
  name: 'mps',
  open: async (cfg) => {
    const run = await withPreparedRun('mps', { ...cfg }, (r) => r);
    const setup = mpsSetup(cfg, run);
    const state = new MpsStateDir(run.outDir);
    const n = mpsPointCount(cfg, setup.kinds, setup.strengths);
    // The global generator as the one-process command leaves it before its warm-up (a worker process may have run other tasks since).
    const opened = getRng().getState();
    return {
      run, state, points: n,
      describe: () => `${setup.splits.info.name} with ${setup.modelName}, ${n} points (${cfg.runBaselines ? `${cfg.baselines.length} uniform baselines, ` : ''}${setup.kinds.map((g) => (typeof g === 'string' ? g : g.name)).join(' + ')} × λ ${setup.strengths.join(', ')})`,
      runShare: (only, sink) => withThreads(run, () => {
        getRng().setState(opened);
        const hooks = mpsLogHooks(setup, (l) => sink.line(l), () => {});
        runMpsShare(setup.model, setup.splits, cfg, setup.kinds, setup.strengths, only, {
          costs: setup.costs, checkpoints: state, ...withEvents<MpsHooks>(hooks, 'search', (_event, f) => sink.event('epoch', f)),
        });
      }),
      writeDone: (i) => {
        const saved = state.loadPoint(i);
        if (saved === null) throw new Error(`${state.dir}: point ${i} is reported finished but its result is not there`);
        // The saved point with its models rebuilt, as the final pass loads it.
        const p = runMpsLoaded(saved, setup.splits, setup.costs);
        mpsPointWriter(cfg, run, setup, state)(p, i);
      },
      finish: () => withThreads(run, () => mpsLocked(cfg, run, setup, state, 'workers')),
    };
  },
};
