/**
 * Reference convolution kernels (forward, input gradient, weight gradient) for every
 * combination of stride, dilation, asymmetric padding and groups, by im2col + GEMM.
 *
 * For one sample and one group, the im2col matrix `col` has one row per (input channel, kernel
 * row, kernel column) and one column per output position, so that
 *   forward:  y_g   = W_g · col           (cout_g × K)·(K × P)
 *   dX:       dcol  = W_gᵀ · dy_g, then col2im scatters dcol back onto the input
 *   dW:       dW_g += dy_g · colᵀ
 * with K = cin_g·kh·kw and P = ho·wo. Padding positions read as zero and receive no gradient.
 */

import type { TypedArray } from '../../tensor/dtype.js';
import type { ConvGeom, KernelSet } from '../contracts.js';
import { gemm } from './gemm.js';
import { sumOuterInner } from './reduce.js';
import { reluGrad } from './elementwise.js';

/** Whether the input plane can serve as its own im2col matrix (1×1 kernel, stride 1, no padding). */
function isPointwise(g: ConvGeom): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 &&
    g.padTop === 0 && g.padBottom === 0 && g.padLeft === 0 && g.padRight === 0;
}

export function im2col(x: TypedArray, xOff: number, cinG: number, g: ConvGeom, col: Float64Array | Float32Array): void {
  const { h, w, kh, kw, sh, sw, dh, dw, padTop, padLeft, ho, wo } = g;
  const P = ho * wo;
  let row = 0;
  for (let c = 0; c < cinG; c++) {
    const plane = xOff + c * h * w;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const rbase = row * P;
        for (let oh = 0; oh < ho; oh++) {
          const ih = oh * sh - padTop + i * dh;
          const obase = rbase + oh * wo;
          if (ih < 0 || ih >= h) {
            for (let ow = 0; ow < wo; ow++) col[obase + ow] = 0;
            continue;
          }
          const ibase = plane + ih * w;
          for (let ow = 0; ow < wo; ow++) {
            const iw = ow * sw - padLeft + j * dw;
            col[obase + ow] = iw >= 0 && iw < w ? x[ibase + iw] : 0;
          }
        }
      }
    }
  }
}

/** dx[dxOff…] += the scatter of col [cinG·kh·kw, ho·wo] back onto the input windows (im2col's adjoint). */
export function col2imAdd(col: Float64Array | Float32Array, cinG: number, g: ConvGeom, dx: TypedArray, dxOff: number): void {
  const { h, w, kh, kw, sh, sw, dh, dw, padTop, padLeft, ho, wo } = g;
  const P = ho * wo;
  let row = 0;
  for (let c = 0; c < cinG; c++) {
    const plane = dxOff + c * h * w;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, row++) {
        const rbase = row * P;
        for (let oh = 0; oh < ho; oh++) {
          const ih = oh * sh - padTop + i * dh;
          if (ih < 0 || ih >= h) continue;
          const ibase = plane + ih * w;
          const obase = rbase + oh * wo;
          for (let ow = 0; ow < wo; ow++) {
            const iw = ow * sw - padLeft + j * dw;
            if (iw >= 0 && iw < w) dx[ibase + iw] += col[obase + ow];
          }
        }
      }
    }
  }
}

