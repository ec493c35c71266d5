/**
 * `tsdnas train`: train a seed model on a named dataset, evaluate it on the test split, and
 * write the checkpoint and a JSON summary to the run directory.
 */

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DATASET_NAMES } from '../../data/index.js';
import { loadAnyDataset, resolveDatasetRef } from '../../data/user/load.js';
import type { DatasetSplits } from '../../data/types.js';
import { manualSeed, Rng } from '../../tensor/rng.js';
import { SEED_MODELS } from '../../models/seeds.js';
import { isSeedName, parseModelSpec } from '../../models/userModel.js';
import { resolveModel, resolveModelAsync } from '../../api/userModelFiles.js';
import { TRAIN_SCHEMA, type TrainConfig } from '../../nn/train/config.js';
import { fit, type FitHooks } from '../../search/train/fit.js';
import { evaluate } from '../../search/train/epoch.js';
import { TrainingDivergedError } from '../../nn/train/divergence.js';
import { fitScaler } from '../../nn/train/task.js';
import { saveModelCheckpoint, CHECKPOINT_FORMAT, type ModelMeta } from '../../io/checkpoint.js';
import { writeJsonAtomic } from '../../io/atomic.js';
import { loadTrainState, readTrainStateConfig, saveTrainState, TRAIN_STATE_FILE } from '../../io/train-state.js';
import { explainInterrupt } from '../interrupt.js';
import { checkOutWritable } from '../outProbe.js';
import { checkOverwrite, lockFreshRun } from '../runOverwrite.js';
import { backendLabel, THREADS_OPTION, withThreads } from '../threads.js';
import { describeSchema, resolveConfig, type Schema, type ConfigOf } from '../../util/schema.js';
import { ProgressBar } from '../progress.js';
import { withEvents } from '../events.js';
import { parseCommand, UsageError } from '../args.js';
import type { Module } from '../../nn/module.js';
import { kernelStats, setBackend } from '../../kernels/dispatch.js';
import { useFastestBackend } from '../../kernels/select.js';

export const RUN_SCHEMA = {
  dataset: { type: 'string', default: 'mnist', help: `a named dataset (${DATASET_NAMES.join(', ')}), a data file or folder (.ts, .arff, .tsv, .csv, .npy/.npz, WFDB records, class folders of .wav / .csv), or a dataset description (.json); see docs/datasets.md` },
  model: { type: 'optional-string', help: `seed model (${Object.keys(SEED_MODELS).join(', ')}; default: one suited to the dataset), or your own: an architecture file (.json; 'tsdnas models --show <seed>' prints one to edit) or a builder module (.mjs / .js exporting build)` },
  dataDir: { type: 'optional-string', help: 'data directory (else $TSDNAS_DATA_DIR, else ../shared/data)' },
  out: { type: 'optional-string', help: 'run directory for checkpoint and summary (default runs/<command>-<dataset>-<model>)' },
  layout: { type: 'optional-string', choices: ['image', 'sequence'], help: 'input layout for image / MFCC data (default: what the model expects)' },
  features: { type: 'optional-string', choices: ['mfcc', 'raw'], help: 'FSDD features' },
  limit: { type: 'number', default: 0, min: 0, integer: true, help: 'cap the training split (0 = all), for quick trials' },
  backend: { type: 'string', default: 'auto', choices: ['auto', 'js', 'wasm'], help: "kernel backend: 'auto' picks wasm (SIMD) when the engine has it, else js; js is the bit-reproducible reference" },
  threads: THREADS_OPTION,
  force: { type: 'boolean', default: false, help: 'replace a finished run in --out (removes only the files tsdnas wrote there)' },
} as const satisfies Schema;

/**
 * Activate the requested kernel backend; returns the one that will run. `threads` > 1 is only
 * checked here (it needs wasm); withThreads (src/cli/threads.ts) starts the worker threads.
 */
