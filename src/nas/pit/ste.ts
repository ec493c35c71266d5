/**
 * PIT's binarisation: forward H(θ) = [θ > MASK_THRESHOLD], backward the identity (straight-through
 * estimator), so that a cost or loss computed from hard masks still moves the real-valued θ.
 */

import type { Tensor } from '../../tensor/tensor.js';
import { customOp } from '../../autograd/custom.js';
import { step } from '../../autograd/ops/elementwise.js';
import { MASK_THRESHOLD } from '../../graph/threshold.js';

// Re-exported: the public API has always offered the threshold next to the step that uses it.
export { MASK_THRESHOLD };

const heaviside = customOp({
  name: 'pitHeavisideSTE',
  forward: (theta) => step(theta, MASK_THRESHOLD),
  backward: (g) => [g],
});

/** [θ > MASK_THRESHOLD] in the forward pass; the upstream gradient passes unchanged to θ. */
export function heavisideSte(theta: Tensor): Tensor {
  return heaviside(theta);
}
