/**
 * Numerically stable log-softmax (a primitive, for exact and cheap gradients) and softmax.
 */

import { allocate } from '../../tensor/dtype.js';
import { normAxis, sizeOf } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { record } from '../graph.js';
import { exp } from './elementwise.js';
import { floatDtype, make } from './util.js';

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const ax = normAxis(axis, x.ndim, 'logSoftmax');
  const outer = sizeOf(x.shape.slice(0, ax));
  const r = x.shape[ax];
  const inner = sizeOf(x.shape.slice(ax + 1));
  const v = x.values();
  const out = allocate(floatDtype(x), v.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      let m = -Infinity;
      for (let k = 0; k < r; k++) m = Math.max(m, v[base + k * inner]);
      let s = 0;
      for (let k = 0; k < r; k++) s += Math.exp(v[base + k * inner] - m);
      // (v − m) − log s, not v − (m + log s): the shift is exact-ish, so large logits keep full precision.
      const ls = Math.log(s);
      for (let k = 0; k < r; k++) out[base + k * inner] = v[base + k * inner] - m - ls;
    }
  }
  return record('logSoftmax', [x], make(out, x.shape), { axis: ax });
}

export function softmax(x: Tensor, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}
