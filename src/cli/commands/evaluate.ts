/**
 * `tsdnas eval` and `tsdnas predict`: apply a trained model (a run directory or a checkpoint,
 * float or quantised) to a named dataset or to the user's own files, with the preprocessing saved
 * in the model. eval prints the metric, macro-F1, the confusion matrix and per-class scores (MAE
 * and RMSE for regression); predict writes one prediction per sample as CSV or .npy.
 */

import { extname } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../io/atomic.js';
import { encodeNpy } from '../../io/npy.js';
import { evaluateModel, predict, type ClassificationReport, type EvaluationReport } from '../../api/evaluate.js';
import { makeDataset } from '../../data/split.js';
import { describeSchema, type ConfigOf, type Schema } from '../../util/schema.js';
import { parseCommand, UsageError } from '../args.js';
import { loadTrainedModel } from '../modelSource.js';
import { dataForModel, type ModelData } from '../modelData.js';
import { chooseBackend } from './train.js';

const COMMON = {
  model: { type: 'optional-string', help: 'the trained model: a checkpoint (.safetensors) or a run / point directory holding model.safetensors or quantized.safetensors' },
  dataset: { type: 'optional-string', help: 'a named dataset, a data file or folder, or a dataset description (.json); prepared with the model\'s saved preprocessing' },
  split: { type: 'string', default: 'auto', choices: ['auto', 'test', 'all'], help: "rows to use: 'test' (the test file, or the rows held out when the model was trained), 'all', or 'auto' (test when the data defines one, else all)" },
  dataDir: { type: 'optional-string', help: 'data directory of the named datasets (else $TSDNAS_DATA_DIR, else ../shared/data)' },
  backend: { type: 'string', default: 'auto', choices: ['auto', 'js', 'wasm'], help: 'kernel backend' },
} as const satisfies Schema;

export const EVAL_SCHEMA = {
  ...COMMON,
  out: { type: 'optional-string', help: 'also write the full report as JSON to this file' },
} as const satisfies Schema;

export const PREDICT_SCHEMA = {
  ...COMMON,
  out: { type: 'optional-string', help: 'predictions file: .csv (row, source, prediction, probabilities) or .npy (class indices, or values)' },
} as const satisfies Schema;

export function evalHelp(): string {
  return `tsdnas eval — evaluate a trained model on a dataset

usage: tsdnas eval --model <run-dir | checkpoint> --dataset <name | path | description.json> [options]

${describeSchema(EVAL_SCHEMA)}

Classification: accuracy, macro-F1, the confusion matrix (rows = true class, columns = predicted)
and precision / recall / F1 per class. Regression: MAE and RMSE in target units. New files are
prepared exactly as the model's training data was (its saved classes, length, normalisation and
front end); labels the model does not know are refused — map them with "labelMap" in a dataset
description.`;
}

export function predictHelp(): string {
  return `tsdnas predict — predictions of a trained model for every sample of a dataset

usage: tsdnas predict --model <run-dir | checkpoint> --dataset <path | description.json> --out <preds.csv | preds.npy> [options]

${describeSchema(PREDICT_SCHEMA)}

The CSV has one line per sample: its index, where it came from (file and row), the predicted
class label (or value) and, for classification, one probability column per class. The .npy holds
the predicted class indices (int32) or values (float32), one per sample.`;
}

type CommonConfig = ConfigOf<typeof COMMON>;

function parse<S extends typeof EVAL_SCHEMA | typeof PREDICT_SCHEMA>(command: string, argv: string[], schema: S): ConfigOf<S> {
  const { config: cfg, positionals } = parseCommand(command, schema, argv);
  if (positionals.length > 0) throw new UsageError(`tsdnas ${command}: unexpected argument '${positionals[0]}'; use --model and --dataset`);
  if (cfg.model === undefined) throw new UsageError(`tsdnas ${command}: --model is required (a checkpoint or a run directory)`);
  if (cfg.dataset === undefined) throw new UsageError(`tsdnas ${command}: --dataset is required (a named dataset, a data file or folder, or a description .json)`);
  return cfg;
}

/** The model and the data prepared for it (after the options were checked). */
function load(command: string, cfg: CommonConfig) {
  chooseBackend(cfg.backend);
  const loaded = loadTrainedModel(cfg.model!, '--model', command);
  const data = dataForModel(cfg.dataset!, loaded.meta, cfg.split as 'auto' | 'test' | 'all', cfg.dataDir, command);
  if (data.count === 0) throw new UsageError(`tsdnas ${command}: no samples in ${data.source}`);
  return { loaded, data };
}

function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '–';
}

