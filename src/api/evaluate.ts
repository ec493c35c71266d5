/**
 * Evaluation and prediction that need only a model and data (no training config): what a
 * loaded checkpoint is checked with, and what `tsdnas eval` prints. Classification gives
 * accuracy, loss, macro-F1, the confusion matrix and per-class scores; regression gives MAE and
 * RMSE in target units (the network predicts standardised targets: pass the training scaler).
 */

import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { noGrad } from '../autograd/graph.js';
import type { Module } from '../nn/module.js';
import type { ArrayDataset } from '../data/types.js';
import { sampleSize } from '../data/types.js';
import { argmaxRow, macroF1, meanAbsoluteError } from '../nn/metrics.js';
import { confusionMatrix, perClassScores, rootMeanSquaredError, type ClassScores } from '../nn/confusion.js';
import { defaultLoss, taskLoss, type TargetScaler, type TaskKind } from '../nn/train/task.js';

export interface EvaluateOptions {
  /** Default: the dataset's task. */
  task?: TaskKind;
  /** Regression: prediction·std + mean gives target units (a checkpoint's meta.scaler, or fitScaler(train.y)); default none (identity). */
  scaler?: TargetScaler | null;
  /** Samples per forward pass (default 256); results do not depend on it. */
  batchSize?: number;
}

export interface ClassificationReport {
  task: 'classification';
  metricName: 'accuracy';
  /** = accuracy. */
  metric: number;
  accuracy: number;
  /** Mean cross-entropy. */
  loss: number;
  macroF1: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  perClass: ClassScores[];
  samples: number;
}

export interface RegressionReport {
  task: 'regression';
  metricName: 'mae';
  /** = mae. */
  metric: number;
  mae: number;
  rmse: number;
  /** Mean of the default regression loss (log-cosh on standardised targets), as training reports it. */
  loss: number;
  samples: number;
}

export type EvaluationReport = ClassificationReport | RegressionReport;

export interface ClassPrediction {
  task: 'classification';
  /** Predicted class per sample. */
  classes: Int32Array;
  /** Softmax probabilities, [n, numClasses] row-major. */
  probabilities: Float32Array;
  numClasses: number;
}

export interface ValuePrediction {
  task: 'regression';
  /** Predictions in target units (scaler applied). */
  values: Float32Array;
}

export type Prediction = ClassPrediction | ValuePrediction;

function batchSizeOf(o: { batchSize?: number }, who: string): number {
  const b = o.batchSize ?? 256;
  if (!(Number.isInteger(b) && b >= 1)) throw new Error(`${who}: batchSize must be a positive integer, got ${b}`);
  return b;
}

/** Forward passes in eval mode without a graph; `each` sees every batch's output. The mode is restored. */
function forEachBatch(model: Module, x: Float32Array, sampleShape: readonly number[], batchSize: number, each: (out: Tensor, start: number, n: number) => void): void {
  const per = sampleSize([...sampleShape]);
  const n = x.length / per;
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let s = 0; s < n; s += batchSize) {
        const k = Math.min(batchSize, n - s);
        each(model.call(tensor(x.subarray(s * per, (s + k) * per), [k, ...sampleShape])), s, k);
      }
    });
  } finally {
    model.train(wasTraining);
  }
}

function checkWidth(out: Tensor, task: TaskKind, who: string): number {
  if (out.ndim !== 2) throw new Error(`${who}: the model's output has shape [${out.shape.join(', ')}]; expected [N, classes] or [N, 1]`);
  const w = out.shape[1];
  if (task === 'regression' && w !== 1) throw new Error(`${who}: task 'regression' needs one output per sample but the model gives ${w}; pass task: 'classification'`);
  return w;
}

