/**
 * Winograd F(4, r) for 1-D convolutions, the JS half: the transform matrices (built in float64
 * by Toom-Cook on the points 0, ±1, ±2, ±½ and ∞) and the weight transform U = G·w, which runs
 * once per call here in float64 so that only the input and output transforms round in float32.
 * The wasm half (assembly/kernels.ts, convWinograd) tiles, transforms and multiplies.
 *
 * Why: the reference TCN's convs (k = 5) are GEMM-bound at the f32x4 FMA peak (≈ 55 GFLOP/s per
 * core here); F(4, 5) needs 8 multiplies per 4 outputs instead of 20, so forward and dX do 2.5×
 * fewer multiply-adds for a few memory passes (docs/kernels.md). The results differ from im2col +
 * GEMM in the last bits (different rounding), within the backend tolerance.
 */

import type { ConvGeom } from '../contracts.js';

/** Outputs per tile. */
export const WINO_M = 4;
/**
 * Shortest output (and, for dX, input) length that goes by Winograd: on shorter rows the transforms'
 * fixed costs outweigh the saved multiplies (measured: 32→32, L 28, k 9 forward 0.62 ms against
 * 0.50 by im2col; L 96: 0.70 against 1.03).
 */
export const WINO_MIN_LENGTH = 64;
/** Most taps per transform (α = 4 + r − 1 ≤ 8 points); longer kernels run in segments (winoSplit). */
export const WINO_MAX_R = 5;
const POINTS = [0, 1, -1, 2, -2, 0.5, -0.5];

export interface WinoMatrices {
  r: number;
  alpha: number;
  /** Bᵀ as 8×8 float32 (rows ξ, columns i; zero beyond α). */
  bt: Float32Array;
  /** Aᵀ as 4×8 float32 (rows a, columns ξ; zero beyond α). */
  at: Float32Array;
  /** G as α×r float64. */
  g: Float64Array;
}

function invert(m: number[][]): number[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    [a[c], a[piv]] = [a[piv], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 2 * n; j++) a[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c || a[r][c] === 0) continue;
      const f = a[r][c];
      for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(n));
}

interface ToomCook {
  alpha: number;
  /** Bᵀ, α×α (float64). */
  bt: number[][];
  /** Aᵀ, m×α. */
  at: number[][];
  /** G, α×r. */
  g: number[][];
}

/**
 * F(m, r): y = Aᵀ·[(G·w) ⊙ (Bᵀ·z)] equals the correlation y[a] = Σ_j w[j]·z[a+j] (a < m, j < r).
 * Derivation: linear convolution s = w ∗ h by evaluation at the α = m + r − 1 points (∞ = leading
 * coefficient) and interpolation, s = E⁻¹·[(G·w) ⊙ (A·h)]; the correlation is its transpose,
 * y = Aᵀ·[(G·w) ⊙ (E⁻ᵀ·z)]. Each finite point's row is rescaled (÷ fᵢ in G, × fᵢ in Bᵀ with
 * fᵢ = Π_{k≠i}(pᵢ − p_k)) so that Bᵀ holds small exact numbers. Bᵀ depends only on α, so F(4, r)
 * and F(r, 4) share it (the weight gradient reuses the forward's input transform).
 */
function toomCook(m: number, r: number): ToomCook {
  const alpha = m + r - 1;
  if (alpha > 8) throw new Error(`winograd: F(${m}, ${r}) needs ${alpha} points, at most 8 are defined`);
  const pts = POINTS.slice(0, alpha - 1);
  // E[i][k] = p_i^k (finite), E[∞][k] = [k = α−1].
  const E = [...pts.map((p) => Array.from({ length: alpha }, (_, k) => p ** k)), Array.from({ length: alpha }, (_, k) => (k === alpha - 1 ? 1 : 0))];
  const Einv = invert(E);
  const bt: number[][] = [];
  const g: number[][] = [];
  const at: number[][] = Array.from({ length: m }, () => new Array<number>(alpha).fill(0));
  for (let i = 0; i < alpha; i++) {
    const finite = i < alpha - 1;
    const f = finite ? pts.reduce((acc, pk, k) => (k === i ? acc : acc * (pts[i] - pk)), 1) : 1;
    bt.push(Array.from({ length: alpha }, (_, k) => Einv[k][i] * f)); // (E⁻ᵀ)[i][k] = E⁻¹[k][i]
    g.push(Array.from({ length: r }, (_, j) => (finite ? pts[i] ** j : j === r - 1 ? 1 : 0) / f));
    for (let a = 0; a < m; a++) at[a][i] = finite ? pts[i] ** a : a === m - 1 ? 1 : 0;
  }
  return { alpha, bt, at, g };
}

