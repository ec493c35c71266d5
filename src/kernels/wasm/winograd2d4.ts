/**
 * Winograd F(4×4, 3×3) for 3 × 3 stride-1 2-D convolutions on the wasm backend, the JS half: the
 * matrices, the weight transform U = G·g·Gᵀ and the weight gradient's inverse A'ᵀ·Wt·A' (float64,
 * once per call), and the fixed rule that picks F(4×4) or F(2×2) per shape. The wasm half is
 * convWino2d4 / convWino2d4WeightGrad / convWino2d4BackwardBoth in assembly/kernels.ts; the
 * memory layout is winograd2d.ts's (layoutWino2d with tile 4).
 *
 * Why: F(4×4, 3×3) needs 36 multiplies per 4 × 4 output tile instead of 144 (4× fewer; F(2×2) is
 * 2.25×), for heavier 6 × 6 transforms and a larger rounding error; it wins only on some shapes
 * (docs/kernels.md, "Winograd for 3 × 3 2-D convolutions").
 */

import type { ConvGeom } from '../contracts.js';

/**
 * F(4, 3) on the points 0, 1, −1, 2, −2, ∞ (the 1-D α = 6 matrices of winograd.ts): y =
 * Aᵀ·[(G·w) ⊙ (Bᵀ·z)] is the correlation y[a] = Σ_j w[j]·z[a + j], a < 4, j < 3. The wasm code
 * hard-codes Bᵀ, Aᵀ and the scaled G' (test/kernels/winograd.test.ts checks the identities and
 * these literals).
 */
export const W4_BT: readonly (readonly number[])[] = [
  [4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1],
];
export const W4_G: readonly (readonly number[])[] = [
  [1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1],
];
export const W4_AT: readonly (readonly number[])[] = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]];
/**
 * F(3, 4) with the same Bᵀ for the weight gradient dW[j] = Σ_a dy[a]·x[a + j] (3 outputs, the 4
 * dy values as the filter). Its G' has rows (1, p, p², p³)/f_p; the wasm code applies the rows
 * scaled by W4_GD_SCALE (integers, so the dy transform rounds no 1/6) and the inverse here divides
 * Wt[6a + b] by W4_GD_SCALE[a]·W4_GD_SCALE[b] before A'ᵀ·Wt·A'.
 */
export const W4_GD_SCALED: readonly (readonly number[])[] = [[1, 0, 0, 0], [1, 1, 1, 1], [1, -1, 1, -1], [1, 2, 4, 8], [1, -2, 4, -8], [0, 0, 0, 1]];
export const W4_GD_SCALE: readonly number[] = [4, -6, -6, 24, 24, 1];
export const W4_ATD: readonly (readonly number[])[] = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 1]];

let tileOverride: 2 | 4 | null = null;

/**
 * Force the 2-D Winograd tile (tests and benchmarks) wherever 2-D Winograd runs, or null for the
 * rule (wino2dTile). Applies to forward, dX and dW alike.
 */
export function setWasmWino2dTile(m: 2 | 4 | null): void {
  tileOverride = m;
}

/** Smallest output side (and input side, dX's output) that goes by F(4×4, 3×3) under the rule. */
export const WINO4_MIN_SIDE = 14;

/**
 * The output tile of a 2-D Winograd conv g (already known to qualify: wino2dApplies), one for the
 * forward and one for the backward alike. Fixed, not timed, so runs are reproducible. Measured on
 * the ResNet8 / cnn-small shapes (docs/kernels.md, one thread): F(4×4) is 1.2–1.3× faster than
 * F(2×2) at 14 × 14, 16 × 16 and 32 × 32 outputs, and 0.7–0.96× at 8 × 8 and 7 × 7, where a tile
 * row holds only 2 tiles and half of each 4-tile SIMD group idles. So F(4×4) takes shapes whose
 * output and input are both at least 14 × 14 (a tile row of ≥ 4 tiles each way).
 */
export function wino2dTile(g: ConvGeom): 2 | 4 {
  if (tileOverride !== null) return tileOverride;
  return Math.min(g.ho, g.wo, g.h, g.w) >= WINO4_MIN_SIDE ? 4 : 2;
}

/**
 * U[ξ = 6a + b][row][col] = (G·k·Gᵀ)[a][b] in float64, written as float32 into dst at dstOff
 * (36·cout·cin floats); k, row and col as in wino2dWeights (flip: dX's rotated, transposed kernel).
 */
export function wino2d4Weights(w: ArrayLike<number>, cout: number, cin: number, flip: boolean, dst: Float32Array, dstOff: number): void {
  const plane = cout * cin;
  const k = new Float64Array(9);
  const t = new Float64Array(18); // G·k, 6 × 3
  for (let co = 0; co < cout; co++) {
    for (let ci = 0; ci < cin; ci++) {
      const base = (co * cin + ci) * 9;
      for (let q = 0; q < 9; q++) k[q] = w[base + (flip ? 8 - q : q)];
      for (let a = 0; a < 6; a++) {
        const g = W4_G[a];
        for (let c = 0; c < 3; c++) t[3 * a + c] = g[0] * k[c] + g[1] * k[3 + c] + g[2] * k[6 + c];
      }
      const o = dstOff + (flip ? ci * cout + co : co * cin + ci);
      for (let a = 0; a < 6; a++) {
        const t0 = t[3 * a], t1 = t[3 * a + 1], t2 = t[3 * a + 2];
        for (let b = 0; b < 6; b++) {
          const g = W4_G[b];
          dst[o + (6 * a + b) * plane] = g[0] * t0 + g[1] * t1 + g[2] * t2;
        }
      }
    }
  }
}

/**
 * dw[co][ci][jh][jw] = (A'ᵀ·W·A')[jh][jw] with W[a][b] = wt[6a + b][co][ci] / (s_a·s_b) (the
 * batch's sum in the transform domain, G' scaling undone), in float64; overwrites dw.
 */
export function wino2d4WeightGradOut(wt: ArrayLike<number>, cout: number, cin: number, dw: { [i: number]: number }): void {
  const plane = cout * cin;
  const m = new Float64Array(36);
  const s = new Float64Array(18); // W·A', 6 × 3
  for (let q = 0; q < plane; q++) {
    for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) m[6 * a + b] = wt[q + (6 * a + b) * plane] / (W4_GD_SCALE[a] * W4_GD_SCALE[b]);
    for (let a = 0; a < 6; a++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let b = 0; b < 6; b++) acc += m[6 * a + b] * W4_ATD[c][b];
        s[3 * a + c] = acc;
      }
    }
    const o = q * 9;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let a = 0; a < 6; a++) acc += W4_ATD[r][a] * s[3 * a + c];
        dw[o + 3 * r + c] = acc;
      }
    }
  }
}
