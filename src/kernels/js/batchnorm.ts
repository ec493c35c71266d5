/**
 * Batch normalisation over x viewed as [n, c, s] (s = the spatial size): forward = the batch
 * statistics and the affine map (with an optional ReLU), backward = all gradients in two passes. They
 * replace the dozen broadcasting ops a composed BatchNorm records; every sum runs in float64 in
 * the same order (sample by sample, then along the row), so the bits do not depend on the backend.
 */

import type { TypedArray } from '../../tensor/dtype.js';

/** mean[c] and the biased variance[c] of x [n, c, s] (two passes: the variance sums squared deviations). */
function batchNormStats(x: TypedArray, n: number, c: number, s: number, mean: Float64Array, variance: Float64Array): void {
  const m = n * s;
  for (let ch = 0; ch < c; ch++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const o = (i * c + ch) * s;
      for (let j = 0; j < s; j++) sum += x[o + j];
    }
    const mu = sum / m;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const o = (i * c + ch) * s;
      for (let j = 0; j < s; j++) {
        const d = x[o + j] - mu;
        sq += d * d;
      }
    }
    mean[ch] = mu;
    variance[ch] = sq / m;
  }
}

/** out = (x − mean[c]) · k[c] + shift[c] in float64, then max(·, 0) when `relu` (NaN and −0 give +0, as the relu kernel). */
function batchNormApply(
  x: TypedArray, n: number, c: number, s: number, mean: Float64Array, k: Float64Array, shift: Float64Array, out: TypedArray, relu: boolean,
): void {
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const o = (i * c + ch) * s;
      const mu = mean[ch];
      const kc = k[ch];
      const sc = shift[ch];
      if (relu) {
        for (let j = 0; j < s; j++) {
          const v = (x[o + j] - mu) * kc + sc;
          out[o + j] = v > 0 ? v : 0;
        }
      } else for (let j = 0; j < s; j++) out[o + j] = (x[o + j] - mu) * kc + sc;
    }
  }
}

/**
 * The per-channel factors of the affine map: invstd = 1/√(variance + eps), k = invstd·weight,
 * shift = bias (weight 1 and bias 0 when null). Shared by every backend's batchNormForward.
 */
export function batchNormFactors(
  c: number, eps: number, variance: Float64Array, weight: ArrayLike<number> | null, bias: ArrayLike<number> | null,
  invstd: Float64Array, k: Float64Array, shift: Float64Array,
): void {
  for (let ch = 0; ch < c; ch++) {
    invstd[ch] = 1 / Math.sqrt(variance[ch] + eps);
    k[ch] = invstd[ch] * (weight === null ? 1 : weight[ch]);
    shift[ch] = bias === null ? 0 : bias[ch];
  }
}

/**
 * y = (x − μ)·invstd·weight + bias over x [n, c, s], then ReLU when `relu`. With `training` the
 * batch's mean and biased variance are computed into `mean` / `variance`; otherwise they are read
 * from them (the running statistics). invstd and k = invstd·weight are written for backward.
 */
export function batchNormForward(
  x: TypedArray, n: number, c: number, s: number, training: boolean, eps: number,
  weight: ArrayLike<number> | null, bias: ArrayLike<number> | null,
  mean: Float64Array, variance: Float64Array, invstd: Float64Array, k: Float64Array, out: TypedArray, relu: boolean,
): void {
  if (training) batchNormStats(x, n, c, s, mean, variance);
  const shift = new Float64Array(c);
  batchNormFactors(c, eps, variance, weight, bias, invstd, k, shift);
  batchNormApply(x, n, c, s, mean, k, shift, out, relu);
}

/**
 * Gradients of y = (x − mean)·invstd·w + b (k = w·invstd), then ReLU when `reluOut` (the op's
 * output) is given: dy is read as 0 where reluOut ≤ 0. With `training` the statistics are the
 * batch's, so dx carries their terms: dx = k·(dy − Σdy/m − x̂·Σ(dy·x̂)/m); otherwise dx = k·dy.
 * dw = Σ dy·x̂ and db = Σ dy (each output skipped when null; dx, dw, db are overwritten).
 */
export function batchNormBackward(
  x: TypedArray, dy: TypedArray, reluOut: TypedArray | null, n: number, c: number, s: number,
  mean: Float64Array, invstd: Float64Array, k: Float64Array, training: boolean,
  dx: TypedArray | null, dw: TypedArray | null, db: TypedArray | null,
): void {
  const m = n * s;
  for (let ch = 0; ch < c; ch++) {
    const mu = mean[ch];
    let sdy = 0;
    let sdyx = 0;
    for (let i = 0; i < n; i++) {
      const o = (i * c + ch) * s;
      if (reluOut === null) {
        for (let j = 0; j < s; j++) {
          const g = dy[o + j];
          sdy += g;
          sdyx += g * (x[o + j] - mu);
        }
      } else {
        for (let j = 0; j < s; j++) {
          if (!(reluOut[o + j] > 0)) continue;
          const g = dy[o + j];
          sdy += g;
          sdyx += g * (x[o + j] - mu);
        }
      }
    }
    const is = invstd[ch];
    if (dw !== null) dw[ch] = sdyx * is;
    if (db !== null) db[ch] = sdy;
    if (dx === null) continue;
    const kc = k[ch];
    // dx = kc·g − kc·Σdy/m − kc·(x − mean)·invstd²·Σ(dy·(x − mean))/m, the constants folded per channel.
    const a = training ? (kc * sdy) / m : 0;
    const b = training ? (kc * is * is * sdyx) / m : 0;
    for (let i = 0; i < n; i++) {
      const o = (i * c + ch) * s;
      if (reluOut === null) {
        for (let j = 0; j < s; j++) dx[o + j] = kc * dy[o + j] - a - b * (x[o + j] - mu);
      } else {
        for (let j = 0; j < s; j++) dx[o + j] = (reluOut[o + j] > 0 ? kc * dy[o + j] : 0) - a - b * (x[o + j] - mu);
      }
    }
  }
}