function scratch(like: TypedArray, n: number): Float32Array | Float64Array {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/** ReLU in place over out[from, to): the bits of the js unary 'relu' (NaN and −0 give +0). */
export function reluInPlace(out: TypedArray, from: number, to: number): void {
  for (let i = from; i < to; i++) out[i] = out[i] > 0 ? out[i] : 0;
}

export function convForward(x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: ConvGeom, relu = false): void {
  const cinG = g.cin / g.groups;
  const coutG = g.cout / g.groups;
  const K = cinG * g.kh * g.kw;
  const P = g.ho * g.wo;
  const pointwise = isPointwise(g);
  const col = pointwise ? null : scratch(out, K * P);
  for (let n = 0; n < g.n; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      const xOff = (n * g.cin + gi * cinG) * g.h * g.w;
      const yOff = (n * g.cout + gi * coutG) * P;
      if (col === null) {
        gemm(false, false, coutG, P, K, 1, w, gi * coutG * K, K, x, xOff, P, 0, out, yOff, P);
      } else {
        im2col(x, xOff, cinG, g, col);
        gemm(false, false, coutG, P, K, 1, w, gi * coutG * K, K, col, 0, P, 0, out, yOff, P);
      }
    }
    if (bias !== null) {
      for (let co = 0; co < g.cout; co++) {
        const bv = bias[co];
        const base = (n * g.cout + co) * P;
        for (let p = 0; p < P; p++) out[base + p] += bv;
      }
    }
    if (relu) reluInPlace(out, n * g.cout * P, (n + 1) * g.cout * P);
  }
}

export function convBackwardInput(dy: TypedArray, w: TypedArray, dx: TypedArray, g: ConvGeom): void {
  const cinG = g.cin / g.groups;
  const coutG = g.cout / g.groups;
  const K = cinG * g.kh * g.kw;
  const P = g.ho * g.wo;
  const pointwise = isPointwise(g);
  const dcol = pointwise ? null : scratch(dx, K * P);
  if (!pointwise) dx.fill(0);
  for (let n = 0; n < g.n; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      const xOff = (n * g.cin + gi * cinG) * g.h * g.w;
      const yOff = (n * g.cout + gi * coutG) * P;
      if (dcol === null) {
        gemm(true, false, K, P, coutG, 1, w, gi * coutG * K, K, dy, yOff, P, 0, dx, xOff, P);
      } else {
        gemm(true, false, K, P, coutG, 1, w, gi * coutG * K, K, dy, yOff, P, 0, dcol, 0, P);
        col2imAdd(dcol, cinG, g, dx, xOff);
      }
    }
  }
}

export function convBackwardWeight(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeom): void {
  const cinG = g.cin / g.groups;
  const coutG = g.cout / g.groups;
  const K = cinG * g.kh * g.kw;
  const P = g.ho * g.wo;
  const pointwise = isPointwise(g);
  const col = pointwise ? null : scratch(dw, K * P);
  dw.fill(0);
  for (let n = 0; n < g.n; n++) {
    for (let gi = 0; gi < g.groups; gi++) {
      const xOff = (n * g.cin + gi * cinG) * g.h * g.w;
      const yOff = (n * g.cout + gi * coutG) * P;
      if (col === null) {
        gemm(false, true, coutG, K, P, 1, dy, yOff, P, x, xOff, P, 1, dw, gi * coutG * K, K);
      } else {
        im2col(x, xOff, cinG, g, col);
        gemm(false, true, coutG, K, P, 1, dy, yOff, P, col, 0, P, 1, dw, gi * coutG * K, K);
      }
    }
  }
}

/**
 * The combined backward contract built from a backend's two separate kernels and the js bias sum
 * (same bits as calling them); a fused ReLU's mask is applied to a copy of dy first.
 */
export function composeConvBackward(
  input: KernelSet['convBackwardInput'], weight: KernelSet['convBackwardWeight'],
): KernelSet['convBackward'] {
  return (x, w, dyIn, dx, dw, db, g, reluOut = null) => {
    let dy = dyIn;
    if (reluOut !== null) {
      const n = g.n * g.cout * g.ho * g.wo;
      dy = scratch(dyIn, n);
      reluGrad(reluOut, dyIn, dy, n);
    }
    if (dx !== null) input(dy, w, dx, g);
    if (dw !== null) weight(x, dy, dw, g);
    if (db !== null) sumOuterInner(dy, g.n, g.cout, g.ho * g.wo, db);
  };
}

export const convBackward = composeConvBackward(convBackwardInput, convBackwardWeight);
