/**
 * What the search protocol needs from a model under search: its weights and masks as separate
 * parameter sets, its differentiable costs, and the export to a dense model. The PIT conversion
 * (nas/pit) provides it; other mask-based methods can too.
 */

import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';

/** One searchable layer's state at the current masks (what reports chart per search epoch). */
export interface LayerState {
  name: string;
  kind: string;
  cin: number;
  cinAlive: number;
  cout: number;
  coutAlive: number;
  /** Kernel positions of the seed layer and those still alive. */
  k: number;
  kAlive: number;
  /** Dilation the exported layer would have. */
  dilation: number;
  /** Costs of the layer at the current masks (absent where the model does not count them). */
  params?: number;
  macs?: number;
  /** Every named cost of the layer (e.g. a hardware target's latency and energy). */
  costs?: Record<string, number>;
  /** Bit-widths where a mixed-precision search sets them (mean over channels when per channel, 0-bit channels included). */
  wBits?: number;
  aBits?: number;
}

export interface SearchableModel {
  readonly model: Module;
  maskParameters(): Tensor[];
  weightParameters(): Tensor[];
  /** Named cost scalars of the current masks (autograd), e.g. { params, macs }. */
  costs(opts: { discrete: boolean }): Record<string, Tensor>;
  /** A plain dense model with the pruned channels / taps removed. */
  exportDense(): Module;
  /** Per-layer state at the current (binarised) masks, for reports; optional. */
  summary?(): LayerState[];
}