const cache = new Map<number, WinoMatrices>();

/** The matrices of F(4, r) (forward and dX), laid out for the wasm kernels. */
export function winoMatrices(r: number): WinoMatrices {
  const hit = cache.get(r);
  if (hit !== undefined) return hit;
  if (!Number.isInteger(r) || r < 2 || r > WINO_MAX_R) throw new Error(`winograd: kernel size ${r} is not in 2..${WINO_MAX_R}`);
  const tc = toomCook(WINO_M, r);
  const bt = new Float32Array(64);
  const at = new Float32Array(32);
  const g = new Float64Array(tc.alpha * r);
  for (let i = 0; i < tc.alpha; i++) {
    for (let k = 0; k < tc.alpha; k++) bt[i * 8 + k] = tc.bt[i][k];
    for (let j = 0; j < r; j++) g[i * r + j] = tc.g[i][j];
    for (let a = 0; a < WINO_M; a++) at[a * 8 + i] = tc.at[a][i];
  }
  const out = { r, alpha: tc.alpha, bt, at, g };
  cache.set(r, out);
  return out;
}

export interface WinoWeightGradMatrices {
  /** G' of F(r, 4) as 8 rows × 4 float32 (applied to 4 dy values in wasm). */
  gd: Float32Array;
  /** A'ᵀ of F(r, 4), r×α float64 (applied in JS to the summed transform-domain gradient). */
  at: number[][];
}

const gradCache = new Map<number, WinoWeightGradMatrices>();

/** The matrices of F(r, 4) for the weight gradient (its Bᵀ is winoMatrices(r).bt). */
export function winoWeightGradMatrices(r: number): WinoWeightGradMatrices {
  const hit = gradCache.get(r);
  if (hit !== undefined) return hit;
  const tc = toomCook(r, WINO_M);
  const gd = new Float32Array(32);
  for (let i = 0; i < tc.alpha; i++) for (let a = 0; a < WINO_M; a++) gd[i * 4 + a] = tc.g[i][a];
  const out = { gd, at: tc.at };
  gradCache.set(r, out);
  return out;
}

/**
 * How a kernel of k taps is run: transforms of rw ≤ 5 taps over segs = ceil(k / rw) segments (the
 * last zero-padded), rw chosen for the fewest multiplies per tile, segs·(rw + 3) (a tie goes to
 * the larger rw). k ≤ 5 is one segment of k taps; k = 9 is two of 5 (16 multiplies per 4 outputs
 * instead of 36); k = 17 four of 5.
 */
export function winoSplit(k: number): { rw: number; segs: number } {
  let best = { rw: Math.min(k, WINO_MAX_R), segs: Math.ceil(k / Math.min(k, WINO_MAX_R)) };
  for (let rw = Math.min(k, WINO_MAX_R); rw >= 2; rw--) {
    const segs = Math.ceil(k / rw);
    if (segs * (rw + WINO_M - 1) < best.segs * (best.rw + WINO_M - 1)) best = { rw, segs };
  }
  return best;
}

/**
 * dw[co][ci][s·rw + j] = Σ_ξ A'ᵀ[j][ξ]·wt[ξ][co][s·cin + ci] for every tap below k (float64 sums,
 * float32 result; overwrites dw [cout, cin, 1, k]).
 */
