/**
 * Per-class metrics of a classifier: the confusion matrix and each class's precision, recall
 * and F1, plus the root-mean-square error of a regressor. Pure functions over arrays, like
 * metrics.ts; kept apart because they return tables rather than one number.
 */

/** counts[t][p]: samples of true class t predicted as p (rows = truth, as scikit-learn prints it). */
export function confusionMatrix(predicted: ArrayLike<number>, targets: ArrayLike<number>, numClasses: number): number[][] {
  if (predicted.length !== targets.length) throw new Error(`confusionMatrix: ${predicted.length} predictions for ${targets.length} targets`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    const p = predicted[i];
    if (!(Number.isInteger(t) && t >= 0 && t < numClasses)) throw new Error(`confusionMatrix: target ${t} at position ${i} is not a class index 0..${numClasses - 1}`);
    if (!(Number.isInteger(p) && p >= 0 && p < numClasses)) throw new Error(`confusionMatrix: prediction ${p} at position ${i} is not a class index 0..${numClasses - 1}`);
    m[t][p]++;
  }
  return m;
}

export interface ClassScores {
  /** Of the samples predicted as the class, the fraction that are (NaN when none was predicted). */
  precision: number;
  /** Of the samples of the class, the fraction found (NaN when the class has none). */
  recall: number;
  /** Harmonic mean of precision and recall (0 when the class was neither found nor predicted correctly). */
  f1: number;
  /** Samples of the class. */
  support: number;
}

/** Each class's precision, recall, F1 and support from a confusion matrix. */
export function perClassScores(confusion: readonly (readonly number[])[]): ClassScores[] {
  const k = confusion.length;
  return confusion.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let t = 0; t < k; t++) predicted += confusion[t][c];
    const denom = support + predicted;
    return {
      precision: predicted === 0 ? NaN : tp / predicted,
      recall: support === 0 ? NaN : tp / support,
      f1: denom === 0 ? NaN : (2 * tp) / denom,
      support,
    };
  });
}

export function rootMeanSquaredError(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < target.length; i++) s += (pred[i] - target[i]) ** 2;
  return target.length === 0 ? NaN : Math.sqrt(s / target.length);
}
