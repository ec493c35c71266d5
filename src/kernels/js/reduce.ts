/**
 * Reference reductions over the middle axis of an [outer, r, inner] view.
 * The op layer permutes reduced axes into one block first, so one loop shape covers all cases.
 */

import type { TypedArray } from '../../tensor/dtype.js';
import type { ReduceOp } from '../contracts.js';

export function reduce(op: ReduceOp, x: TypedArray, outer: number, r: number, inner: number, out: TypedArray): void {
  if (op === 'sum') {
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        let s = 0;
        const base = o * r;
        for (let k = 0; k < r; k++) s += x[base + k];
        out[o] = s;
      }
      return;
    }
    // Accumulate in a float64 row so float32 sums over long axes lose less precision.
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0);
      let p = o * r * inner;
      for (let k = 0; k < r; k++, p += inner) for (let i = 0; i < inner; i++) acc[i] += x[p + i];
      const ob = o * inner;
      for (let i = 0; i < inner; i++) out[ob + i] = acc[i];
    }
    return;
  }
  const isMax = op === 'max' || op === 'argmax';
  const wantIndex = op === 'argmax' || op === 'argmin';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let p = o * r * inner + i;
      let best = x[p];
      let bestK = 0;
      for (let k = 1; k < r; k++) {
        p += inner;
        const v = x[p];
        // NaN wins, as in PyTorch: a NaN input makes the max NaN.
        if (isMax ? v > best || (v !== v && best === best) : v < best || (v !== v && best === best)) {
          best = v;
          bestK = k;
        }
      }
      out[o * inner + i] = wantIndex ? bestK : best;
    }
  }
}