function printClassification(r: ClassificationReport, classes: string[]): void {
  console.log(`accuracy ${pct(r.accuracy)}  macro-F1 ${pct(r.macroF1)}  loss ${r.loss.toFixed(4)}  (${r.samples} samples)`);
  const names = r.confusion.map((_, i) => classes[i] ?? String(i));
  const w = Math.max(6, ...names.map((n) => n.length), ...r.confusion.flat().map((v) => String(v).length)) + 1;
  console.log(`\nconfusion matrix (rows: true class, columns: predicted)`);
  console.log(`${''.padEnd(w)}${names.map((n) => n.padStart(w)).join('')}`);
  r.confusion.forEach((row, i) => console.log(`${names[i].padEnd(w)}${row.map((v) => String(v).padStart(w)).join('')}`));
  console.log(`\n${'class'.padEnd(w)}${'precision'.padStart(11)}${'recall'.padStart(9)}${'F1'.padStart(9)}${'support'.padStart(9)}`);
  r.perClass.forEach((s, i) => {
    const support = r.confusion[i].reduce((a, b) => a + b, 0);
    console.log(`${names[i].padEnd(w)}${pct(s.precision).padStart(11)}${pct(s.recall).padStart(9)}${pct(s.f1).padStart(9)}${String(support).padStart(9)}`);
  });
}

export function runEval(argv: string[]): void {
  const cfg = parse('eval', argv, EVAL_SCHEMA);
  const { loaded, data } = load('eval', cfg);
  if (data.y === null) throw new UsageError(`tsdnas eval: ${data.source} has no labels to evaluate against; use tsdnas predict for unlabelled data`);
  const ds = makeDataset(loaded.meta.dataset ?? 'data', data.x, data.sampleShape, data.y, data.task, data.classes?.length);
  const report: EvaluationReport = evaluateModel(loaded.model, ds, { task: data.task, scaler: loaded.meta.scaler ?? null });
  process.stderr.write(`tsdnas eval: ${loaded.path} (${loaded.kind === 'quant' ? 'fake-quant' : 'float'} ${loaded.meta.model}, trained on ${loaded.meta.dataset ?? '?'}) on ${data.notes}\n`);
  if (report.task === 'classification') printClassification(report, data.classes ?? []);
  else console.log(`MAE ${report.mae.toPrecision(5)}  RMSE ${report.rmse.toPrecision(5)}  (${report.samples} samples)`);
  if (cfg.out !== undefined) {
    writeJsonAtomic(cfg.out, { command: 'eval', model: loaded.path, dataset: cfg.dataset, rows: data.part, source: data.source, classes: data.classes, ...report });
    console.log(`wrote ${cfg.out}`);
  }
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function runPredict(argv: string[]): void {
  const cfg = parse('predict', argv, PREDICT_SCHEMA);
  if (cfg.out === undefined) throw new UsageError('tsdnas predict: --out is required (preds.csv or preds.npy)');
  const ext = extname(cfg.out).toLowerCase();
  if (ext !== '.csv' && ext !== '.npy') throw new UsageError(`tsdnas predict: --out ${cfg.out} must end in .csv or .npy`);
  // Validated before any work; the file is written in one atomic step at the end.
  const { loaded, data } = load('predict', cfg);
  const p = predict(loaded.model, data.x, data.sampleShape, { task: data.task, scaler: loaded.meta.scaler ?? null });
  const out = cfg.out;
  if (ext === '.npy') {
    writeFileAtomic(out, p.task === 'classification' ? encodeNpy(p.classes, [p.classes.length]) : encodeNpy(p.values, [p.values.length]));
  } else {
    writeFileAtomic(out, predictionsCsv(p, data));
  }
  process.stderr.write(`tsdnas predict: ${loaded.path} on ${data.notes}\n`);
  console.log(`wrote ${data.count} predictions to ${out}`);
}

function predictionsCsv(p: ReturnType<typeof predict>, data: ModelData): string {
  const lines: string[] = [];
  const hasLabel = data.y !== null;
  if (p.task === 'classification') {
    const names = Array.from({ length: p.numClasses }, (_, c) => data.classes?.[c] ?? String(c));
    lines.push(['index', 'source', 'predicted', ...(hasLabel ? ['label'] : []), ...names.map((n) => `p_${n}`)].map(csvCell).join(','));
    for (let i = 0; i < p.classes.length; i++) {
      const probs = Array.from(p.probabilities.subarray(i * p.numClasses, (i + 1) * p.numClasses), (v) => v.toPrecision(6));
      lines.push([String(i), data.rowNames[i], names[p.classes[i]], ...(hasLabel ? [names[data.y![i]]] : []), ...probs].map(csvCell).join(','));
    }
  } else {
    lines.push(['index', 'source', 'predicted', ...(hasLabel ? ['target'] : [])].join(','));
    for (let i = 0; i < p.values.length; i++) lines.push([String(i), csvCell(data.rowNames[i]), p.values[i].toPrecision(7), ...(hasLabel ? [String(data.y![i])] : [])].join(','));
  }
  return lines.join('\n') + '\n';
}

