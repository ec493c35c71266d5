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

/**
 * ⌊v / s⌋ exactly as the division gives it, at the price of a multiplication: v·(1/s) differs
 * from v / s by a few ulps, which can only change the floor next to an integer, where the
 * division decides (codes are at most 2^16, so 1e-9 is far above those ulps).
 */
function floorDiv(v: number, s: number, r: number): number {
  const t = v * r;
  const q = Math.floor(t);
  return t - q < 1e-9 || q + 1 - t < 1e-9 ? Math.floor(v / s) : q;
}

/** Σ_k θ_k·PACT_k(x): the contract's reference loop (candidate-major; out accumulates in its own type). */
export function mixedPactForward(
  x: TypedArray, out: TypedArray, n: number, steps: Float64Array, qmin: Float64Array, qmax: Float64Array,
  theta: Float64Array, p: number,
): void {
  out.fill(0, 0, n);
  for (let k = 0; k < p; k++) {
    const t = theta[k];
    if (t === 0) continue; // an unchosen candidate of a hard or evaluation choice adds nothing
    const s = steps[k];
    const r = 1 / s;
    const lo = qmin[k];
    const hi = qmax[k];
    for (let i = 0; i < n; i++) {
      let q = floorDiv(x[i], s, r);
      if (q < lo) q = lo; else if (q > hi) q = hi;
      out[i] += q === 0 ? 0 : t * (q * s); // −0 becomes 0
    }
  }
}

/** The backward pieces of Σ_k θ_k·PACT_k(x): dx, and Σ g·PACT_k(x) inside the range, Σ g at each end (even/odd partial sums). */
export function mixedPactBackward(
  x: TypedArray, g: TypedArray, dx: TypedArray, n: number, a: number, lo: number, thSum: number, p: number,
  steps: Float64Array, recips: Float64Array, qmin: Float64Array, qmax: Float64Array, sums: Float64Array,
): void {
  // acc[2j + lane]: sum j's partial over the i of parity `lane` (j < p: dθ_j, p: top, p + 1: bottom).
  const acc = new Float64Array(2 * (p + 2));
  const top = 2 * p;
  const bottom = top + 2;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const gi = g[i];
    const lane = i & 1;
    dx[i] = 0;
    if (gi === 0) continue;
    if (v >= a) acc[top + lane] += gi;
    else if (v <= lo) acc[bottom + lane] += gi;
    else {
      dx[i] = gi * thSum;
      for (let k = 0; k < p; k++) {
        let q = floorDiv(v, steps[k], recips[k]);
        if (q < qmin[k]) q = qmin[k]; else if (q > qmax[k]) q = qmax[k];
        acc[2 * k + lane] += gi * (q * steps[k]);
      }
    }
  }
  for (let j = 0; j < p + 2; j++) sums[j] = acc[2 * j] + acc[2 * j + 1];
}
