/**
 * `tsdnas quantize`: fixed-precision (or planned mixed-precision) quantisation-aware training.
 * Starts from a float checkpoint (e.g. a PIT sweep point's model.safetensors) or trains the seed
 * first; folds BatchNorm, calibrates the PACT clips on training data, fine-tunes the fake-quant
 * model with the ordinary training loop, integerises it and evaluates float, fake-quant and
 * integer models on the test split. Writes quantized.safetensors, integer.json and summary.json
 * (each atomically) to the run directory.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../../tensor/create.js';
import { TRAIN_SCHEMA, type TrainConfig } from '../../nn/train/config.js';
import { fit, taskContext, type FitHooks } from '../../search/train/fit.js';
import { evaluate } from '../../search/train/epoch.js';
import { batches } from '../../data/batches.js';
import type { Module } from '../../nn/module.js';
import { loadModelCheckpoint, saveModelCheckpoint, CHECKPOINT_FORMAT } from '../../io/checkpoint.js';
import { writeJsonAtomic } from '../../io/atomic.js';
import { describeSchema, type ConfigOf, type Schema } from '../../util/schema.js';
import { kernelStats } from '../../kernels/dispatch.js';
import { Rng } from '../../tensor/rng.js';
import { quantize, quantLayerInfo } from '../../quant/convert.js';
import { calibrate } from '../../quant/calibrate.js';
import { parsePlan, validatePlan } from '../../quant/plan.js';
import { integerize } from '../../quant/integer/engine.js';
import { integerModelJson } from '../../quant/integer/serialize.js';
import { saveQuantCheckpoint } from '../../io/quant-checkpoint.js';
import { evaluateInteger } from '../../quant/evaluate.js';
import { ProgressBar } from '../progress.js';
import { withEvents } from '../events.js';
import { parseCommand, UsageError } from '../args.js';
import { RUN_SCHEMA, withPreparedRun, fmtMetric, type PreparedRun } from './train.js';
import { backendLabel, withThreads } from '../threads.js';
import { lockFreshRun } from '../runOverwrite.js';

export const QUANTIZE_SCHEMA = {
  ...RUN_SCHEMA,
  ...TRAIN_SCHEMA,
  epochs: { type: 'number', default: 10, min: 0, integer: true, help: 'quantisation-aware fine-tuning epochs' },
  lr: { type: 'number', default: 2e-4, min: 0, help: 'learning rate of the quantisation-aware fine-tuning' },
  checkpoint: { type: 'optional-string', help: 'float model to quantise (model.safetensors of train / search / sweep); else the seed is trained first' },
  floatEpochs: { type: 'number', default: 20, min: 0, integer: true, help: 'epochs of float training when no --checkpoint is given' },
  floatLr: { type: 'number', default: 1e-3, min: 0, help: 'learning rate of that float training' },
  wBits: { type: 'number', default: 8, min: 2, max: 8, integer: true, help: 'weight precision of every layer (ignored with --plan)' },
  aBits: { type: 'number', default: 8, min: 2, max: 8, integer: true, help: 'activation precision of every layer (ignored with --plan)' },
  inputBits: { type: 'number', default: 0, min: 0, max: 8, integer: true, help: 'network-input precision (0 = same as --a-bits)' },
  plan: { type: 'optional-string', help: 'quantisation plan JSON (per-layer / per-channel precisions, e.g. from tsdnas mps) instead of uniform bits' },
  calibration: { type: 'string', default: 'max', help: "PACT clip calibration: 'max', or a percentile such as 99.99" },
  calibBatches: { type: 'number', default: 8, min: 1, integer: true, help: 'training batches used for calibration' },
  intLimit: { type: 'number', default: 0, min: 0, integer: true, help: 'evaluate the integer engine on at most this many test samples (0 = all)' },
} as const satisfies Schema;

export type QuantizeConfig = ConfigOf<typeof QUANTIZE_SCHEMA>;

export function quantizeHelp(): string {
  return `tsdnas quantize — quantisation-aware training (e.g. w8a8, w4a8) and integer deployment

usage: tsdnas quantize --dataset <name> [--model <seed> | --checkpoint model.safetensors] [--w-bits 8 --a-bits 8 | --plan plan.json] [options]

${describeSchema(QUANTIZE_SCHEMA)}

Outputs in --out: float.safetensors (when the float model was trained here), quantized.safetensors
(fake-quant model; reload with loadQuantCheckpoint), integer.json (packed integer model) and
summary.json (float / fake-quant / integer test metrics, agreement, packed bytes per layer).`;
}

function calibrationMethod(v: string): 'max' | number {
  if (v === 'max') return 'max';
  const p = Number(v);
  if (!(p > 0 && p <= 100)) throw new UsageError(`--calibration must be 'max' or a percentile in (0, 100], got '${v}'`);
  return p;
}

function progressHooks(label: string, epochs: number, log: (s: string) => void, metric: 'accuracy' | 'mae', splitsUnit?: string): FitHooks {
  let bar: ProgressBar | null = null;
  return withEvents({
    onBatch: (epoch, done, total, loss) => {
      if (bar === null) bar = new ProgressBar({ total, label: `${label} ${epoch}/${epochs}` });
      bar.tick(1, { loss: loss.toFixed(4) });
      if (done === total) {
        bar.done();
        bar = null;
      }
    },
    onEpoch: (r) => log(`${label} ${r.epoch}/${epochs}  train loss ${r.trainLoss.toFixed(4)}  val ${metric} ${fmtMetric(metric, r.valMetric, splitsUnit)}  ${r.seconds.toFixed(1)}s`),
  }, label);
}

/** Synchronous unless wasm worker threads must start or stop first (--threads). */
export function runQuantize(argv: string[]): void | Promise<void> {
  const { config: cfg, positionals } = parseCommand('quantize', QUANTIZE_SCHEMA, argv);
  if (positionals.length > 0) throw new UsageError(`tsdnas quantize: unexpected argument '${positionals[0]}'; every setting is an option (see 'tsdnas quantize --help')`);
  const method = calibrationMethod(cfg.calibration);
  const plan = cfg.plan === undefined ? undefined : parsePlan(readFileSync(cfg.plan, 'utf8'), cfg.plan);
  return withPreparedRun('quantize', cfg, (run) => withThreads(run, () => {
    // Two quantize runs into one --out must not interleave their files.
    const release = lockFreshRun(run.outDir, 'quantize', cfg);
    try {
      quantizeRun(cfg, run, plan, method);
    } finally {
      release();
    }
  }));
}