export function chooseBackend(requested: string, threads = 1): string {
  if (requested === 'js') {
    if (threads > 1) throw new UsageError(`--threads ${threads} splits the wasm kernels over worker threads, but --backend js runs on one thread; drop --threads (or give --threads 1), or use --backend wasm`);
    setBackend('js');
    return 'js';
  }
  const choice = useFastestBackend();
  if (requested === 'wasm' && choice.backend !== 'wasm') throw new UsageError(`--backend wasm: ${choice.reason ?? 'WebAssembly SIMD is not available in this engine'}; use --backend js`);
  if (threads > 1 && choice.backend !== 'wasm') throw new UsageError(`--threads ${threads} needs the wasm backend, which is unavailable here (${choice.reason ?? 'no WebAssembly SIMD'}); drop --threads`);
  return choice.backend;
}

export const TRAIN_COMMAND_SCHEMA = {
  ...RUN_SCHEMA, ...TRAIN_SCHEMA,
  resume: { type: 'optional-string', help: `continue an interrupted run from <run-dir>/${TRAIN_STATE_FILE} (written after every epoch) with its saved config` },
} as const satisfies Schema;
export type TrainCommandConfig = ConfigOf<typeof TRAIN_COMMAND_SCHEMA>;

const DEFAULT_MODEL: Record<string, string> = {
  mnist: 'tcn-mnist', 'fashion-mnist': 'cnn-small', ecg200: 'tcn-ecg', ecg5000: 'tcn-ecg', eog: 'tcn-ecg', ppg: 'temponet', fsdd: 'ds-cnn',
};

export function trainHelp(): string {
  return `tsdnas train — train a seed model on a dataset

usage: tsdnas train --dataset <name> [--model <seed>] [options] [--config file.json]

${describeSchema(TRAIN_COMMAND_SCHEMA)}

A --config file holds the same keys as a JSON object (camelCase or kebab-case); flags override it.`;
}

export interface PreparedRun {
  splits: DatasetSplits;
  model: Module;
  modelName: string;
  outputs: number;
  outDir: string;
  backend: string;
  /** threads of the large wasm kernels (1 on js); in use once withThreads runs its callback */
  threads: number;
}

/** How many spatial axes a model takes: 1 for [C, L], 2 for [C, H, W]; null when only building it tells (a JS module). */
function modelDims(spec: string): 1 | 2 | null {
  if (isSeedName(spec)) return SEED_MODELS[spec].spatialDims;
  if (extname(spec).toLowerCase() === '.json') {
    let arch;
    try {
      arch = parseModelSpec(JSON.parse(readFileSync(spec, 'utf8')), spec).architecture;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new UsageError(`--model ${spec}: ${err.code === 'ENOENT' ? 'no such file' : err.message.startsWith(spec) ? err.message.slice(spec.length + 2) : err.message}`);
    }
    return /"type":"(Conv2d|BatchNorm2d|MaxPool2d|AvgPool2d)"/.test(JSON.stringify(arch)) ? 2 : 1;
  }
  if (['.js', '.mjs'].includes(extname(spec).toLowerCase())) return null;
  try {
    resolveModel(spec, { inputShape: [1, 8] });
  } catch (e) {
    throw new UsageError(`--model: ${(e as Error).message}`);
  }
  return null;
}

type Built = { name: string; model: Module };
type Builder = (spec: string, inputShape: number[], outputs: number, rng: Rng) => Built | Promise<Built>;

/** Load the data and build the model for a run (shared by train, search, quantize and mps). */
export function prepareRun(command: string, cfg: ConfigOf<typeof RUN_SCHEMA> & { seed: number }): PreparedRun {
  const r = prepareRunWith(command, cfg, (spec, inputShape, outputs, rng) => {
    const m = resolveModelOrUsage(spec, inputShape, outputs, rng);
    return { name: m.name, model: m.model };
  });
  if (r instanceof Promise) throw new Error('prepareRun: a builder module loads asynchronously; use withPreparedRun');
  return r;
}

function resolveModelOrUsage(spec: string, inputShape: number[], outputs: number, rng: Rng) {
  try {
    return resolveModel(spec, { inputShape, outputs, rng });
  } catch (e) {
    throw new UsageError(`--model: ${(e as Error).message}`);
  }
}

