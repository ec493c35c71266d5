/**
 * Reference reductions over the middle axis of an [outer, r, inner] view, and the sum over the
 * outer and inner axes of an [outer, mid, inner] view (reduced axes on both sides of the kept
 * ones). Each output is one float64 sum in row-major order; several outputs' sums run interleaved
 * (independent chains, so the adds overlap) without changing any output's order or bits.
 */

import type { TypedArray } from '../../tensor/dtype.js';
import type { ReduceOp } from '../contracts.js';

export function reduce(op: ReduceOp, x: TypedArray, outer: number, r: number, inner: number, out: TypedArray): void {
  if (op === 'sum') {
    if (inner === 1) {
      // Rows of r contiguous values: the outer·inner sum with one outer block, same chain order.
      sumOuterInner(x, 1, outer, r, out);
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

export function sumOuterInner(x: TypedArray, outer: number, mid: number, inner: number, out: TypedArray): void {
  const plane = mid * inner;
  let m = 0;
  for (; m + 4 <= mid; m += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let o = 0; o < outer; o++) {
      const b0 = o * plane + m * inner, b1 = b0 + inner, b2 = b1 + inner, b3 = b2 + inner;
      for (let i = 0; i < inner; i++) {
        s0 += x[b0 + i];
        s1 += x[b1 + i];
        s2 += x[b2 + i];
        s3 += x[b3 + i];
      }
    }
    out[m] = s0;
    out[m + 1] = s1;
    out[m + 2] = s2;
    out[m + 3] = s3;
  }
  for (; m < mid; m++) {
    let s = 0;
    for (let o = 0; o < outer; o++) {
      const b = o * plane + m * inner;
      for (let i = 0; i < inner; i++) s += x[b + i];
    }
    out[m] = s;
  }
}
