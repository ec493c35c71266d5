/**
 * Winograd F(2×2, 3×3) for 3 × 3 stride-1 2-D convolutions on the wasm backend, the JS half: the
 * transform matrices, the shape rule, the weight transform U = G·g·Gᵀ and the inverse transform of
 * the weight gradient (both once per call, in float64, so that only the input and output
 * transforms round in float32), and the per-call memory layout. The wasm half
 * (assembly/kernels.ts: convWino2d, convWino2dWeightGrad, convWino2dBackwardBoth) pads, tiles,
 * transforms and runs one GEMM per transform point.
 *
 * Why: the 3 × 3 convs of ResNet8-like CNNs run by im2col + GEMM at the f32x4 FMA ceiling;
 * F(2×2, 3×3) needs 16 multiplies per 2 × 2 output tile instead of 36 (2.25× fewer), for a few
 * cheap add-only transforms (docs/kernels.md, "Winograd for 3 × 3 2-D convolutions").
 */

import type { TypedArray } from '../../tensor/dtype.js';
import type { ConvGeom } from '../contracts.js';
import type { WasmRuntime } from './runtime.js';
import { wino2d4WeightGradOut, wino2d4Weights } from './winograd2d4.js';

/**
 * F(2, 3) on the points 0, 1, −1, ∞ (Lavin & Gray): y = Aᵀ·[(G·w) ⊙ (Bᵀ·z)] is the correlation
 * y[a] = Σ_j w[j]·z[a + j], a < 2, j < 3; in 2-D the transforms apply along both axes. The wasm
 * code hard-codes Bᵀ and Aᵀ (add-only) and the weight gradient's G' (test/kernels/winograd.test.ts
 * checks both the identities and that these are the matrices the wasm code evaluates).
 */
export const W2_BT: readonly (readonly number[])[] = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]];
export const W2_G: readonly (readonly number[])[] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];
export const W2_AT: readonly (readonly number[])[] = [[1, 1, 1, 0], [0, 1, -1, -1]];
/**
 * F(3, 2) with the same Bᵀ, for the weight gradient dW[j] = Σ_a dy[a]·x[a + j] (3 outputs, the 2
 * dy values as the filter): G' applied to dy in wasm, A'ᵀ in float64 here.
 */
export const W2_GD: readonly (readonly number[])[] = [[1, 0], [0.5, 0.5], [0.5, -0.5], [0, 1]];
export const W2_ATD: readonly (readonly number[])[] = [[1, 1, 1, 0], [0, 1, -1, 0], [0, 1, 1, -1]];

/**
 * Whether the shape can run by 2-D Winograd: 3 × 3, stride 1, dilation 1, one group, ≥ 8 channels
 * each side (a first layer with 1–3 input channels has too short a GEMM depth to pay for the
 * transforms), outputs of at least 4 × 4. `forInputGrad`: dX's transposed conv must exist too
 * (padding 2 − pad ≥ 0 on each side) and its output, the input, be at least 4 × 4.
 */
export function wino2dApplies(g: ConvGeom, forInputGrad = false): boolean {
  const ok = g.kh === 3 && g.kw === 3 && g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1 && g.groups === 1 &&
    g.cin >= 8 && g.cout >= 8 && g.ho >= 4 && g.wo >= 4;
  if (!ok || !forInputGrad) return ok;
  return g.padTop <= 2 && g.padBottom <= 2 && g.padLeft <= 2 && g.padRight <= 2 && g.h >= 4 && g.w >= 4;
}

/** The geometry of dX as a forward conv: input dy (cout channels, ho × wo), output dx (cin, h × w). */
export function inputGradGeom2d(g: ConvGeom): ConvGeom {
  return {
    ...g, cin: g.cout, cout: g.cin, h: g.ho, w: g.wo, ho: g.h, wo: g.w,
    padTop: 2 - g.padTop, padBottom: 2 - g.padBottom, padLeft: 2 - g.padLeft, padRight: 2 - g.padRight,
  };
}

/**
 * U[ξ = 4a + b][row][col] = (G·k·Gᵀ)[a][b] in float64, written as float32 into dst at dstOff
 * (16·cout·cin floats), with k = w[co][ci] (3 × 3) and (row, col) = (co, ci); flip: the weights of
 * the input gradient, k = w[co][ci] rotated by 180° and (row, col) = (ci, co).
 */
