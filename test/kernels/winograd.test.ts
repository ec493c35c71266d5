/**
 * Winograd F(4, r) / F(r, 4) transforms of the wasm backend (src/kernels/wasm/winograd.ts): the
 * Toom-Cook identity in float64 for every kernel size handled, the α = 8 matrices the wasm code
 * evaluates in paired form (hard-coded there, so checked literally here), and the shape rules;
 * the same for the 2-D F(2×2, 3×3) of winograd2d.ts and F(4×4, 3×3) of winograd2d4.ts.
 */

import { describe, it, expect } from 'vitest';
import { inputGradGeom, winogradApplies, winoMatrices, winoSplit, winoWeightGradMatrices, winoWeightGradOut, winoWeights, WINO_MAX_R } from '../../src/kernels/wasm/winograd.js';
import { inputGradGeom2d, W2_AT, W2_ATD, W2_BT, W2_G, W2_GD, wino2dApplies, wino2dWeightGradOut, wino2dWeights } from '../../src/kernels/wasm/winograd2d.js';
import { W4_AT, W4_ATD, W4_BT, W4_G, W4_GD_SCALE, W4_GD_SCALED, wino2d4WeightGradOut, wino2d4Weights } from '../../src/kernels/wasm/winograd2d4.js';
import type { ConvGeom } from '../../src/index.js';
import { Rng } from '../../src/index.js';

/** y = Aᵀ·[(G·w) ⊙ (Bᵀ·z)] with the given row-major matrices (float64). */
function winograd(bt: (i: number, k: number) => number, at: (a: number, i: number) => number, g: (i: number, j: number) => number,
  m: number, r: number, w: number[], z: number[]): number[] {
  const alpha = m + r - 1;
  const prod: number[] = [];
  for (let i = 0; i < alpha; i++) {
    let gw = 0, bz = 0;
    for (let j = 0; j < r; j++) gw += g(i, j) * w[j];
    for (let k = 0; k < alpha; k++) bz += bt(i, k) * z[k];
    prod.push(gw * bz);
  }
  return Array.from({ length: m }, (_, a) => prod.reduce((s, p, i) => s + at(a, i) * p, 0));
}

function correlate(m: number, w: number[], z: number[]): number[] {
  return Array.from({ length: m }, (_, a) => w.reduce((s, wj, j) => s + wj * z[a + j], 0));
}