/** Metrics of `model` on `data` (eval mode, no gradients). */
export function evaluateModel(model: Module, data: ArrayDataset, o: EvaluateOptions = {}): EvaluationReport {
  const who = 'evaluateModel';
  const task = o.task ?? data.task;
  if (task !== 'classification' && task !== 'regression') throw new Error(`${who}: task must be 'classification' or 'regression', got '${String(task)}'`);
  const scaler = o.scaler ?? null;
  const settings = { loss: defaultLoss(task), labelSmoothing: 0, huberDelta: 1 };
  const preds: number[] = [];
  let width = 0;
  let lossSum = 0;
  forEachBatch(model, data.x, data.sampleShape, batchSizeOf(o, who), (out, s, k) => {
    width = checkWidth(out, task, who);
    const y = data.y.subarray(s, s + k);
    lossSum += taskLoss(out, y, task, settings, scaler).item() * k;
    const v = out.values();
    for (let i = 0; i < k; i++) preds.push(task === 'classification' ? argmaxRow(v, i, width) : v[i] * (scaler?.std ?? 1) + (scaler?.mean ?? 0));
  });
  const loss = lossSum / Math.max(data.length, 1);
  if (task === 'regression') {
    const mae = meanAbsoluteError(preds, data.y);
    return { task, metricName: 'mae', metric: mae, mae, rmse: rootMeanSquaredError(preds, data.y), loss, samples: data.length };
  }
  const k = Math.max(width, data.numClasses ?? 0);
  const confusion = confusionMatrix(preds, data.y, k);
  const accuracy = data.length === 0 ? NaN : confusion.reduce((a, row, c) => a + row[c], 0) / data.length;
  return { task, metricName: 'accuracy', metric: accuracy, accuracy, loss, macroF1: macroF1(preds, data.y, k), confusion, perClass: perClassScores(confusion), samples: data.length };
}

export interface PredictOptions {
  /** Default: the dataset's task, else 'regression' for a one-output model and 'classification' otherwise. */
  task?: TaskKind;
  /** Regression: maps the network's standardised output back to target units. */
  scaler?: TargetScaler | null;
  batchSize?: number;
}

/**
 * Predictions for samples: a dataset, or raw values `x` (n samples of `sampleShape`, contiguous,
 * channels-first). Classification: class indices and softmax probabilities; regression: values.
 */
export function predict(model: Module, x: Float32Array | ArrayDataset, sampleShape?: readonly number[], o: PredictOptions = {}): Prediction {
  const who = 'predict';
  const ds = x instanceof Float32Array ? null : x;
  const values = ds === null ? (x as Float32Array) : ds.x;
  const shape = sampleShape ?? ds?.sampleShape;
  if (!(values instanceof Float32Array)) throw new Error(`${who}: x must be a Float32Array or an ArrayDataset, got ${String(x)}`);
  if (shape === undefined) throw new Error(`${who}: give sampleShape (e.g. [channels, length]) with a raw Float32Array`);
  const per = sampleSize([...shape]);
  if (!(per > 0) || values.length % per !== 0) throw new Error(`${who}: ${values.length} values do not make whole samples of shape [${shape.join(', ')}]`);
  const n = values.length / per;
  let task = o.task ?? ds?.task;
  const scaler = o.scaler ?? null;
  const outs: Float32Array[] = [];
  let width = 0;
  forEachBatch(model, values, shape, batchSizeOf(o, who), (out) => {
    task ??= out.ndim === 2 && out.shape[1] === 1 ? 'regression' : 'classification';
    width = checkWidth(out, task, who);
    outs.push(Float32Array.from(out.values()));
  });
  task ??= 'classification';
  if (task === 'regression') {
    const v = new Float32Array(n);
    let i = 0;
    for (const b of outs) for (const y of b) v[i++] = y * (scaler?.std ?? 1) + (scaler?.mean ?? 0);
    return { task, values: v };
  }
  const probabilities = new Float32Array(n * width);
  const classes = new Int32Array(n);
  let row = 0;
  for (const b of outs) {
    for (let r = 0; r < b.length / width; r++, row++) {
      classes[row] = argmaxRow(b, r, width);
      const max = b[r * width + classes[row]];
      let z = 0;
      for (let j = 0; j < width; j++) z += Math.exp(b[r * width + j] - max);
      for (let j = 0; j < width; j++) probabilities[row * width + j] = Math.exp(b[r * width + j] - max) / z;
    }
  }
  return { task, classes, probabilities, numClasses: width };
}