export function wino2dWeights(w: ArrayLike<number>, cout: number, cin: number, flip: boolean, dst: Float32Array, dstOff: number): void {
  const plane = cout * cin;
  const k = new Float64Array(9);
  const t = new Float64Array(12); // G·k, 4 × 3
  for (let co = 0; co < cout; co++) {
    for (let ci = 0; ci < cin; ci++) {
      const base = (co * cin + ci) * 9;
      for (let q = 0; q < 9; q++) k[q] = w[base + (flip ? 8 - q : q)];
      for (let c = 0; c < 3; c++) {
        const k0 = k[c], k1 = k[3 + c], k2 = k[6 + c];
        t[c] = k0;
        t[3 + c] = 0.5 * (k0 + k1 + k2);
        t[6 + c] = 0.5 * (k0 - k1 + k2);
        t[9 + c] = k2;
      }
      const o = dstOff + (flip ? ci * cout + co : co * cin + ci);
      for (let a = 0; a < 4; a++) {
        const t0 = t[3 * a], t1 = t[3 * a + 1], t2 = t[3 * a + 2];
        const r = o + 4 * a * plane;
        dst[r] = t0;
        dst[r + plane] = 0.5 * (t0 + t1 + t2);
        dst[r + 2 * plane] = 0.5 * (t0 - t1 + t2);
        dst[r + 3 * plane] = t2;
      }
    }
  }
}

/**
 * dw[co][ci][jh][jw] = (A'ᵀ·Wt·A')[jh][jw] with Wt[ξ = 4a + b] = wt[ξ][co][ci] (the batch's sum in
 * the transform domain), in float64; overwrites dw [cout, cin, 3, 3].
 */
export function wino2dWeightGradOut(wt: ArrayLike<number>, cout: number, cin: number, dw: { [i: number]: number }): void {
  const plane = cout * cin;
  const s = new Float64Array(12); // Wt·A', 4 × 3
  for (let q = 0; q < plane; q++) {
    for (let a = 0; a < 4; a++) {
      const r = q + 4 * a * plane;
      const m0 = wt[r], m1 = wt[r + plane], m2 = wt[r + 2 * plane], m3 = wt[r + 3 * plane];
      s[3 * a] = m0 + m1 + m2;
      s[3 * a + 1] = m1 - m2;
      s[3 * a + 2] = m1 + m2 - m3;
    }
    const o = q * 9;
    for (let c = 0; c < 3; c++) {
      const s0 = s[c], s1 = s[3 + c], s2 = s[6 + c], s3 = s[9 + c];
      dw[o + c] = s0 + s1 + s2;
      dw[o + 3 + c] = s1 - s2;
      dw[o + 6 + c] = s1 + s2 - s3;
    }
  }
}

/** Floats between ξ planes of V, M and D beyond the plane (W2_GAP in assembly/kernels.ts: keeps 16 planes off one L1 set). */
const W2_GAP = 16;

/**
 * Floats of V (or M, D) one chunk of samples may take per thread: 256 KiB, so V and M together
 * stay in L2 (measured on the ResNet8 shapes: 2¹⁶ and 2¹⁷ alike, 2¹⁸ 5–10 % slower).
 */
const W2_CHUNK_FLOATS = 1 << 16;

/**
 * Tile grid, samples per chunk, ξ planes and padded-buffer floats of a conv with geometry g and
 * output tile m (2: F(2×2, 3×3), 4: F(4×4, 3×3), winograd2d4.ts).
 */
function shape2d(g: ConvGeom, m: 2 | 4) {
  const th = Math.ceil(g.ho / m), tw = Math.ceil(g.wo / m), ts = th * tw;
  const xis = (m + 2) * (m + 2);
  // (F(4×4): 2¹⁷ and 2¹⁸ measured no faster on the ResNet8 / cnn-small shapes.)
  const chunk = Math.max(1, Math.floor(W2_CHUNK_FLOATS / (xis * Math.max(g.cin, g.cout) * ts)));
  const tw4 = (tw + 3) & ~3;
  // m = 2, the padded plane: (2·th + 2) × (2·tw4 + 2) for x, 2·th × 2·tw4 for dy (tw4: tw rounded
  // up to 4). m = 4: (4·th + 2) × (4·tw4 + 4) (4 tiles read 20 floats a row), after 160 floats of
  // transform scratch (W4_SCR in assembly/kernels.ts). + 4: the zero-fill stores 4 floats at a
  // time past the last row's end.
  const planeFloats = m === 2 ? (2 * th + 2) * (2 * tw4 + 2) + 4 : 160 + (4 * th + 2) * (4 * tw4 + 4) + 4;
  return { ts, chunk, xis, planeFloats };
}

