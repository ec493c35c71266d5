/**
 * Precision-aware cost models of a mixed-precision search, through the cost-spec interface
 * (hw/spec.ts), reading the sizes the search sets (EffectiveSizes.inBits / wBitsSum):
 *   size    weight memory in bytes  = (cin_eff / groups)·k·Σ_c E[b_w,c] / 8
 *   bitops  per call                = positions·(cin_eff / groups)·k·Σ_c E[b_w,c]·E[b_a]
 * Σ_c E[b_w,c] counts a pruned (0-bit) channel as 0 exactly once (docs/design.md#mixed-precision-search); for a per-layer
 * choice it is cout·E[b_w], so BitOps = MACs·E[b_a]·E[b_w]. Biases are not counted (they stay
 * 32-bit whatever the search picks). Any other CostModel (e.g. an MCU target) plugs in alike.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { div, mul } from '../../autograd/ops/elementwise.js';
import { weightCount } from '../../hw/basic.js';
import { outPositions, type CostModel, type EffectiveSizes, type LayerSpec } from '../../hw/spec.js';

function need(eff: EffectiveSizes, key: 'wBitsSum' | 'inBits', cost: string, spec: LayerSpec): Tensor {
  const v = eff[key];
  if (v === undefined) throw new Error(`cost '${cost}' of layer '${spec.name}': EffectiveSizes.${key} is not set; it is computed by a mixed-precision model (quant/mps)`);
  return v;
}

/** Weight bits of one layer: the weight count with cout replaced by Σ_c E[b_w,c]. */
export function weightBitsOf(spec: LayerSpec, eff: EffectiveSizes): Tensor {
  return weightCount(spec, { ...eff, cout: need(eff, 'wBitsSum', 'size', spec) });
}

export const sizeBytesCost: CostModel = { name: 'size', perCall: false, fn: (s, e) => div(weightBitsOf(s, e), 8) };

export const bitopsCost: CostModel = {
  name: 'bitops', perCall: true,
  fn: (s, e) => mul(mul(weightBitsOf(s, e), outPositions(s)), need(e, 'inBits', 'bitops', s)),
};

/** The costs an MPS model computes unless told otherwise. */
export const MPS_COSTS: Readonly<Record<string, CostModel>> = { size: sizeBytesCost, bitops: bitopsCost };