function quantizeRun(cfg: QuantizeConfig, run: PreparedRun, plan: ReturnType<typeof parsePlan> | undefined, method: 'max' | number): void {
  const { splits, outDir } = run;
  const metric = splits.info.metric;
  const splitsUnit = splits.info.unit;
  const log = (s: string) => process.stderr.write(s + '\n');
  const ctx = taskContext(splits, cfg as TrainConfig);
  const shape = splits.info.sampleShape;

  let floatModel: Module = run.model;
  let modelName = run.modelName;
  let floatSource = '';
  if (cfg.checkpoint !== undefined) {
    const ck = loadModelCheckpoint(cfg.checkpoint);
    if (ck.meta.inputShape.join() !== shape.join()) throw new UsageError(`--checkpoint ${cfg.checkpoint} takes inputs [${ck.meta.inputShape.join(', ')}] but ${cfg.dataset} gives [${shape.join(', ')}]; use the dataset (and --layout / --features) it was trained on`);
    floatModel = ck.model;
    modelName = ck.meta.model;
    floatSource = cfg.checkpoint;
    log(`tsdnas quantize: float model from ${cfg.checkpoint} (${modelName}, ${floatModel.numParameters().toLocaleString('en-US')} parameters)`);
  }
  // Every check before any training: a plan must fit the model's layers.
  if (plan !== undefined) validatePlan(plan, quantLayerInfo(floatModel, shape), cfg.plan);
  let floatTrained = false;
  if (cfg.checkpoint === undefined) {
    log(`tsdnas quantize: training the float ${modelName} on ${splits.info.name} (${splits.train.length} train) for ${cfg.floatEpochs} epochs; backend ${backendLabel(run)}`);
    fit(floatModel, splits, { ...(cfg as TrainConfig), epochs: cfg.floatEpochs, lr: cfg.floatLr }, progressHooks('float epoch', cfg.floatEpochs, log, metric, splitsUnit));
    floatSource = join(outDir, 'float.safetensors');
    floatTrained = true;
  }
  floatModel.eval();
  const floatTest = evaluate(floatModel, splits.test, ctx);
  log(`float test ${metric}: ${fmtMetric(metric, floatTest.metric, splitsUnit)}`);

  const precision = plan ?? { wBits: cfg.wBits, aBits: cfg.aBits, inputBits: cfg.inputBits === 0 ? cfg.aBits : cfg.inputBits };
  const label = plan !== undefined ? `plan ${cfg.plan}` : `w${cfg.wBits}a${cfg.aBits}`;
  const qmodel = quantize(floatModel, precision, { inputShape: shape });
  const calibSet = [...batches(splits.train, cfg.batchSize, { rng: new Rng(cfg.seed + 101) })].slice(0, cfg.calibBatches).map((b) => tensor(b.x, [b.n, ...shape]));
  const alphas = calibrate(qmodel, calibSet, { method });
  const ptq = evaluate(qmodel, splits.test, ctx);
  log(`${label} after calibration (${cfg.calibration}), before fine-tuning: test ${metric} ${fmtMetric(metric, ptq.metric, splitsUnit)}`);

  const qat = fit(qmodel, splits, cfg as TrainConfig, progressHooks('QAT epoch', cfg.epochs, log, metric, splitsUnit));
  qmodel.eval();
  const fqTest = evaluate(qmodel, splits.test, ctx);
  log(`${label} fake-quant test ${metric}: ${fmtMetric(metric, fqTest.metric, splitsUnit)}`);

  const im = integerize(qmodel);
  const intSamples = cfg.intLimit > 0 ? Math.min(cfg.intLimit, splits.test.length) : splits.test.length;
  let bar: ProgressBar | null = new ProgressBar({ total: Math.ceil(intSamples / 64), label: 'integer engine' });
  const intTest = evaluateInteger(im, qmodel, splits.test, ctx, { limit: cfg.intLimit, onBatch: (d, t) => { bar?.tick(1); if (d === t) { bar?.done(); bar = null; } } });
  const memory = im.memory();
  const weightBytes = memory.reduce((s, l) => s + l.weightBytes, 0);
  const biasBytes = memory.reduce((s, l) => s + l.biasBytes, 0);
  const float32Bytes = qmodel.layers().reduce((s, l) => s + 4 * (l.weight.size + l.bias.size), 0);

  const qPath = join(outDir, 'quantized.safetensors');
  const iPath = join(outDir, 'integer.json');
  const prep = splits.info.preprocessing !== undefined ? { preprocessing: splits.info.preprocessing } : {};
  if (floatTrained) saveModelCheckpoint(floatSource, floatModel, { format: CHECKPOINT_FORMAT, model: modelName, inputShape: shape, outputs: run.outputs, dataset: splits.info.name, task: splits.info.task, scaler: ctx.scaler, ...prep });
  saveQuantCheckpoint(qPath, qmodel, floatModel, { model: modelName, inputShape: shape, outputs: run.outputs, dataset: splits.info.name, task: splits.info.task, scaler: ctx.scaler, ...prep });
  writeJsonAtomic(iPath, integerModelJson(im));
  const summary = {
    command: 'quantize', dataset: splits.info.name, model: modelName, precision: label, floatSource, backend: run.backend, threads: run.threads, kernels: kernelStats(),
    config: cfg, data: splits.info,
    test: {
      float: floatTest.metric,
      fakeQuantCalibrated: ptq.metric,
      fakeQuant: fqTest.metric,
      integer: intTest.metric,
      integerSamples: intTest.samples,
      integerVsFakeQuantAgreement: intTest.agreement,
      integerVsFakeQuantMaxOutputDiff: intTest.maxOutputDiff,
      fakeQuantOnIntegerSamples: intTest.fakeQuantMetric,
      metric,
    },
    memory: { weightBytes, biasBytes, totalBytes: weightBytes + biasBytes, float32Bytes, layers: memory },
    clips: alphas.map((a, i) => ({ role: a.role, calibrated: a.alpha, trained: qmodel.quantizers()[i].alpha.item() })),
    plan: qmodel.plan, qatBestEpoch: qat.bestEpoch, qatHistory: qat.history, qatSeconds: qat.seconds,
    outputs: { quantized: qPath, integer: iPath },
  };
  writeJsonAtomic(join(outDir, 'summary.json'), summary);
  console.log(`${splits.info.name} ${modelName} ${label}: float ${fmtMetric(metric, floatTest.metric, splitsUnit)}, fake-quant ${fmtMetric(metric, fqTest.metric, splitsUnit)} (calibrated only ${fmtMetric(metric, ptq.metric, splitsUnit)}), integer ${fmtMetric(metric, intTest.metric, splitsUnit)} on ${intTest.samples} samples (fake-quant on the same samples ${fmtMetric(metric, intTest.fakeQuantMetric, splitsUnit)}; agrees with fake-quant on ${(intTest.agreement * 100).toFixed(2)}%); weights ${weightBytes.toLocaleString('en-US')} B packed + bias ${biasBytes.toLocaleString('en-US')} B (float32: ${float32Bytes.toLocaleString('en-US')} B)`);
  console.log(`wrote ${qPath}, ${iPath} and ${join(outDir, 'summary.json')}`);
}
