/**
 * Integer-only kernels of the integer engine, on int32 code arrays: a direct convolution with
 * int32 accumulation (one output-channel subset at a time, so a per-channel-precision layer runs
 * as one sub-convolution per precision writing to its own channels), max and average pooling
 * on codes, and the requantisation of accumulators into activation codes.
 */

import type { ConvGeometry2d } from './geometry.js';
import { mulShiftFloor, type Requant } from './requant.js';

export interface IntTensor {
  data: Int32Array;
  shape: number[];
}

export const convOutSize = (n: number, k: number, s: number, d: number, p0: number, p1: number): number => Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;

/**
 * Accumulate out[n, co, oy, ox] = bias[co] + Σ x·w for the output channels `channels` (weights of
 * those channels, row-major [channels.length, Cin/groups, kh, kw]) into `acc` ([N, Cout, Ho, Wo]).
 */
export function convAccumulate(
  x: IntTensor, w: Int8Array, channels: readonly number[], bias: Int32Array, g: ConvGeometry2d,
  acc: Int32Array, cout: number, ho: number, wo: number,
): void {
  const [n, cin, h, wd] = x.shape;
  const cinG = cin / g.groups;
  const coutG = cout / g.groups;
  const ksz = cinG * g.kh * g.kw;
  const xd = x.data;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < channels.length; i++) {
      const co = channels[i];
      const ci0 = Math.floor(co / coutG) * cinG;
      const wBase = i * ksz;
      const oBase = (b * cout + co) * ho * wo;
      for (let oy = 0; oy < ho; oy++) {
        // Taps inside the input (the rest read zero padding), found once per output position.
        const y0 = oy * g.sh - g.pads[0];
        const kyLo = Math.max(0, Math.ceil(-y0 / g.dh));
        const kyHi = Math.min(g.kh, Math.floor((h - 1 - y0) / g.dh) + 1);
        for (let ox = 0; ox < wo; ox++) {
          const x0 = ox * g.sw - g.pads[2];
          const kxLo = Math.max(0, Math.ceil(-x0 / g.dw));
          const kxHi = Math.min(g.kw, Math.floor((wd - 1 - x0) / g.dw) + 1);
          let s = bias[co];
          for (let ci = 0; ci < cinG; ci++) {
            const xBase = (b * cin + ci0 + ci) * h;
            for (let ky = kyLo; ky < kyHi; ky++) {
              const row = (xBase + y0 + ky * g.dh) * wd + x0;
              const wRow = wBase + (ci * g.kh + ky) * g.kw;
              for (let kx = kxLo; kx < kxHi; kx++) s += xd[row + kx * g.dw] * w[wRow + kx];
            }
          }
          acc[oBase + oy * wo + ox] = s;
        }
      }
    }
  }
}

/** Linear layer: acc[n, co] = bias[co] + Σ_f x[n, f]·w[i, f] for the channels `channels`. */
export function linearAccumulate(x: IntTensor, w: Int8Array, channels: readonly number[], bias: Int32Array, acc: Int32Array, cout: number): void {
  const [n, f] = x.shape;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < channels.length; i++) {
      const co = channels[i];
      let s = bias[co];
      for (let j = 0; j < f; j++) s += x.data[b * f + j] * w[i * f + j];
      acc[b * cout + co] = s;
    }
  }
}

/** codes = clamp(floor(acc·M_c), qmin, qmax) with one requantiser per channel of axis 1. */
export function requantize(acc: Int32Array, shape: readonly number[], r: readonly Requant[], qmin: number, qmax: number): Int32Array {
  const c = shape[1];
  const inner = shape.slice(2).reduce((a, b) => a * b, 1);
  const out = new Int32Array(acc.length);
  for (let i = 0; i < acc.length; i++) {
    const q = mulShiftFloor(acc[i], r.length === 1 ? r[0] : r[Math.floor(i / inner) % c]);
    out[i] = q < qmin ? qmin : q > qmax ? qmax : q;
  }
  return out;
}

export interface PoolWindow {
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number;
}

/** Max (padding ignored, as −∞) or floor-average (no padding) pooling of codes on [N, C, H, W]. */
export function poolCodes(x: IntTensor, p: PoolWindow, mode: 'max' | 'avg'): IntTensor {
  const [n, c, h, w] = x.shape;
  const ho = convOutSize(h, p.kh, p.sh, 1, p.ph, p.ph);
  const wo = convOutSize(w, p.kw, p.sw, 1, p.pw, p.pw);
  const out = new Int32Array(n * c * ho * wo);
  const K = p.kh * p.kw;
  for (let nc = 0; nc < n * c; nc++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        let acc = mode === 'max' ? -Infinity : 0;
        for (let ky = 0; ky < p.kh; ky++) {
          const iy = oy * p.sh - p.ph + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < p.kw; kx++) {
            const ix = ox * p.sw - p.pw + kx;
            if (ix < 0 || ix >= w) continue;
            const v = x.data[(nc * h + iy) * w + ix];
            acc = mode === 'max' ? (v > acc ? v : acc) : acc + v;
          }
        }
        out[(nc * ho + oy) * wo + ox] = mode === 'max' ? acc : Math.floor(acc / K);
      }
    }
  }
  return { data: out, shape: [n, c, ho, wo] };
}
