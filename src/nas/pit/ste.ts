/**
 * PIT's binarisation: forward H(θ) = [θ > 0.5], backward the identity (straight-through
 * estimator), so that a cost or loss computed from hard masks still moves the real-valued θ.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { customOp } from '../../autograd/custom.js';
import { step } from '../../autograd/ops/elementwise.js';

/** The binarisation threshold of every PIT mask. */
export const MASK_THRESHOLD = 0.5;

const heaviside = customOp({
  name: 'pitHeavisideSTE',
  forward: (theta) => step(theta, MASK_THRESHOLD),
  backward: (g) => [g],
});

/** [θ > 0.5] in the forward pass; the upstream gradient passes unchanged to θ. */
export function heavisideSte(theta: Tensor): Tensor {
  return heaviside(theta);
}