/**
 * prepareRun, then `then(run)`; asynchronous only when --model is a JS builder module (import()
 * is), so the other commands stay synchronous as before.
 */
export function withPreparedRun<R>(command: string, cfg: ConfigOf<typeof RUN_SCHEMA> & { seed: number }, then: (run: PreparedRun) => R): R | Promise<Awaited<R>> {
  const isModule = cfg.model !== undefined && ['.js', '.mjs'].includes(extname(cfg.model).toLowerCase()) && !isSeedName(cfg.model);
  if (!isModule) return then(prepareRun(command, cfg));
  const run = prepareRunWith(command, cfg, async (spec, inputShape, outputs, rng) => {
    try {
      const m = await resolveModelAsync(spec, { inputShape, outputs, rng });
      return { name: m.name, model: m.model };
    } catch (e) {
      throw new UsageError(`--model: ${(e as Error).message}`);
    }
  });
  return Promise.resolve(run).then((r) => then(r) as Awaited<R>);
}

/** The run directory is writable and, for a fresh run, holds no finished run (unless --force). */
function checkOut(dir: string, option: string, command: string, cfg: { force: boolean; resume?: string }): void {
  checkOutWritable(dir, option);
  if (cfg.resume === undefined) checkOverwrite(dir, command, cfg.force);
}

function prepareRunWith(command: string, cfg: ConfigOf<typeof RUN_SCHEMA> & { seed: number }, build: Builder): PreparedRun | Promise<PreparedRun> {
  const backend = chooseBackend(cfg.backend, cfg.threads);
  // --out is checked before any data is loaded: writable, and no finished run replaced without --force.
  if (cfg.out !== undefined) checkOut(cfg.out, '--out', command, cfg);
  let ref;
  try {
    ref = resolveDatasetRef(cfg.dataset);
  } catch (e) {
    throw new UsageError(`--dataset: ${(e as Error).message}`);
  }
  // A user's data gives [C, L] series: a 1-D seed suits it unless a model is named.
  const modelSpec = cfg.model ?? (ref.kind === 'named' ? DEFAULT_MODEL[cfg.dataset] : 'tcn-ecg');
  const dims = modelDims(modelSpec);
  const layout = (cfg.layout ?? (dims === 2 ? 'image' : 'sequence')) as 'image' | 'sequence';
  const usesLayout = ref.kind === 'user' || ['mnist', 'fashion-mnist', 'fsdd'].includes(cfg.dataset);
  const splits = loadAnyDataset(ref, {
    dataDir: cfg.dataDir,
    seed: cfg.seed,
    ...(usesLayout ? { layout } : {}),
    ...(cfg.features !== undefined ? { features: cfg.features as 'mfcc' | 'raw' } : {}),
    ...(cfg.limit > 0 ? { limit: cfg.limit } : {}),
  });
  const outputs = splits.info.task === 'classification' ? (splits.info.numClasses ?? 2) : 1;
  if (dims !== null && splits.info.sampleShape.length !== dims + 1) {
    const fits = Object.entries(SEED_MODELS).filter(([, s]) => s.spatialDims + 1 === splits.info.sampleShape.length).map(([k]) => k);
    const hint = usesLayout ? `use --layout ${dims === 1 ? 'sequence' : 'image'}, or ` : '';
    throw new UsageError(`--model ${modelSpec} takes ${dims === 1 ? 'sequences [C, L]' : 'images [C, H, W]'} but ${cfg.dataset} gives samples of shape [${splits.info.sampleShape.join(', ')}]; ${hint}choose one of: ${fits.join(', ')}`);
  }
  manualSeed(cfg.seed);
  const finish = (b: Built): PreparedRun => {
    const outDir = cfg.out ?? join('runs', `${command}-${splits.info.name}-${b.name}`);
    // The default run directory is known only now (it names the data and the model): the same
    // checks as an explicit --out, still before any training.
    if (cfg.out === undefined) checkOut(outDir, 'the default run directory (--out)', command, cfg);
    return { splits, model: b.model, modelName: b.name, outputs, outDir, backend, threads: cfg.threads };
  };
  const built = build(modelSpec, splits.info.sampleShape, outputs, new Rng(cfg.seed));
  return built instanceof Promise ? built.then(finish) : finish(built);
}

