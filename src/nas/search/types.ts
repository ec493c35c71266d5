/**
 * What the search protocol needs from a model under search: its weights and masks as separate
 * parameter sets, its differentiable costs, and the export to a dense model. The PIT conversion
 * (nas/pit) provides it; other mask-based methods can too.
 */

import type { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../../nn/module.js';

export interface SearchableModel {
  readonly model: Module;
  maskParameters(): Tensor[];
  weightParameters(): Tensor[];
  /** Named cost scalars of the current masks (autograd), e.g. { params, macs }. */
  costs(opts: { discrete: boolean }): Record<string, Tensor>;
  /** A plain dense model with the pruned channels / taps removed. */
  exportDense(): Module;
}
