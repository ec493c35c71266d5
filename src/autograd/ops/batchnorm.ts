/**
 * Batch normalisation over axis 1 of [N, C, ...] as one differentiable op (with an optional
 * fused ReLU): the batch statistics, the affine map and, in backward, all three gradients in
 * one pass each, instead of the dozen broadcasting ops (and their temporaries) that composing
 * it from mean, variance, sub, div, mul and add records. The same maths as that composition;
 * the sums run in float64, so values agree with it to rounding, not bit for bit.
 */

import { allocate, promote } from '../../tensor/dtype.js';
import { fmtShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { kernel } from '../../kernels/dispatch.js';
import { record } from '../graph.js';
import { make } from './util.js';
import { cast } from './movement.js';

export interface BatchNormOpOptions {
  /** Normalise with the batch's statistics (training) or with `runningMean` / `runningVar`. */
  training: boolean;
  eps: number;
  /** Required when not training: the statistics to normalise with ([C] each). */
  runningMean?: Tensor;
  runningVar?: Tensor;
  /** Apply ReLU to the output inside the op (the values and gradients of relu(batchNorm(…))). */
  relu?: boolean;
}

export interface BatchNormResult {
  y: Tensor;
  /** Training only: the batch mean and biased variance per channel (for the running statistics). */
  mean: Float64Array | null;
  variance: Float64Array | null;
}

/**
 * y = (x − μ)/√(σ² + eps)·weight + bias per channel of axis 1, μ and σ² the batch's (biased)
 * statistics in training, the running ones otherwise. weight / bias may be null (no affine).
 */
export function batchNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, opts: BatchNormOpOptions): BatchNormResult {
  const op = 'batchNorm';
  if (x.ndim < 2) throw new Error(`${op}: input must be [N, C, ...], got ${fmtShape(x.shape)}`);
  const n = x.shape[0];
  const c = x.shape[1];
  const s = x.size / Math.max(1, n * c);
  for (const [name, t] of [['weight', weight], ['bias', bias], ['runningMean', opts.runningMean], ['runningVar', opts.runningVar]] as const) {
    if (t != null && (t.ndim !== 1 || t.shape[0] !== c)) throw new Error(`${op}: ${name} must be [${c}] for input ${fmtShape(x.shape)}, got ${fmtShape(t.shape)}`);
  }
  if (!(opts.eps >= 0)) throw new Error(`${op}: eps must be ≥ 0, got ${opts.eps}`);
  const dt = promote(x.dtype, weight?.dtype ?? x.dtype);
  const xv = (x.dtype === dt ? x : cast(x, dt)).values();
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  if (opts.training) {
    if (n * s < 2) throw new Error(`${op}: training needs more than one value per channel, got input ${fmtShape(x.shape)}`);
  } else {
    if (opts.runningMean === undefined || opts.runningVar === undefined) throw new Error(`${op}: eval mode needs runningMean and runningVar`);
    mean.set(opts.runningMean.values());
    variance.set(opts.runningVar.values());
  }
  const invstd = new Float64Array(c);
  const k = new Float64Array(c);
  const relu = opts.relu === true;
  const out = allocate(dt, x.size);
  kernel('batchNormForward')(xv, n, c, s, opts.training, opts.eps, weight?.values() ?? null, bias?.values() ?? null, mean, variance, invstd, k, out, relu);
  const inputs = [x, ...(weight === null ? [] : [weight]), ...(bias === null ? [] : [bias])];
  const y = record('batchNorm', inputs, make(out, x.shape), {
    n, c, s, mean, invstd, k, training: opts.training, relu, hasWeight: weight !== null, hasBias: bias !== null,
  });
  return { y, mean: opts.training ? mean : null, variance: opts.training ? variance : null };
}