export function fmtMetric(name: 'accuracy' | 'mae', v: number, unit?: string): string {
  return name === 'accuracy' ? `${(v * 100).toFixed(2)}%` : `${v.toFixed(v !== 0 && Math.abs(v) < 0.1 ? 4 : 2)}${unit !== undefined ? ` ${unit}` : ''}`;
}

/**
 * A diverged run keeps what it had: the weights of the last finished epoch (fit restored them)
 * as last-good.safetensors and a summary saying where it stopped; the error then propagates.
 */
function saveDiverged(e: TrainingDivergedError, outDir: string, model: Module, meta: ModelMeta, cfg: TrainCommandConfig): void {
  const ckpt = join(outDir, 'last-good.safetensors');
  saveModelCheckpoint(ckpt, model, meta);
  writeJsonAtomic(join(outDir, 'summary.json'), {
    command: 'train', status: 'diverged', error: e.message, step: e.step, what: e.what, layer: e.layer,
    lastGoodEpoch: e.lastGoodEpoch, history: e.history, config: cfg, checkpoint: ckpt,
  });
  e.message += ` (saved the weights of epoch ${e.lastGoodEpoch} to ${ckpt})`;
}

/** `--resume <dir>` continues with the run's saved config: any other option is refused. */
export function onlyResume(argv: string[], dir: string, allowed: readonly string[] = []): void {
  const others = argv.filter((a) => a.startsWith('--') && !a.startsWith('--resume') && !allowed.includes(a.split('=')[0]));
  if (others.length > 0) throw new UsageError(`--resume ${dir} continues with the run's saved config; drop ${others.join(', ')}`);
}

/** `--resume <dir>`: the config saved in the run's state file (no other option may be given). */
function resumeConfig(argv: string[], dir: string): TrainCommandConfig {
  onlyResume(argv, dir);
  const path = join(dir, TRAIN_STATE_FILE);
  if (!existsSync(path)) {
    const done = existsSync(join(dir, 'summary.json')) ? ' (summary.json is there: the run finished)' : '';
    throw new UsageError(`--resume ${dir}: no ${TRAIN_STATE_FILE} in that directory${done}; it is written after every epoch of a tsdnas train run`);
  }
  const saved = readTrainStateConfig(path);
  return resolveConfig(TRAIN_COMMAND_SCHEMA, [{ values: { ...saved, out: dir, resume: dir }, where: path }]);
}

/** Synchronous unless wasm worker threads must start or stop first (--threads). */
export function runTrain(argv: string[]): void | Promise<void> {
  const parsed = parseCommand('train', TRAIN_COMMAND_SCHEMA, argv);
  const { positionals } = parsed;
  const cfg = parsed.config.resume !== undefined ? resumeConfig(argv, parsed.config.resume) : parsed.config;
  // `tsdnas train ecg200` must not silently train on the default dataset.
  if (positionals.length > 0) {
    throw new UsageError(`tsdnas train: unexpected argument '${positionals[0]}'; every setting is an option, e.g. --dataset ${positionals[0]} (see 'tsdnas train --help')`);
  }
  if (cfg.model !== undefined && isSeedName(cfg.model)) {
    const spec = SEED_MODELS[cfg.model];
    if (cfg.layout === 'image' && spec.spatialDims === 1) throw new UsageError(`--model ${cfg.model} takes sequences; drop --layout image`);
  }
  return withPreparedRun('train', cfg, (run) => withThreads(run, () => {
    const release = lockFreshRun(run.outDir, 'train', cfg);
    try {
      trainLocked(cfg, run);
    } catch (e) {
      explainInterrupt(e, 'train', run.outDir, existsSync(join(run.outDir, TRAIN_STATE_FILE)));
      throw e;
    } finally {
      release();
    }
  }));
}

