/**
 * BatchNorm folding (docs/design.md#quantisation): a conv / linear followed by a BatchNorm in eval mode becomes
 * one layer with W' = W·γ/√(σ²+ε) per output channel and b' = (b − μ)·γ/√(σ²+ε) + β, so the
 * quantisers see the weights the deployed integer layer uses.
 */

import type { Tensor } from '../tensor/tensor.js';
import type { BatchNorm } from '../nn/layers/batchnorm.js';

export interface FoldedParams {
  weight: Float64Array;
  bias: Float64Array;
}

/** Fold `bn` (or nothing) into weight [Cout, ...] and bias [Cout] (null = zero). */
export function foldBatchNorm(weight: Tensor, bias: Tensor | null, bn: BatchNorm | null): FoldedParams {
  const cout = weight.shape[0];
  const fan = weight.size / cout;
  const w = Float64Array.from(weight.values());
  const b = bias === null ? new Float64Array(cout) : Float64Array.from(bias.values());
  if (bn === null) return { weight: w, bias: b };
  if (bn.numFeatures !== cout) throw new Error(`foldBatchNorm: ${bn.describe()} follows a layer with ${cout} output channels`);
  const mu = bn.runningMean.values();
  const v = bn.runningVar.values();
  const g = bn.weight?.values();
  const be = bn.bias?.values();
  for (let c = 0; c < cout; c++) {
    const k = (g === undefined ? 1 : g[c]) / Math.sqrt(v[c] + bn.eps);
    for (let j = c * fan; j < (c + 1) * fan; j++) w[j] *= k;
    b[c] = (b[c] - mu[c]) * k + (be === undefined ? 0 : be[c]);
  }
  return { weight: w, bias: b };
}
