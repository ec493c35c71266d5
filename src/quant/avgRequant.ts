/**
 * Average pooling on quantised activations, made exact: the integer engine computes
 * floor(Σ codes / K) over each window, so the fake-quant model does the same on the same grid.
 * The float mean is turned back into the exact integer window sum (round(K·mean/s), safe since
 * the sum is an integer and the float error is far below ½), then floored after dividing by K.
 * The gradient is straight through (the mean's own gradient does the pooling).
 */

import { allocate } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { customOp } from '../autograd/custom.js';
import { make } from '../autograd/ops/util.js';

export function avgRequant(mean: Tensor, scale: number, windowSize: number): Tensor {
  return customOp({
    name: 'avgPoolRequant',
    forward: (m) => {
      const v = m.values();
      const out = allocate(m.dtype, m.size);
      for (let i = 0; i < v.length; i++) {
        const sum = Math.round((windowSize * v[i]) / scale);
        out[i] = Math.floor(sum / windowSize) * scale;
      }
      return make(out, [...m.shape]);
    },
    backward: (g) => [g],
  })(mean);
}