describe('Winograd transforms', () => {
  const rng = new Rng(3);
  const vec = (n: number) => Array.from({ length: n }, () => rng.uniform(-1, 1));

  for (let r = 2; r <= WINO_MAX_R; r++) {
    it(`F(4, ${r}) equals the correlation (forward, dX)`, () => {
      const M = winoMatrices(r);
      expect(M.alpha).toBe(r + 3);
      for (let trial = 0; trial < 20; trial++) {
        const w = vec(r), z = vec(M.alpha);
        const got = winograd((i, k) => M.bt[i * 8 + k], (a, i) => M.at[a * 8 + i], (i, j) => M.g[i * r + j], 4, r, w, z);
        const want = correlate(4, w, z);
        // Bᵀ and Aᵀ hold float32-exact small numbers; G is float64: the identity holds to float64 rounding.
        got.forEach((v, a) => expect(Math.abs(v - want[a])).toBeLessThan(1e-12));
      }
    });

    it(`F(${r}, 4) with the same Bᵀ equals the correlation (weight gradient)`, () => {
      const M = winoMatrices(r);
      const D = winoWeightGradMatrices(r);
      for (let trial = 0; trial < 20; trial++) {
        const dy = vec(4), x = vec(M.alpha);
        // dW[j] = Σ_a dy[a]·x[a + j]: r outputs, dy as the filter.
        const got = winograd((i, k) => M.bt[i * 8 + k], (j, i) => D.at[j][i], (i, a) => D.gd[i * 4 + a], r, 4, dy, x);
        const want = Array.from({ length: r }, (_, j) => dy.reduce((s, d, a) => s + d * x[a + j], 0));
        // G' is stored as float32 (it runs in wasm): float32 rounding of G'.
        got.forEach((v, j) => expect(Math.abs(v - want[j])).toBeLessThan(1e-5));
      }
    });
  }

  it('the α = 8 matrices are the ones the wasm kernels evaluate in paired form', () => {
    const { bt, at } = winoMatrices(5);
    const BT = [
      [-1, 0, 5.25, 0, -5.25, 0, 1, 0],
      [0, 1, 1, -4.25, -4.25, 1, 1, 0],
      [0, -1, 1, 4.25, -4.25, -1, 1, 0],
      [0, 0.5, 0.25, -2.5, -1.25, 2, 1, 0],
      [0, -0.5, 0.25, 2.5, -1.25, -2, 1, 0],
      [0, 2, 4, -2.5, -5, 0.5, 1, 0],
      [0, -2, 4, 2.5, -5, -0.5, 1, 0],
      [0, -1, 0, 5.25, 0, -5.25, 0, 1],
    ];
    const AT = [
      [1, 1, 1, 1, 1, 1, 1, 0],
      [0, 1, -1, 2, -2, 0.5, -0.5, 0],
      [0, 1, 1, 4, 4, 0.25, 0.25, 0],
      [0, 1, -1, 8, -8, 0.125, -0.125, 1],
    ];
    BT.forEach((row, i) => row.forEach((v, k) => expect(bt[i * 8 + k], `Bᵀ[${i}][${k}]`).toBeCloseTo(v, 12)));
    AT.forEach((row, a) => row.forEach((v, i) => expect(at[a * 8 + i], `Aᵀ[${a}][${i}]`).toBeCloseTo(v, 12)));
  });

  it('the α = 6 matrices (k = 3) are the ones the wasm kernels evaluate in paired form', () => {
    const { bt, at } = winoMatrices(3);
    const BT = [
      [4, 0, -5, 0, 1, 0],
      [0, -4, -4, 1, 1, 0],
      [0, 4, -4, -1, 1, 0],
      [0, -2, -1, 2, 1, 0],
      [0, 2, -1, -2, 1, 0],
      [0, 4, 0, -5, 0, 1],
    ];
    const AT = [
      [1, 1, 1, 1, 1, 0],
      [0, 1, -1, 2, -2, 0],
      [0, 1, 1, 4, 4, 0],
      [0, 1, -1, 8, -8, 1],
    ];
    BT.forEach((row, i) => row.forEach((v, k) => expect(bt[i * 8 + k], `Bᵀ[${i}][${k}]`).toBeCloseTo(v, 12)));
    AT.forEach((row, a) => row.forEach((v, i) => expect(at[a * 8 + i], `Aᵀ[${a}][${i}]`).toBeCloseTo(v, 12)));
  });

  it('weight transform: flip gives dX\'s transposed, reversed kernel', () => {
    const r = 5, cout = 3, cin = 2;
    const w = Float32Array.from(vec(cout * cin * r));
    const { alpha, g } = winoMatrices(r);
    const u = new Float32Array(alpha * cout * cin), uf = new Float32Array(alpha * cout * cin);
    winoWeights(w, cout, cin, r, false, u, 0);
    winoWeights(w, cout, cin, r, true, uf, 0);
    for (let xi = 0; xi < alpha; xi++) {
      for (let co = 0; co < cout; co++) {
        for (let ci = 0; ci < cin; ci++) {
          let s = 0, sf = 0;
          for (let j = 0; j < r; j++) {
            s += g[xi * r + j] * w[(co * cin + ci) * r + j];
            sf += g[xi * r + j] * w[(co * cin + ci) * r + (r - 1 - j)];
          }
          expect(u[(xi * cout + co) * cin + ci]).toBe(Math.fround(s));
          expect(uf[(xi * cin + ci) * cout + co]).toBe(Math.fround(sf));
        }
      }
    }
  });

  it('long kernels: segments of at most 5 taps, fewest multiplies per tile', () => {
    expect([2, 3, 4, 5].map((k) => winoSplit(k))).toEqual([2, 3, 4, 5].map((k) => ({ rw: k, segs: 1 })));
    expect(winoSplit(6)).toEqual({ rw: 3, segs: 2 }); // 12 multiplies per 4 outputs (rw 5: 16)
    expect(winoSplit(7)).toEqual({ rw: 4, segs: 2 });
    expect(winoSplit(9)).toEqual({ rw: 5, segs: 2 });
    expect(winoSplit(17)).toEqual({ rw: 5, segs: 4 });
  });

  it('a segmented kernel\'s transforms: U per segment, and the weight gradient maps back tap by tap', () => {
    const k = 9, cout = 2, cin = 3;
    const { rw, segs } = winoSplit(k);
    const w = Float32Array.from(vec(cout * cin * k));
    const { alpha, g } = winoMatrices(rw);
    const u = new Float32Array(alpha * cout * segs * cin);
    winoWeights(w, cout, cin, k, false, u, 0);
    for (let xi = 0; xi < alpha; xi++) {
      for (let sg = 0; sg < segs; sg++) {
        let s = 0;
        for (let j = 0; j < rw; j++) if (sg * rw + j < k) s += g[xi * rw + j] * w[(1 * cin + 2) * k + sg * rw + j];
        expect(u[(xi * cout + 1) * segs * cin + sg * cin + 2]).toBe(Math.fround(s));
      }
    }
    // Wt holding, at every ξ, A'ᵀ-dual values: with Wt[ξ] = 1 at one (co, vc) only, dw gets Σ_ξ A'ᵀ[j][ξ].
    const { at } = winoWeightGradMatrices(rw);
    const kin = segs * cin;
    const wt = new Float32Array(alpha * cout * kin);
    for (let xi = 0; xi < alpha; xi++) wt[xi * cout * kin + 1 * kin + 1 * cin + 0] = 1; // co 1, segment 1, ci 0
    const dw = new Float32Array(cout * cin * k);
    winoWeightGradOut(wt, cout, cin, k, dw);
    for (let tap = 0; tap < k; tap++) {
      const want = tap >= rw ? at[tap - rw].reduce((a, v) => a + v, 0) : 0;
      expect(dw[(1 * cin + 0) * k + tap], `tap ${tap}`).toBeCloseTo(want, 6);
    }
  });

  it('transform sizes outside 2..5 are refused with a message', () => {
    expect(() => winoMatrices(6)).toThrow(/kernel size 6 is not in 2\.\.5/);
  });

  const geom1d = (cin: number, cout: number, w: number, k: number, d: number, pl: number, pr: number, extra: Partial<ConvGeom> = {}): ConvGeom => ({
    n: 2, cin, h: 1, w, cout, kh: 1, kw: k, sh: 1, sw: 1, dh: 1, dw: d, padTop: 0, padBottom: 0, padLeft: pl, padRight: pr,
    groups: 1, ho: 1, wo: w + pl + pr - d * (k - 1), ...extra,
  });

  it('applies to 1-D, stride 1, one group, k ≥ 2, ≥ 8 channels each side, rows ≥ 64', () => {
    expect(winogradApplies(geom1d(32, 32, 512, 5, 8, 32, 0))).toBe(true);
    expect(winogradApplies(geom1d(1, 32, 512, 5, 1, 4, 0))).toBe(false); // first layer
    expect(winogradApplies(geom1d(32, 4, 512, 5, 1, 4, 0))).toBe(false);
    expect(winogradApplies(geom1d(32, 32, 512, 9, 1, 8, 0))).toBe(true); // in segments
    expect(winogradApplies(geom1d(32, 32, 28, 9, 1, 8, 0))).toBe(false); // 28 outputs
    expect(winogradApplies(geom1d(32, 32, 512, 5, 1, 4, 0, { sw: 2 }))).toBe(false);
    expect(winogradApplies(geom1d(32, 32, 512, 5, 1, 4, 0, { groups: 2 }))).toBe(false);
    // dX needs its transposed conv: padding at most (k−1)·d on each side.
    expect(winogradApplies(geom1d(32, 32, 512, 5, 1, 4, 0), true)).toBe(true);
    expect(winogradApplies(geom1d(32, 32, 512, 5, 1, 6, 0), true)).toBe(false);
  });

  it('the input gradient\'s geometry swaps channels and lengths and mirrors the padding', () => {
    const g = geom1d(16, 24, 100, 5, 4, 16, 0);
    const t = inputGradGeom(g);
    expect([t.cin, t.cout, t.w, t.wo, t.padLeft, t.padRight]).toEqual([24, 16, g.wo, 100, 0, 16]);
    expect(t.w + t.padLeft + t.padRight - t.dw * (t.kw - 1)).toBe(t.wo);
  });
});

