/**
 * What a training run optimises and reports for a dataset's task: the loss from model outputs
 * and targets, the metric, and the target scaling used for regression (the network predicts
 * standardised targets, so a BPM-scale bias need not be learned from zero).
 */

import type { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/create.js';
import { reshape } from '../../autograd/ops/movement.js';
import { crossEntropy, huberLoss, l1Loss, logCoshLoss, mseLoss, type LossName } from '../losses.js';
import { argmaxRow, macroF1, meanAbsoluteError } from '../metrics.js';

export type TaskKind = 'classification' | 'regression';

export interface TargetScaler {
  mean: number;
  std: number;
}

export interface LossSettings {
  loss: LossName;
  labelSmoothing: number;
  huberDelta: number;
}

export function defaultLoss(task: TaskKind): LossName {
  return task === 'classification' ? 'cross-entropy' : 'logcosh';
}

export function fitScaler(y: ArrayLike<number>): TargetScaler {
  let m = 0;
  for (let i = 0; i < y.length; i++) m += y[i];
  m /= Math.max(y.length, 1);
  let v = 0;
  for (let i = 0; i < y.length; i++) v += (y[i] - m) ** 2;
  const std = Math.sqrt(v / Math.max(y.length, 1));
  return { mean: m, std: std > 0 ? std : 1 };
}

/** The loss of a batch: outputs [n, k] against class indices, or [n, 1] against scaled targets. */
export function taskLoss(out: Tensor, y: Int32Array | Float32Array, task: TaskKind, s: LossSettings, scaler: TargetScaler | null): Tensor {
  if (task === 'classification') {
    if (s.loss !== 'cross-entropy') throw new Error(`loss '${s.loss}' does not fit a classification task; use 'cross-entropy'`);
    return crossEntropy(out, y, { labelSmoothing: s.labelSmoothing });
  }
  if (out.ndim !== 2 || out.shape[1] !== 1) throw new Error(`regression output must be [N, 1], got [${out.shape.join(', ')}]`);
  const sc = scaler ?? { mean: 0, std: 1 };
  const t = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) t[i] = (y[i] - sc.mean) / sc.std;
  const pred = reshape(out, [out.shape[0]]);
  const target = tensor(t, [t.length], { dtype: pred.dtype });
  switch (s.loss) {
    case 'mse': return mseLoss(pred, target);
    case 'l1': return l1Loss(pred, target);
    case 'huber': return huberLoss(pred, target, s.huberDelta);
    case 'logcosh': return logCoshLoss(pred, target);
    default: throw new Error(`loss '${s.loss}' does not fit a regression task; use mse, l1, huber or logcosh`);
  }
}

export interface MetricSummary {
  /** accuracy (classification) or MAE in target units (regression). */
  metric: number;
  metricName: 'accuracy' | 'mae';
  macroF1?: number;
}

/** Accumulates predictions over batches and summarises them. */
export class MetricAccumulator {
  private readonly preds: number[] = [];
  private readonly targets: number[] = [];
  constructor(private readonly task: TaskKind, private readonly numClasses: number, private readonly scaler: TargetScaler | null) {}

  add(outputs: ArrayLike<number>, y: ArrayLike<number>): void {
    if (this.task === 'classification') {
      for (let i = 0; i < y.length; i++) this.preds.push(argmaxRow(outputs, i, this.numClasses));
    } else {
      const sc = this.scaler ?? { mean: 0, std: 1 };
      for (let i = 0; i < y.length; i++) this.preds.push(outputs[i] * sc.std + sc.mean);
    }
    for (let i = 0; i < y.length; i++) this.targets.push(y[i]);
  }

  /** The predictions and targets so far (to continue an interrupted epoch). */
  state(): { preds: number[]; targets: number[] } {
    return { preds: [...this.preds], targets: [...this.targets] };
  }

  restore(s: { preds: readonly number[]; targets: readonly number[] }): void {
    this.preds.push(...s.preds);
    this.targets.push(...s.targets);
  }

  summary(): MetricSummary {
    if (this.task === 'classification') {
      const n = this.targets.length;
      let correct = 0;
      for (let i = 0; i < n; i++) if (this.preds[i] === this.targets[i]) correct++;
      return { metric: n === 0 ? NaN : correct / n, metricName: 'accuracy', macroF1: macroF1(this.preds, this.targets, this.numClasses) };
    }
    return { metric: meanAbsoluteError(this.preds, this.targets), metricName: 'mae' };
  }

  /** Higher is better: accuracy, or −MAE. */
  static score(s: MetricSummary): number {
    return s.metricName === 'accuracy' ? s.metric : -s.metric;
  }
}

