/**
 * Reference max / average pooling over 2-D windows (1-D pooling is h = kh = 1), with padding.
 * Max pooling records the winning input index so that backward routes the gradient exactly.
 */

import type { TypedArray } from '../../tensor/dtype.js';
import type { PoolGeom } from '../contracts.js';

export function maxPoolForward(x: TypedArray, out: TypedArray, argmax: Int32Array, g: PoolGeom): void {
  const { h, w, kh, kw, sh, sw, padTop, padLeft, ho, wo } = g;
  const planes = g.n * g.c;
  for (let pl = 0; pl < planes; pl++) {
    const xb = pl * h * w;
    const ob = pl * ho * wo;
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        let best = -Infinity;
        let bestIdx = -1;
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh - padTop + i;
          if (ih < 0 || ih >= h) continue;
          for (let j = 0; j < kw; j++) {
            const iw = ow * sw - padLeft + j;
            if (iw < 0 || iw >= w) continue;
            const v = x[xb + ih * w + iw];
            // First maximum wins on ties, and NaN propagates, as in PyTorch.
            if (v > best || (v !== v && best === best) || bestIdx < 0) {
              best = v;
              bestIdx = ih * w + iw;
            }
          }
        }
        out[ob + oh * wo + ow] = best;
        argmax[ob + oh * wo + ow] = bestIdx;
      }
    }
  }
}

export function maxPoolBackward(dy: TypedArray, argmax: Int32Array, dx: TypedArray, g: PoolGeom): void {
  dx.fill(0);
  const planes = g.n * g.c;
  const P = g.ho * g.wo;
  for (let pl = 0; pl < planes; pl++) {
    const xb = pl * g.h * g.w;
    const ob = pl * P;
    for (let p = 0; p < P; p++) {
      const idx = argmax[ob + p];
      if (idx >= 0) dx[xb + idx] += dy[ob + p];
    }
  }
}

function windowCount(g: PoolGeom, oh: number, ow: number, countIncludePad: boolean): number {
  if (countIncludePad) {
    // PyTorch counts padded positions but not positions past the padded border.
    const h0 = oh * g.sh - g.padTop;
    const w0 = ow * g.sw - g.padLeft;
    const h1 = Math.min(h0 + g.kh, g.h + g.padTop);
    const w1 = Math.min(w0 + g.kw, g.w + g.padLeft);
    return (h1 - h0) * (w1 - w0);
  }
  const h0 = Math.max(oh * g.sh - g.padTop, 0);
  const w0 = Math.max(ow * g.sw - g.padLeft, 0);
  const h1 = Math.min(oh * g.sh - g.padTop + g.kh, g.h);
  const w1 = Math.min(ow * g.sw - g.padLeft + g.kw, g.w);
  return Math.max(0, h1 - h0) * Math.max(0, w1 - w0);
}

export function avgPoolForward(x: TypedArray, out: TypedArray, g: PoolGeom, countIncludePad: boolean): void {
  const { h, w, kh, kw, sh, sw, padTop, padLeft, ho, wo } = g;
  const planes = g.n * g.c;
  for (let pl = 0; pl < planes; pl++) {
    const xb = pl * h * w;
    const ob = pl * ho * wo;
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        let s = 0;
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh - padTop + i;
          if (ih < 0 || ih >= h) continue;
          for (let j = 0; j < kw; j++) {
            const iw = ow * sw - padLeft + j;
            if (iw >= 0 && iw < w) s += x[xb + ih * w + iw];
          }
        }
        const cnt = windowCount(g, oh, ow, countIncludePad);
        out[ob + oh * wo + ow] = cnt > 0 ? s / cnt : 0;
      }
    }
  }
}

export function avgPoolBackward(dy: TypedArray, dx: TypedArray, g: PoolGeom, countIncludePad: boolean): void {
  const { h, w, kh, kw, sh, sw, padTop, padLeft, ho, wo } = g;
  dx.fill(0);
  const planes = g.n * g.c;
  for (let pl = 0; pl < planes; pl++) {
    const xb = pl * h * w;
    const ob = pl * ho * wo;
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const cnt = windowCount(g, oh, ow, countIncludePad);
        if (cnt === 0) continue;
        const gv = dy[ob + oh * wo + ow] / cnt;
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh - padTop + i;
          if (ih < 0 || ih >= h) continue;
          for (let j = 0; j < kw; j++) {
            const iw = ow * sw - padLeft + j;
            if (iw >= 0 && iw < w) dx[xb + ih * w + iw] += gv;
          }
        }
      }
    }
  }
}
