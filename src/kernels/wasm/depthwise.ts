/**
 * The JS half of the flat-plane depthwise convolutions (assembly/depthwise.ts): which shapes
 * take them and the calls that stage operands in wasm memory. They run on the calling thread:
 * a depthwise layer has a few multiply-adds per output, so the whole layer costs less than
 * waking a worker (≈ 0.5 ms here, docs/kernels.md).
 */

import type { TypedArray } from '../../tensor/dtype.js';
import type { ConvGeom } from '../contracts.js';
import type { WasmRuntime } from './runtime.js';

interface DepthwiseExports {
  dwFlatConv(src: number, wt: number, bias: number, out: number, planes: number, c: number, h: number, w: number,
    kh: number, kw: number, dh: number, dw: number, pt: number, pl: number, ho: number, wo: number, relu: number, scratch: number): void;
  dwFlatWeightGrad(x: number, dy: number, dwAcc: number, dbAcc: number, planes: number, c: number, h: number, w: number,
    kh: number, kw: number, dh: number, dw: number, pt: number, pl: number, ho: number, wo: number, scratch: number): void;
}
const ex = (r: WasmRuntime) => r.exports as unknown as DepthwiseExports;

/**
 * Depthwise (groups = cin = cout), stride 1, and every padding at most the dilated kernel's
 * reach (k − 1)·d, so that dX is the same routine on dy with mirrored padding.
 */
export function depthwiseFlatApplies(g: ConvGeom): boolean {
  const reachH = (g.kh - 1) * g.dh;
  const reachW = (g.kw - 1) * g.dw;
  return g.groups > 1 && g.groups === g.cin && g.groups === g.cout && g.sh === 1 && g.sw === 1 &&
    g.padTop <= reachH && g.padBottom <= reachH && g.padLeft <= reachW && g.padRight <= reachW;
}

/** Scratch floats of one call: the padded plane (plus its tail) and the accumulator / widened dy. */
function scratchFloats(ho: number, wo: number, kh: number, kw: number, dh: number, dw: number): number {
  const hp = ho + (kh - 1) * dh;
  const wp = wo + (kw - 1) * dw;
  return hp * wp + (kw - 1) * dw + 4 + ho * wp;
}

/** out = depthwise conv(x) + bias, then ReLU when relu. */
export function depthwiseForward(r: WasmRuntime, x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: ConvGeom, relu: boolean): void {
  r.reset();
  const px = r.alloc(x.length);
  const pw = r.alloc(w.length);
  const pb = bias === null ? 0 : r.alloc(bias.length);
  const po = r.alloc(out.length);
  const ps = r.alloc(scratchFloats(g.ho, g.wo, g.kh, g.kw, g.dh, g.dw));
  r.commit();
  r.f32.set(x, px >> 2);
  r.f32.set(w, pw >> 2);
  if (bias !== null) r.f32.set(bias, pb >> 2);
  ex(r).dwFlatConv(px, pw, pb, po, g.n * g.cin, g.cin, g.h, g.w, g.kh, g.kw, g.dh, g.dw, g.padTop, g.padLeft, g.ho, g.wo, relu ? 1 : 0, ps);
  out.set(r.f32.subarray(po >> 2, (po >> 2) + out.length));
}

/** dx, dw, db (each skipped when null) of depthwiseForward; reluOut: the forward's fused-ReLU output. */
export function depthwiseBackward(
  r: WasmRuntime, x: TypedArray, w: TypedArray, dy: TypedArray, dx: TypedArray | null, dw: TypedArray | null, db: TypedArray | null,
  g: ConvGeom, reluOut: TypedArray | null,
): void {
  const taps = g.kh * g.kw;
  r.reset();
  const pdy = r.alloc(dy.length);
  const pmask = reluOut === null ? 0 : r.alloc(dy.length);
  const pw = dx === null ? 0 : r.alloc(w.length);
  const pdx = dx === null ? 0 : r.alloc(dx.length);
  const px = dw === null ? 0 : r.alloc(x.length);
  const pdw = dw === null ? 0 : r.alloc(2 * g.cin * taps); // float64 accumulators
  const pdb = dw === null || db === null ? 0 : r.alloc(2 * g.cin);
  const ps = r.alloc(Math.max(scratchFloats(g.ho, g.wo, g.kh, g.kw, g.dh, g.dw), scratchFloats(g.h, g.w, g.kh, g.kw, g.dh, g.dw)));
  r.commit();
  r.f32.set(dy, pdy >> 2);
  if (reluOut !== null) {
    r.f32.set(reluOut.length === dy.length ? reluOut : reluOut.subarray(0, dy.length), pmask >> 2);
    r.exports.reluGrad(pmask, pdy, pdy, dy.length);
  }
  if (dx !== null) {
    // dX = the depthwise correlation of dy with each channel's kernel reversed, padding mirrored.
    const flipped = new Float32Array(w.length);
    for (let c = 0; c < g.cin; c++) for (let t = 0; t < taps; t++) flipped[c * taps + t] = w[c * taps + taps - 1 - t];
    r.f32.set(flipped, pw >> 2);
    const pt = (g.kh - 1) * g.dh - g.padTop;
    const pl = (g.kw - 1) * g.dw - g.padLeft;
    ex(r).dwFlatConv(pdy, pw, 0, pdx, g.n * g.cin, g.cin, g.ho, g.wo, g.kh, g.kw, g.dh, g.dw, pt, pl, g.h, g.w, 0, ps);
    dx.set(r.f32.subarray(pdx >> 2, (pdx >> 2) + dx.length));
  }
  if (dw === null && db !== null) {
    // The bias gradient alone: one float64 chain per channel, in the js order (sumOuterInner).
    const m = r.f32.subarray(pdy >> 2, (pdy >> 2) + dy.length);
    const plane = g.ho * g.wo;
    const acc = new Float64Array(g.cin);
    for (let q = 0; q < g.n * g.cin; q++) {
      const c = q % g.cin;
      let s = acc[c];
      for (let i = q * plane; i < (q + 1) * plane; i++) s += m[i];
      acc[c] = s;
    }
    db.set(acc);
  } else if (dw !== null) {
    r.f32.set(x, px >> 2);
    new Float64Array(r.f32.buffer, pdw, g.cin * taps).fill(0);
    if (pdb !== 0) new Float64Array(r.f32.buffer, pdb, g.cin).fill(0);
    ex(r).dwFlatWeightGrad(px, pdy, pdw, pdb, g.n * g.cin, g.cin, g.h, g.w, g.kh, g.kw, g.dh, g.dw, g.padTop, g.padLeft, g.ho, g.wo, ps);
    dw.set(new Float64Array(r.f32.buffer, pdw, g.cin * taps));
    if (db !== null) db.set(new Float64Array(r.f32.buffer, pdb, g.cin));
  }
}
