/**
 * Reference fake-quantisation kernel: per-channel scale, integer clamp, round-half-even or floor
 * (docs/design.md#quantisation). The integer codes it can return are what the integer engine consumes, so this
 * loop defines the exact relation between fake-quant and integer inference.
 */

import type { TypedArray } from '../../tensor/dtype.js';
import type { QuantRounding } from '../contracts.js';
import { roundHalfEven } from './elementwise.js';

export function fakeQuant(
  x: TypedArray, out: TypedArray, codes: Int32Array | null, outer: number, c: number, inner: number,
  scale: Float64Array, qmin: number, qmax: number, rounding: QuantRounding,
): void {
  const rnd = rounding === 'floor' ? Math.floor : roundHalfEven;
  for (let o = 0; o < outer; o++) {
    for (let ci = 0; ci < c; ci++) {
      const s = scale[ci];
      const base = (o * c + ci) * inner;
      for (let j = 0; j < inner; j++) {
        let q = rnd(x[base + j] / s);
        if (q < qmin) q = qmin; else if (q > qmax) q = qmax;
        if (q === 0) q = 0; // −0 → +0: the integer engine has no negative zero
        out[base + j] = q * s;
        if (codes !== null) codes[base + j] = q;
      }
    }
  }
}
