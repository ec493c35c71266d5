/**
 * Loss functions. Classification losses take logits (or log-probabilities for NLL) of shape
 * [N, K] and integer class targets; regression losses take predictions and targets of the same
 * shape. `reduction` is 'mean' (default), 'sum' or 'none'.
 */

import { fmtShape, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { abs, add, logcosh as logcoshOp, minimum, mul, neg, sub } from '../autograd/ops/elementwise.js';
import { mean, sum } from '../autograd/ops/reduce.js';
import { takeAlong } from '../autograd/ops/movement.js';
import { logSoftmax } from '../autograd/ops/softmax.js';

export type Reduction = 'mean' | 'sum' | 'none';

function reduce(t: Tensor, reduction: Reduction, op: string): Tensor {
  if (reduction === 'mean') return mean(t);
  if (reduction === 'sum') return sum(t);
  if (reduction === 'none') return t;
  throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
}

function checkTargets(op: string, x: Tensor, targets: ArrayLike<number>): Int32Array {
  if (x.ndim !== 2) throw new Error(`${op}: input must be [N, classes], got ${fmtShape(x.shape)}`);
  const [n, k] = x.shape;
  if (targets.length !== n) throw new Error(`${op}: ${targets.length} targets for a batch of ${n} (input ${fmtShape(x.shape)})`);
  const t = Int32Array.from(targets);
  for (let i = 0; i < n; i++) {
    if (!(t[i] >= 0 && t[i] < k) || t[i] !== targets[i]) {
      throw new Error(`${op}: target ${targets[i]} at position ${i} is not a class index in [0, ${k})`);
    }
  }
  return t;
}

export interface CrossEntropyOptions {
  reduction?: Reduction;
  /** ε: the target becomes (1−ε)·one-hot + ε/K (PyTorch's label_smoothing). */
  labelSmoothing?: number;
}

/** Cross-entropy from logits, with a stable log-softmax. */
export function crossEntropy(logits: Tensor, targets: ArrayLike<number>, opts: CrossEntropyOptions = {}): Tensor {
  const t = checkTargets('crossEntropy', logits, targets);
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  const logp = logSoftmax(logits, 1);
  let loss = neg(takeAlong(logp, 1, t));
  if (eps > 0) loss = add(mul(loss, 1 - eps), mul(neg(mean(logp, 1)), eps));
  return reduce(loss, opts.reduction ?? 'mean', 'crossEntropy');
}

/** Negative log-likelihood of log-probabilities. */
export function nllLoss(logProbs: Tensor, targets: ArrayLike<number>, reduction: Reduction = 'mean'): Tensor {
  const t = checkTargets('nllLoss', logProbs, targets);
  return reduce(neg(takeAlong(logProbs, 1, t)), reduction, 'nllLoss');
}

function residual(op: string, pred: Tensor, target: Tensor): Tensor {
  if (!sameShape(pred.shape, target.shape)) {
    throw new Error(`${op}: prediction ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)} must have the same shape (reshape one of them)`);
  }
  return sub(pred, target);
}

export function mseLoss(pred: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  const r = residual('mseLoss', pred, target);
  return reduce(mul(r, r), reduction, 'mseLoss');
}

export function l1Loss(pred: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return reduce(abs(residual('l1Loss', pred, target)), reduction, 'l1Loss');
}

/** Huber: ½r² for |r| < δ, else δ(|r| − ½δ); written as ½q² + δ(|r| − q) with q = min(|r|, δ). */
export function huberLoss(pred: Tensor, target: Tensor, delta = 1, reduction: Reduction = 'mean'): Tensor {
  if (!(delta > 0)) throw new Error(`huberLoss: delta must be > 0, got ${delta}`);
  const a = abs(residual('huberLoss', pred, target));
  const q = minimum(a, delta);
  return reduce(add(mul(mul(q, q), 0.5), mul(sub(a, q), delta)), reduction, 'huberLoss');
}

export function logCoshLoss(pred: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return reduce(logcoshOp(residual('logCoshLoss', pred, target)), reduction, 'logCoshLoss');
}

export const LOSS_NAMES = ['cross-entropy', 'nll', 'mse', 'l1', 'huber', 'logcosh'] as const;
export type LossName = (typeof LOSS_NAMES)[number];
