/**
 * The Winograd weight transforms in wasm (assembly/winoweights.ts) give the bits of the float64
 * JS loops they replace (src/kernels/wasm/winograd.ts: winoWeights, winoWeightGradOut), for every
 * kernel length split (k = 2 … 33, one or several segments), with and without the flip of dX.
 */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { wasmRuntime } from '../../src/kernels/wasm/runtime.js';
import { winoMatrices, winoSplit, winoWeightGradMatrices, winoWeightGradOut, winoWeights } from '../../src/kernels/wasm/winograd.js';

interface Ex {
  winoWeightsF64(w: number, cout: number, cin: number, k: number, flip: number, g: number, alpha: number, rw: number, segs: number, dst: number): void;
  winoWeightGradOutF64(wt: number, cout: number, cin: number, k: number, at: number, alpha: number, rw: number, segs: number, acc: number): void;
}

function rand(n: number, rng: T.Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

const sameBits = (a: Float32Array, b: Float32Array) => {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length), v = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return i;
  return -1;
};

describe('Winograd weight transforms: wasm = js, bit for bit', () => {
  const r = wasmRuntime();
  for (const k of [2, 3, 5, 9, 17, 33]) {
    it(`k = ${k}: U (forward and flipped) and dW`, () => {
      expect(r).not.toBeNull();
      const rt = r!;
      const ex = rt.exports as unknown as Ex;
      const cout = 6, cin = 5;
      const { rw, segs } = winoSplit(k);
      const m = winoMatrices(rw);
      const rng = new T.Rng(k);
      const w = rand(cout * cin * k, rng);
      const wt = rand(m.alpha * cout * segs * cin, rng);
      const uLen = m.alpha * cout * segs * cin;
      rt.reset();
      const pw = rt.alloc(w.length), pg = rt.alloc(2 * m.alpha * rw), pu = rt.alloc(uLen);
      const pwt = rt.alloc(wt.length), pat = rt.alloc(2 * rw * m.alpha), pacc = rt.alloc(2 * cout * cin * k);
      rt.commit();
      rt.f32.set(w, pw >> 2);
      new Float64Array(rt.f32.buffer, pg, m.alpha * rw).set(m.g);
      for (const flip of [false, true]) {
        const want = new Float32Array(uLen);
        winoWeights(w, flip ? cin : cout, flip ? cout : cin, k, flip, want, 0);
        // winoWeights' argument order: the conv's (cout, cin) as the caller passes them.
        ex.winoWeightsF64(pw, flip ? cin : cout, flip ? cout : cin, k, flip ? 1 : 0, pg, m.alpha, rw, segs, pu);
        expect(sameBits(rt.f32.slice(pu >> 2, (pu >> 2) + uLen), want), `U${flip ? ' (flip)' : ''}`).toBe(-1);
      }
      rt.f32.set(wt, pwt >> 2);
      const at = winoWeightGradMatrices(rw).at;
      new Float64Array(rt.f32.buffer, pat, rw * m.alpha).set(at.flat());
      ex.winoWeightGradOutF64(pwt, cout, cin, k, pat, m.alpha, rw, segs, pacc);
      const got = Float32Array.from(new Float64Array(rt.f32.buffer, pacc, cout * cin * k));
      const want = new Float32Array(cout * cin * k);
      winoWeightGradOut(wt, cout, cin, k, want);
      expect(sameBits(got, want), 'dW').toBe(-1);
    });
  }
});