export function winoWeightGradOut(wt: ArrayLike<number>, cout: number, cin: number, k: number, dw: { [i: number]: number }): void {
  const { rw, segs } = winoSplit(k);
  const { at } = winoWeightGradMatrices(rw);
  const alpha = at[0].length;
  const kin = segs * cin;
  const plane = cout * kin;
  // ξ outermost so that wt is read in order; each tap's float64 sum still adds ξ = 0, 1, … in turn
  // (the bits of a per-tap loop over ξ).
  const acc = new Float64Array(cout * cin * k);
  const tapSeg = new Int32Array(k);
  const tapCoef = new Float64Array(k);
  for (let xi = 0; xi < alpha; xi++) {
    for (let tap = 0; tap < k; tap++) {
      const sg = Math.floor(tap / rw);
      tapSeg[tap] = sg * cin;
      tapCoef[tap] = at[tap - sg * rw][xi];
    }
    const base = xi * plane;
    for (let co = 0; co < cout; co++) {
      const rowIn = base + co * kin;
      for (let ci = 0; ci < cin; ci++) {
        const o = (co * cin + ci) * k;
        for (let tap = 0; tap < k; tap++) acc[o + tap] += tapCoef[tap] * wt[rowIn + tapSeg[tap] + ci];
      }
    }
  }
  for (let i = 0; i < acc.length; i++) dw[i] = acc[i];
}

/**
 * U[ξ][co][s·cin + ci] = Σ_j G[ξ][j]·w[co][ci][s·rw + j] (zero beyond k) in float64, written as
 * float32 into `dst` (α·cout·segs·cin; winoSplit(k) gives rw and segs). flip: the weights of the
 * input gradient instead — U[ξ][ci][s·cout + co] from the reversed kernel w[co][ci][k−1−t] (dX is
 * the correlation of dy with the flipped, transposed kernel).
 */
export function winoWeights(w: ArrayLike<number>, cout: number, cin: number, k: number, flip: boolean, dst: Float32Array, dstOff: number): void {
  const { rw, segs } = winoSplit(k);
  const { alpha, g } = winoMatrices(rw);
  const rows = flip ? cin : cout;
  const cols = flip ? cout : cin;
  const kin = segs * cols;
  const rowStride = rows * kin;
  // Each (co, ci) kernel is read once into `taps` (reversed for flip); every sum adds its taps in
  // the same order as a loop over ξ outermost would, so the bits do not depend on this order.
  const taps = new Float64Array(segs * rw);
  for (let co = 0; co < cout; co++) {
    for (let ci = 0; ci < cin; ci++) {
      const base = (co * cin + ci) * k;
      for (let t = 0; t < k; t++) taps[t] = w[base + (flip ? k - 1 - t : t)];
      const a = flip ? ci : co;
      const b = flip ? co : ci;
      const out0 = dstOff + a * kin + b;
      for (let xi = 0; xi < alpha; xi++) {
        const gr = xi * rw;
        const outXi = out0 + xi * rowStride;
        for (let sg = 0; sg < segs; sg++) {
          const t0 = sg * rw;
          const n = Math.min(rw, k - t0);
          let s = 0;
          for (let j = 0; j < n; j++) s += g[gr + j] * taps[t0 + j];
          dst[outXi + sg * cols] = s;
        }
      }
    }
  }
}

/**
 * Whether a convolution runs by Winograd on the wasm backend: 1-D (h = kh = 1), stride 1, one
 * group, k ≥ 2 (longer kernels in segments, winoSplit), rows of at least WINO_MIN_LENGTH, and
 * enough channels on both sides for the per-point GEMMs to pay (a first layer with one input
 * channel stays on im2col). `forInputGrad`:
 * the transposed conv of dX must also exist (each padding at most (k−1)·d, as causal and 'same' are).
 */
export function winogradApplies(g: ConvGeom, forInputGrad = false): boolean {
  const ok = g.h === 1 && g.kh === 1 && g.sh === 1 && g.sw === 1 && g.groups === 1 &&
    g.kw >= 2 && g.cin >= 8 && g.cout >= 8 && g.wo >= WINO_MIN_LENGTH;
  if (!ok || !forInputGrad) return ok;
  const span = (g.kw - 1) * g.dw;
  return g.padLeft <= span && g.padRight <= span && g.w >= WINO_MIN_LENGTH;
}

/** The geometry of dX as a forward conv: input dy (cout channels, length wo), output dx (cin, w). */
export function inputGradGeom(g: ConvGeom): ConvGeom {
  const span = (g.kw - 1) * g.dw;
  return {
    ...g, cin: g.cout, cout: g.cin, w: g.wo, wo: g.w,
    padLeft: span - g.padLeft, padRight: span - g.padRight,
  };
}