function trainLocked(cfg: TrainCommandConfig, run: PreparedRun): void {
  const { splits, model, modelName, outputs, outDir } = run;
  const statePath = join(outDir, TRAIN_STATE_FILE);
  const { resume: _r, ...savedConfig } = cfg;
  const resumed = cfg.resume !== undefined ? loadTrainState(statePath, model).progress : undefined;
  const metricName = splits.info.metric;
  const log = (s: string) => process.stderr.write(s + '\n');
  if (resumed !== undefined) log(`tsdnas train: resuming ${outDir} after epoch ${resumed.epoch}/${cfg.epochs}${resumed.partial === undefined ? "" : ` and batch ${resumed.partial.batch} of epoch ${resumed.epoch + 1}`}`);
  log(`tsdnas train: ${splits.info.name} (${splits.train.length} train / ${splits.val.length} val / ${splits.test.length} test, input [${splits.info.sampleShape.join(', ')}]) with ${modelName}: ${model.numParameters().toLocaleString('en-US')} parameters; backend ${backendLabel(run)}`);
  let bar: ProgressBar | null = null;
  const meta: ModelMeta = {
    format: CHECKPOINT_FORMAT, model: modelName, inputShape: splits.info.sampleShape, outputs,
    dataset: splits.info.name, task: splits.info.task as ModelMeta['task'], scaler: null,
    ...(splits.info.preprocessing !== undefined ? { preprocessing: splits.info.preprocessing } : {}),
  };
  let result: ReturnType<typeof fit>;
  try {
    result = fit(model, splits, cfg as TrainConfig, withEvents<FitHooks>({
      onBatch: (epoch, done, total, loss) => {
        if (bar === null) bar = new ProgressBar({ total, label: `epoch ${epoch}/${cfg.epochs}` });
        bar.tick(1, { loss: loss.toFixed(4) });
        if (done === total) {
          bar.done();
          bar = null;
        }
      },
      onEpochEnd: (p) => saveTrainState(statePath, model, p, savedConfig),
      onEpoch: (r) => log(`epoch ${r.epoch}/${cfg.epochs}  train loss ${r.trainLoss.toFixed(4)} ${metricName} ${fmtMetric(metricName, r.trainMetric, splits.info.unit)}  val loss ${r.valLoss.toFixed(4)} ${metricName} ${fmtMetric(metricName, r.valMetric, splits.info.unit)}  lr ${r.lr.toExponential(2)}  ${r.seconds.toFixed(1)}s`),
    }, 'train'), resumed);
  } catch (e) {
    if (e instanceof TrainingDivergedError) {
      // The same target scaling fit uses, so a regression last-good checkpoint predicts in target units.
      const scaler = splits.info.task === 'regression' ? fitScaler(splits.train.y) : null;
      saveDiverged(e, outDir, model, { ...meta, scaler }, cfg);
    }
    throw e;
  }
  const test = evaluate(model, splits.test, result.ctx);
  const ckpt = join(outDir, 'model.safetensors');
  saveModelCheckpoint(ckpt, model, { ...meta, scaler: result.ctx.scaler });
  const summary = {
    command: 'train', dataset: splits.info.name, model: modelName, parameters: model.numParameters(), backend: run.backend, threads: run.threads, kernels: kernelStats(),
    config: cfg, data: splits.info, bestEpoch: result.bestEpoch, history: result.history,
    test: { loss: test.loss, [metricName]: test.metric, ...(test.macroF1 !== undefined ? { macroF1: test.macroF1 } : {}) },
    seconds: result.seconds, checkpoint: ckpt,
  };
  writeJsonAtomic(join(outDir, 'summary.json'), summary);
  // The run is complete (checkpoint and summary written): nothing left to resume.
  rmSync(statePath, { force: true });
  const f1 = test.macroF1 !== undefined ? `, macro-F1 ${(test.macroF1 * 100).toFixed(2)}%` : '';
  console.log(`test ${metricName}: ${fmtMetric(metricName, test.metric, splits.info.unit)}${f1} (best epoch ${result.bestEpoch}, ${result.seconds.toFixed(0)} s)`);
  console.log(`wrote ${ckpt} and ${join(outDir, 'summary.json')}`);
}
