/**
 * One optimiser for a PLiNIO-style loop (weights and masks stepped together on every batch,
 * loss = task + λ·cost): an Adam with two parameter groups, because masks need their own
 * learning rate. With the weights' 1e-3 a mask (θ starts at 1, pruned below 0.5) moves about
 * 1e-3 per step and nothing is pruned in a few epochs; with the search protocol's rate it can.
 */

import { Adam } from '../nn/optim/adam.js';
import { defaultMaskLr } from '../search/regularizers.js';
import type { SearchableModel } from '../search/types.js';

/**
 * Mask learning rate of a one-Adam-per-batch loop when the number of steps is not given: a
 * mask can then cross the 0.5 threshold in about 50 steps (a short run prunes), and it is the
 * upper end of defaultMaskLr's range (5e-2 collapsed whole layers in the protocol's tests).
 */
export const LOOP_MASK_LR = 1e-2;

export interface SearchOptimizerOptions {
  /** Learning rate of the weights (default 1e-3). */
  lr?: number;
  /** Learning rate of the masks (default: defaultMaskLr(steps) when `steps` is given, else LOOP_MASK_LR). */
  maskLr?: number;
  /** Coupled (L2) weight decay of the weights (default 0); masks never decay, decay would prune by itself. */
  weightDecay?: number;
  /** Optimiser steps the loop will take (epochs × batches): sizes the default mask rate. */
  steps?: number;
}

/** The mask learning rate `searchOptimizers` uses for these options. */
export function loopMaskLr(o: SearchOptimizerOptions = {}): number {
  if (o.maskLr !== undefined) return o.maskLr;
  if (o.steps !== undefined) {
    if (!(Number.isInteger(o.steps) && o.steps > 0)) throw new Error(`searchOptimizers: steps must be a positive integer (epochs × batches), got ${o.steps}`);
    return defaultMaskLr(o.steps);
  }
  return LOOP_MASK_LR;
}

/**
 * An Adam over a searchable model (e.g. `pit(model, …)`): group 'weights' at `lr` with
 * `weightDecay`, group 'masks' at the mask rate with no decay. Step it once per batch on
 * task loss + λ·cost; read or schedule the rates through `paramGroups[0|1].lr`.
 */
export function searchOptimizers(searchable: Pick<SearchableModel, 'weightParameters' | 'maskParameters'>, o: SearchOptimizerOptions = {}): Adam {
  const lr = o.lr ?? 1e-3;
  const maskLr = loopMaskLr(o);
  for (const [k, v] of [['lr', lr], ['maskLr', maskLr], ['weightDecay', o.weightDecay ?? 0]] as const) {
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new Error(`searchOptimizers: ${k} must be a number ≥ 0, got ${String(v)}`);
  }
  const masks = searchable.maskParameters();
  if (masks.length === 0) throw new Error('searchOptimizers: the model has no mask parameters; convert it with pit(model, { inputShape }) first (or check that its search options are not all off)');
  return new Adam([
    { name: 'weights', params: searchable.weightParameters(), lr, weightDecay: o.weightDecay ?? 0 },
    { name: 'masks', params: masks, lr: maskLr, weightDecay: 0 },
  ]);
}