describe('Winograd F(2×2, 3×3) transforms (src/kernels/wasm/winograd2d.ts)', () => {
  const rng = new Rng(5);
  const vec = (n: number) => Array.from({ length: n }, () => rng.uniform(-1, 1));
  /** P·X·Qᵀ for row-major matrices. */
  const sandwich = (p: readonly (readonly number[])[], x: number[][], q: readonly (readonly number[])[]) =>
    p.map((pr) => q.map((qr) => pr.reduce((s, pv, i) => s + pv * qr.reduce((t, qv, j) => t + qv * x[i][j], 0), 0)));
  const grid = (n: number, m: number) => Array.from({ length: n }, () => vec(m));

  it('the matrices are the ones the wasm kernels hard-code (convWino2d, convWino2dWeightGrad)', () => {
    expect(W2_BT).toEqual([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]);
    expect(W2_AT).toEqual([[1, 1, 1, 0], [0, 1, -1, -1]]);
    expect(W2_G).toEqual([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]);
    expect(W2_GD).toEqual([[1, 0], [0.5, 0.5], [0.5, -0.5], [0, 1]]);
    expect(W2_ATD).toEqual([[1, 1, 1, 0], [0, 1, -1, 0], [0, 1, 1, -1]]);
  });

  it('F(2×2, 3×3): Aᵀ·[(G·k·Gᵀ) ⊙ (Bᵀ·d·B)]·A is the 2-D correlation of a 4×4 tile', () => {
    for (let trial = 0; trial < 20; trial++) {
      const k = grid(3, 3), d = grid(4, 4);
      const u = sandwich(W2_G, k, W2_G), v = sandwich(W2_BT, d, W2_BT);
      const y = sandwich(W2_AT, u.map((row, i) => row.map((x, j) => x * v[i][j])), W2_AT);
      for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) {
        let want = 0;
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) want += k[i][j] * d[a + i][b + j];
        expect(Math.abs(y[a][b] - want)).toBeLessThan(1e-12);
      }
    }
  });

  it('F(3×3, 2×2) with the same Bᵀ: A\'ᵀ·[(G\'·dy·G\'ᵀ) ⊙ (Bᵀ·x·B)]·A\' is the weight gradient of a tile', () => {
    for (let trial = 0; trial < 20; trial++) {
      const dy = grid(2, 2), x = grid(4, 4);
      const dt = sandwich(W2_GD, dy, W2_GD), v = sandwich(W2_BT, x, W2_BT);
      const dw = sandwich(W2_ATD, dt.map((row, i) => row.map((p, j) => p * v[i][j])), W2_ATD);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        let want = 0;
        for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) want += dy[a][b] * x[a + i][b + j];
        expect(Math.abs(dw[i][j] - want)).toBeLessThan(1e-12);
      }
    }
  });

  it('weight transform U[ξ][co][ci] (flip: [ci][co] of the 180°-rotated kernel) and the weight-gradient inverse', () => {
    const cout = 3, cin = 2;
    const w = Float32Array.from(vec(cout * cin * 9));
    const u = new Float32Array(16 * cout * cin), uf = new Float32Array(16 * cout * cin);
    wino2dWeights(w, cout, cin, false, u, 0);
    wino2dWeights(w, cout, cin, true, uf, 0);
    for (let co = 0; co < cout; co++) for (let ci = 0; ci < cin; ci++) {
      const k = [0, 1, 2].map((i) => [0, 1, 2].map((j) => w[(co * cin + ci) * 9 + 3 * i + j]));
      const kf = [0, 1, 2].map((i) => [0, 1, 2].map((j) => k[2 - i][2 - j]));
      const want = sandwich(W2_G, k, W2_G), wantF = sandwich(W2_G, kf, W2_G);
      for (let xi = 0; xi < 16; xi++) {
        expect(u[(xi * cout + co) * cin + ci]).toBeCloseTo(want[xi >> 2][xi & 3], 6);
        expect(uf[(xi * cin + ci) * cout + co]).toBeCloseTo(wantF[xi >> 2][xi & 3], 6);
      }
    }
    const wt = Float32Array.from(vec(16 * cout * cin));
    const dw = new Float32Array(cout * cin * 9);
    wino2dWeightGradOut(wt, cout, cin, dw);
    for (let q = 0; q < cout * cin; q++) {
      const m = [0, 1, 2, 3].map((a) => [0, 1, 2, 3].map((b) => wt[(4 * a + b) * cout * cin + q]));
      const want = sandwich(W2_ATD, m, W2_ATD);
      for (let t = 0; t < 9; t++) expect(dw[q * 9 + t]).toBeCloseTo(want[Math.floor(t / 3)][t % 3], 6);
    }
  });

  const g2 = (cin: number, cout: number, h: number, w: number, pad: [number, number, number, number], extra: Partial<ConvGeom> = {}): ConvGeom => ({
    n: 2, cin, h, w, cout, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padTop: pad[0], padBottom: pad[1], padLeft: pad[2], padRight: pad[3],
    groups: 1, ho: h + pad[0] + pad[1] - 2, wo: w + pad[2] + pad[3] - 2, ...extra,
  });

  it('applies to 3×3, stride 1, dilation 1, one group, ≥ 8 channels each side, outputs ≥ 4×4; dX needs pads ≤ 2', () => {
    expect(wino2dApplies(g2(16, 16, 32, 32, [1, 1, 1, 1]))).toBe(true);
    expect(wino2dApplies(g2(3, 16, 32, 32, [1, 1, 1, 1]))).toBe(false); // first layer
    expect(wino2dApplies(g2(16, 4, 32, 32, [1, 1, 1, 1]))).toBe(false);
    expect(wino2dApplies(g2(16, 16, 3, 32, [0, 0, 1, 1]))).toBe(false); // 1 output row
    expect(wino2dApplies(g2(16, 16, 32, 32, [1, 1, 1, 1], { sh: 2, sw: 2, ho: 16, wo: 16 }))).toBe(false);
    expect(wino2dApplies(g2(16, 16, 32, 32, [2, 2, 2, 2], { dh: 2, dw: 2 }))).toBe(false);
    expect(wino2dApplies(g2(16, 16, 32, 32, [1, 1, 1, 1], { groups: 2 }))).toBe(false);
    expect(wino2dApplies(g2(16, 16, 32, 32, [1, 1, 1, 1], { kh: 1, kw: 3 }))).toBe(false);
    expect(wino2dApplies(g2(16, 16, 32, 32, [2, 0, 1, 2]), true)).toBe(true);
    expect(wino2dApplies(g2(16, 16, 32, 32, [3, 0, 1, 1]), true)).toBe(false);
    const t = inputGradGeom2d(g2(8, 12, 9, 11, [0, 2, 1, 0]));
    expect([t.cin, t.cout, t.h, t.w, t.ho, t.wo, t.padTop, t.padBottom, t.padLeft, t.padRight]).toEqual([12, 8, 9, 10, 9, 11, 2, 0, 1, 2]);
    expect(t.h + t.padTop + t.padBottom - 2).toBe(t.ho);
    expect(t.w + t.padLeft + t.padRight - 2).toBe(t.wo);
  });
});