/**
 * Lays out a forward (or dX) call of convWino2d: U once, then per thread a parameter block, V, M
 * (with 4 floats of slack: the output transform reads 4 tiles at a time), the padded plane and a
 * pack. m: the output tile (4: F(4×4, 3×3), U and the ξ planes 36 instead of 16). `gw` is the geometry of the conv it runs (dX: inputGradGeom2d). `extraWords(t)` are
 * appended to thread t's block (convWino2dBackwardBoth: the weight-gradient block). Same `fill`
 * contract as the 1-D layoutWinograd in index.ts.
 */
export function layoutWino2d(r: WasmRuntime, gw: ConvGeom, ranges: [number, number][], extraWords: (t: number) => number[], m: 2 | 4 = 2) {
  const { ts, chunk, xis, planeFloats } = shape2d(gw, m);
  const pu = r.alloc(xis * gw.cout * gw.cin);
  const blocks = ranges.map(() => ({
    p: r.alloc(21),
    v: r.alloc(xis * (gw.cin * chunk * ts + W2_GAP)),
    m: r.alloc(xis * (gw.cout * chunk * ts + W2_GAP) + 4),
    plane: r.alloc(planeFloats),
    pack: r.alloc(r.packBytes / 4),
  }));
  /** After commit(): x, bias, out are byte offsets (bias 0: none); w the untransformed weights. */
  const fill = (x: number, w: TypedArray, flip: boolean, bias: number, out: number, act: number): number[] => {
    (m === 2 ? wino2dWeights : wino2d4Weights)(w, flip ? gw.cin : gw.cout, flip ? gw.cout : gw.cin, flip, r.f32, pu >> 2);
    return blocks.map((b, t) => {
      const words = [x, pu, bias, out, b.v, b.m, b.pack, b.plane, ranges[t][0], ranges[t][1], act, chunk,
        gw.cin, gw.cout, gw.h, gw.w, gw.ho, gw.wo, gw.padTop, gw.padLeft, ...extraWords(t)];
      r.i32.set(words, b.p >> 2);
      return b.p;
    });
  };
  return { fill };
}

/**
 * Lays out convWino2dWeightGrad (m = 4: convWino2d4WeightGrad): per thread a parameter block, the transform-domain accumulator
 * Wt[16][cout][cin], V, D, the padded plane and a pack. `fill` writes the blocks after commit();
 * `finish` adds the threads' Wt (in thread order) and applies A'ᵀ·Wt·A' in float64 into dw.
 */
export function layoutWino2dWeightGrad(r: WasmRuntime, g: ConvGeom, ranges: [number, number][], m: 2 | 4 = 2) {
  const { ts, chunk, xis, planeFloats } = shape2d(g, m);
  const wtLen = xis * g.cout * g.cin;
  const per = ranges.map(() => ({
    p: r.alloc(18),
    wt: r.alloc(wtLen),
    v: r.alloc(xis * (g.cin * chunk * ts + W2_GAP)),
    dt: r.alloc(xis * (g.cout * chunk * ts + W2_GAP)),
    plane: r.alloc(planeFloats),
    pack: r.alloc(r.packBytes / 4),
  }));
  const fill = (x: number, dy: number): void => {
    per.forEach((b, t) => {
      r.f32.fill(0, b.wt >> 2, (b.wt >> 2) + wtLen);
      r.i32.set([x, dy, b.wt, b.v, b.dt, b.pack, b.plane, ranges[t][0], ranges[t][1], chunk,
        g.cin, g.cout, g.h, g.w, g.ho, g.wo, g.padTop, g.padLeft], b.p >> 2);
    });
  };
  const finish = (dw: TypedArray): void => {
    for (let t = 1; t < per.length; t++) r.exports.addInto(per[0].wt, per[t].wt, wtLen);
    (m === 2 ? wino2dWeightGradOut : wino2d4WeightGradOut)(r.f32.subarray(per[0].wt >> 2, (per[0].wt >> 2) + wtLen), g.cout, g.cin, dw);
  };
  return { blocks: per.map((b) => b.p), fill, finish };
}

