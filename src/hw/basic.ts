/**
 * Parameter and MAC counts of conv / linear layers, differentiable in the effective sizes:
 *   weights = (cin / groups) · cout · k   (depthwise: cout · k)
 *   params  = weights + cout              (bias)
 *   MACs    = weights · positions + cout · positions   (a bias counts as one MAC per output)
 * `positions` is the number of output positions of one call. BatchNorm is not counted (it folds
 * into the preceding conv at deployment).
 */

import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul } from '../autograd/ops/elementwise.js';
import { outPositions, type CostModel, type EffectiveSizes, type LayerSpec } from './spec.js';

/** Number of weights (no bias) of the layer at the effective sizes. */
export function weightCount(spec: LayerSpec, eff: EffectiveSizes): Tensor {
  if (spec.depthwise) return mul(eff.cout, eff.k);
  const cinPerGroup = spec.groups === 1 ? eff.cin : div(eff.cin, spec.groups);
  return mul(mul(cinPerGroup, eff.cout), eff.k);
}

export function paramCount(spec: LayerSpec, eff: EffectiveSizes, withBias = true): Tensor {
  const w = weightCount(spec, eff);
  return withBias && spec.bias ? add(w, eff.cout) : w;
}

export function macCount(spec: LayerSpec, eff: EffectiveSizes, withBias = true): Tensor {
  const pos = outPositions(spec);
  return mul(paramCount(spec, eff, withBias), pos);
}

export const paramsCost: CostModel = { name: 'params', perCall: false, fn: (s, e) => paramCount(s, e, true) };
export const paramsNoBiasCost: CostModel = { name: 'params_nobias', perCall: false, fn: (s, e) => paramCount(s, e, false) };
export const macsCost: CostModel = { name: 'macs', perCall: true, fn: (s, e) => macCount(s, e, true) };
export const macsNoBiasCost: CostModel = { name: 'macs_nobias', perCall: true, fn: (s, e) => macCount(s, e, false) };

/** The costs a PIT model computes unless told otherwise. */
export const DEFAULT_COSTS: Readonly<Record<string, CostModel>> = { params: paramsCost, macs: macsCost };