describe('Winograd F(4×4, 3×3) transforms (src/kernels/wasm/winograd2d4.ts)', () => {
  const rng = new Rng(7);
  const vec = (n: number) => Array.from({ length: n }, () => rng.uniform(-1, 1));
  /** P·X·Qᵀ for row-major matrices. */
  const sandwich = (p: readonly (readonly number[])[], x: number[][], q: readonly (readonly number[])[]) =>
    p.map((pr) => q.map((qr) => pr.reduce((s, pv, i) => s + pv * qr.reduce((t, qv, j) => t + qv * x[i][j], 0), 0)));
  const grid = (n: number, m: number) => Array.from({ length: n }, () => vec(m));
  /** G' of F(3, 4) unscaled: row ξ of the scaled G' (the wasm code's) divided by its scale. */
  const gd = W4_GD_SCALED.map((row, i) => row.map((v) => v / W4_GD_SCALE[i]));

  it('the matrices are the 1-D α = 6 ones (winoMatrices(3), winoWeightGradMatrices(3)) and the literals the wasm kernels hard-code', () => {
    const M = winoMatrices(3), D = winoWeightGradMatrices(3);
    W4_BT.forEach((row, i) => row.forEach((v, k) => expect(M.bt[i * 8 + k], `Bᵀ[${i}][${k}]`).toBeCloseTo(v, 12)));
    W4_AT.forEach((row, a) => row.forEach((v, i) => expect(M.at[a * 8 + i], `Aᵀ[${a}][${i}]`).toBeCloseTo(v, 12)));
    W4_G.forEach((row, i) => row.forEach((v, j) => expect(M.g[i * 3 + j], `G[${i}][${j}]`).toBeCloseTo(v, 12)));
    gd.forEach((row, i) => row.forEach((v, a) => expect(D.gd[i * 4 + a], `G'[${i}][${a}]`).toBeCloseTo(v, 6)));
    W4_ATD.forEach((row, j) => row.forEach((v, i) => expect(D.at[j][i], `A'ᵀ[${j}][${i}]`).toBeCloseTo(v, 12)));
    // The forms convWino2d4 / convWino2d4WeightGrad evaluate (assembly/kernels.ts, section comment).
    expect(W4_BT).toEqual([[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]);
    expect(W4_AT).toEqual([[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]);
    expect(W4_GD_SCALED).toEqual([[1, 0, 0, 0], [1, 1, 1, 1], [1, -1, 1, -1], [1, 2, 4, 8], [1, -2, 4, -8], [0, 0, 0, 1]]);
  });

  it('F(4×4, 3×3): Aᵀ·[(G·k·Gᵀ) ⊙ (Bᵀ·d·B)]·A is the 2-D correlation of a 6×6 tile', () => {
    for (let trial = 0; trial < 20; trial++) {
      const k = grid(3, 3), d = grid(6, 6);
      const u = sandwich(W4_G, k, W4_G), v = sandwich(W4_BT, d, W4_BT);
      const y = sandwich(W4_AT, u.map((row, i) => row.map((x, j) => x * v[i][j])), W4_AT);
      for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) {
        let want = 0;
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) want += k[i][j] * d[a + i][b + j];
        expect(Math.abs(y[a][b] - want)).toBeLessThan(1e-12);
      }
    }
  });

  it('F(3×3, 4×4) with the same Bᵀ: A\'ᵀ·[(G\'·dy·G\'ᵀ) ⊙ (Bᵀ·x·B)]·A\' is the weight gradient of a tile', () => {
    for (let trial = 0; trial < 20; trial++) {
      const dy = grid(4, 4), x = grid(6, 6);
      const dt = sandwich(gd, dy, gd), v = sandwich(W4_BT, x, W4_BT);
      const dw = sandwich(W4_ATD, dt.map((row, i) => row.map((p, j) => p * v[i][j])), W4_ATD);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        let want = 0;
        for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) want += dy[a][b] * x[a + i][b + j];
        expect(Math.abs(dw[i][j] - want)).toBeLessThan(1e-12);
      }
    }
  });

  it('weight transform U[ξ = 6a + b][co][ci] (flip: [ci][co] of the rotated kernel) and the inverse with the G\' scaling undone', () => {
    const cout = 3, cin = 2;
    const w = Float32Array.from(vec(cout * cin * 9));
    const u = new Float32Array(36 * cout * cin), uf = new Float32Array(36 * cout * cin);
    wino2d4Weights(w, cout, cin, false, u, 0);
    wino2d4Weights(w, cout, cin, true, uf, 0);
    for (let co = 0; co < cout; co++) for (let ci = 0; ci < cin; ci++) {
      const k = [0, 1, 2].map((i) => [0, 1, 2].map((j) => w[(co * cin + ci) * 9 + 3 * i + j]));
      const kf = [0, 1, 2].map((i) => [0, 1, 2].map((j) => k[2 - i][2 - j]));
      const want = sandwich(W4_G, k, W4_G), wantF = sandwich(W4_G, kf, W4_G);
      for (let xi = 0; xi < 36; xi++) {
        expect(u[(xi * cout + co) * cin + ci]).toBeCloseTo(want[Math.floor(xi / 6)][xi % 6], 6);
        expect(uf[(xi * cin + ci) * cout + co]).toBeCloseTo(wantF[Math.floor(xi / 6)][xi % 6], 6);
      }
    }
    // wt holds the scaled-G' sums: Wt[6a + b] = s_a·s_b·(the unscaled sum).
    const wt = Float32Array.from(vec(36 * cout * cin));
    const dw = new Float32Array(cout * cin * 9);
    wino2d4WeightGradOut(wt, cout, cin, dw);
    for (let q = 0; q < cout * cin; q++) {
      const m = [0, 1, 2, 3, 4, 5].map((a) => [0, 1, 2, 3, 4, 5].map((b) => wt[(6 * a + b) * cout * cin + q] / (W4_GD_SCALE[a] * W4_GD_SCALE[b])));
      const want = sandwich(W4_ATD, m, W4_ATD);
      for (let t = 0; t < 9; t++) expect(dw[q * 9 + t]).toBeCloseTo(want[Math.floor(t / 3)][t % 3], 6);
    }
  });
});
