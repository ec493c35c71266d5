/**
 * Task metrics computed from predictions: accuracy and macro-F1 for classification, mean
 * absolute error for regression. Pure functions over typed arrays.
 */

/** Fraction of rows of `logits` [n, k] whose argmax equals the target. */
export function accuracy(logits: ArrayLike<number>, k: number, targets: ArrayLike<number>): number {
  const n = targets.length;
  if (n === 0) return NaN;
  let correct = 0;
  for (let i = 0; i < n; i++) if (argmaxRow(logits, i, k) === targets[i]) correct++;
  return correct / n;
}

export function argmaxRow(logits: ArrayLike<number>, row: number, k: number): number {
  let best = 0;
  let bv = logits[row * k];
  for (let j = 1; j < k; j++) {
    const v = logits[row * k + j];
    if (v > bv) {
      bv = v;
      best = j;
    }
  }
  return best;
}

/** Unweighted mean over classes of F1 (classes absent from both predictions and targets are skipped). */
export function macroF1(predicted: ArrayLike<number>, targets: ArrayLike<number>, numClasses: number): number {
  const tp = new Float64Array(numClasses);
  const fp = new Float64Array(numClasses);
  const fn = new Float64Array(numClasses);
  for (let i = 0; i < targets.length; i++) {
    const p = predicted[i];
    const t = targets[i];
    if (p === t) tp[t]++;
    else {
      fp[p]++;
      fn[t]++;
    }
  }
  let sum = 0;
  let count = 0;
  for (let c = 0; c < numClasses; c++) {
    if (tp[c] + fp[c] + fn[c] === 0) continue;
    sum += (2 * tp[c]) / (2 * tp[c] + fp[c] + fn[c]);
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

export function meanAbsoluteError(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < target.length; i++) s += Math.abs(pred[i] - target[i]);
  return target.length === 0 ? NaN : s / target.length;
}
