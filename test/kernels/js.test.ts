/**
 * The js reference kernels against naive loops written here, and the backend dispatcher.
 */

import { describe, it, expect, afterEach } from 'vitest';
import * as T from '../../src/index.js';

const K = T.jsKernels;

function randArray(n: number, rng: T.Rng, f32 = false): Float64Array | Float32Array {
  const a = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol * (1 + Math.abs(expected[i])))) {
      throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

// ─────────────────────────────── GEMM ───────────────────────────────

describe('gemm', () => {
  interface G { transA: boolean; transB: boolean; m: number; n: number; k: number; alpha: number; beta: number; aOff: number; bOff: number; cOff: number; padA: number; padB: number; padC: number }

  function check(g: G, rng: T.Rng, f32 = false): void {
    const { transA, transB, m, n, k, alpha, beta } = g;
    // Stored shapes: A is m×k (or k×m when transposed), with rows padded to the leading dimension.
    const aRows = transA ? k : m;
    const lda = (transA ? m : k) + g.padA;
    const bRows = transB ? n : k;
    const ldb = (transB ? k : n) + g.padB;
    const ldc = n + g.padC;
    const a = randArray(g.aOff + aRows * lda + 3, rng, f32);
    const b = randArray(g.bOff + bRows * ldb + 3, rng, f32);
    const c = randArray(g.cOff + m * ldc + 3, rng, f32);
    if (beta === 0) for (let i = 0; i < c.length; i++) c[i] = NaN; // beta = 0 must overwrite garbage
    const c0 = c.slice();
    const A = (i: number, p: number) => (transA ? a[g.aOff + p * lda + i] : a[g.aOff + i * lda + p]);
    const B = (p: number, j: number) => (transB ? b[g.bOff + j * ldb + p] : b[g.bOff + p * ldb + j]);
    const expected = c0.slice();
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A(i, p) * B(p, j);
        const idx = g.cOff + i * ldc + j;
        expected[idx] = alpha * s + (beta === 0 ? 0 : beta * c0[idx]);
      }
    }
    K.gemm(transA, transB, m, n, k, alpha, a, g.aOff, lda, b, g.bOff, ldb, beta, c, g.cOff, ldc);
    const tol = f32 ? 1e-5 : 1e-13;
    const label = JSON.stringify(g);
    for (let i = 0; i < c.length; i++) {
      const inWindow = i >= g.cOff && i < g.cOff + m * ldc && (i - g.cOff) % ldc < n;
      if (!inWindow) {
        // padding of C (and everything outside the window) is left untouched
        expect(Object.is(c[i], c0[i]), `${label}: element ${i} outside C was written`).toBe(true);
        continue;
      }
      const err = Math.abs(c[i] - expected[i]);
      if (!(err <= tol * (1 + Math.abs(expected[i])))) throw new Error(`${label}: C[${i}] = ${c[i]}, expected ${expected[i]}`);
    }
  }

  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`op(A)=${transA ? 'Aᵀ' : 'A'}, op(B)=${transB ? 'Bᵀ' : 'B'}: alpha/beta, offsets, leading dimensions`, () => {
        const rng = new T.Rng(transA ? (transB ? 4 : 3) : transB ? 2 : 1);
        // sizes hit the 4-row / 2-column / 2-step unrolled paths and every remainder
        for (const [m, n, k] of [[1, 1, 1], [3, 4, 5], [4, 3, 2], [5, 7, 3], [2, 1, 6], [7, 5, 8], [8, 2, 1], [13, 17, 19], [6, 9, 4]]) {
          for (const [alpha, beta] of [[1, 0], [0.5, 1], [-2, 0.25], [1, -1]]) {
            check({ transA, transB, m, n, k, alpha, beta, aOff: 0, bOff: 0, cOff: 0, padA: 0, padB: 0, padC: 0 }, rng);
            check({ transA, transB, m, n, k, alpha, beta, aOff: 3, bOff: 5, cOff: 2, padA: 2, padB: 1, padC: 3 }, rng);
          }
        }
        check({ transA, transB, m: 6, n: 5, k: 4, alpha: 1.5, beta: 0.5, aOff: 1, bOff: 2, cOff: 3, padA: 1, padB: 2, padC: 1 }, rng, true);
      });
    }
  }

  it('k = 0 and alpha = 0 only scale C by beta', () => {
    const c = new Float64Array([1, 2, 3, 4]);
    K.gemm(false, false, 2, 2, 0, 1, new Float64Array(0), 0, 0, new Float64Array(0), 0, 2, 3, c, 0, 2);
    expect([...c]).toEqual([3, 6, 9, 12]);
    const a = new Float64Array([1, 2, 3, 4]);
    K.gemm(false, true, 2, 2, 2, 0, a, 0, 2, a, 0, 2, 0, c, 0, 2);
    expect([...c]).toEqual([0, 0, 0, 0]);
  });
});

// ─────────────────────────────── convolution ───────────────────────────────

type Geom = T.ConvGeom;

function makeGeom(rng: T.Rng, oneD: boolean): Geom {
  for (;;) {
    const groups = 1 + rng.int(3);
    const cin = groups * (1 + rng.int(3));
    const cout = groups * (1 + rng.int(3));
    const kh = oneD ? 1 : 1 + rng.int(3);
    const kw = 1 + rng.int(4);
    const sh = oneD ? 1 : 1 + rng.int(3);
    const sw = 1 + rng.int(3);
    const dh = oneD ? 1 : 1 + rng.int(3);
    const dw = 1 + rng.int(3);
    const padTop = oneD ? 0 : rng.int(4);
    const padBottom = oneD ? 0 : rng.int(4);
    const padLeft = rng.int(4);
    const padRight = rng.int(4);
    const h = oneD ? 1 : 1 + rng.int(8);
    const w = 1 + rng.int(10);
    const ho = Math.floor((h + padTop + padBottom - dh * (kh - 1) - 1) / sh) + 1;
    const wo = Math.floor((w + padLeft + padRight - dw * (kw - 1) - 1) / sw) + 1;
    if (ho < 1 || wo < 1) continue;
    return { n: 1 + rng.int(2), cin, h, w, cout, kh, kw, sh, sw, dh, dw, padTop, padBottom, padLeft, padRight, groups, ho, wo };
  }
}

/** Direct convolution: seven nested loops over n, co, oh, ow, ci, i, j. */
function naiveConv(x: ArrayLike<number>, wt: ArrayLike<number>, bias: ArrayLike<number> | null, g: Geom): Float64Array {
  const out = new Float64Array(g.n * g.cout * g.ho * g.wo);
  const cinG = g.cin / g.groups;
  const coutG = g.cout / g.groups;
  for (let n = 0; n < g.n; n++) {
    for (let co = 0; co < g.cout; co++) {
      const grp = Math.floor(co / coutG);
      for (let oh = 0; oh < g.ho; oh++) {
        for (let ow = 0; ow < g.wo; ow++) {
          let s = bias ? bias[co] : 0;
          for (let c = 0; c < cinG; c++) {
            const ci = grp * cinG + c;
            for (let i = 0; i < g.kh; i++) {
              for (let j = 0; j < g.kw; j++) {
                const ih = oh * g.sh - g.padTop + i * g.dh;
                const iw = ow * g.sw - g.padLeft + j * g.dw;
                if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
                s += x[((n * g.cin + ci) * g.h + ih) * g.w + iw] * wt[((co * cinG + c) * g.kh + i) * g.kw + j];
              }
            }
          }
          out[((n * g.cout + co) * g.ho + oh) * g.wo + ow] = s;
        }
      }
    }
  }
  return out;
}

/** The same loops, scattering dy into dx and dw. */
function naiveConvBackward(x: ArrayLike<number>, wt: ArrayLike<number>, dy: ArrayLike<number>, g: Geom): { dx: Float64Array; dw: Float64Array } {
  const dx = new Float64Array(g.n * g.cin * g.h * g.w);
  const dw = new Float64Array(wt.length);
  const cinG = g.cin / g.groups;
  const coutG = g.cout / g.groups;
  for (let n = 0; n < g.n; n++) for (let co = 0; co < g.cout; co++) {
    const grp = Math.floor(co / coutG);
    for (let oh = 0; oh < g.ho; oh++) for (let ow = 0; ow < g.wo; ow++) {
      const gy = dy[((n * g.cout + co) * g.ho + oh) * g.wo + ow];
      for (let c = 0; c < cinG; c++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
        const ih = oh * g.sh - g.padTop + i * g.dh;
        const iw = ow * g.sw - g.padLeft + j * g.dw;
        if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
        const xi = ((n * g.cin + grp * cinG + c) * g.h + ih) * g.w + iw;
        const wi = ((co * cinG + c) * g.kh + i) * g.kw + j;
        dx[xi] += gy * wt[wi];
        dw[wi] += gy * x[xi];
      }
    }
  }
  return { dx, dw };
}

describe('conv kernels vs direct loops', () => {
  const geomName = (g: Geom): string =>
    `n${g.n} cin${g.cin} ${g.h}x${g.w} cout${g.cout} k${g.kh}x${g.kw} s${g.sh},${g.sw} d${g.dh},${g.dw} pad[${g.padTop},${g.padBottom},${g.padLeft},${g.padRight}] g${g.groups}`;

  for (const oneD of [true, false]) {
    it(`convForward / convBackwardInput / convBackwardWeight on 60 random ${oneD ? '1-D' : '2-D'} geometries`, () => {
      const rng = new T.Rng(oneD ? 31 : 32);
      let asymmetric = 0;
      let allAtOnce = 0;
      for (let t = 0; t < 60; t++) {
        const g = makeGeom(rng, oneD);
        if (g.padLeft !== g.padRight) asymmetric++;
        if (g.groups > 1 && (g.sw > 1 || g.sh > 1) && (g.dw > 1 || g.dh > 1) && g.padLeft !== g.padRight) allAtOnce++;
        const x = randArray(g.n * g.cin * g.h * g.w, rng);
        const w = randArray(g.cout * (g.cin / g.groups) * g.kh * g.kw, rng);
        const b = t % 2 === 0 ? randArray(g.cout, rng) : null;
        const out = new Float64Array(g.n * g.cout * g.ho * g.wo).fill(NaN);
        K.convForward(x, w, b, out, g);
        expectAllClose(out, naiveConv(x, w, b, g), 1e-13, `convForward ${geomName(g)}`);

        const dy = randArray(out.length, rng);
        const ref = naiveConvBackward(x, w, dy, g);
        const dx = new Float64Array(x.length).fill(NaN); // kernels overwrite
        const dw = new Float64Array(w.length).fill(NaN);
        K.convBackwardInput(dy, w, dx, g);
        K.convBackwardWeight(x, dy, dw, g);
        expectAllClose(dx, ref.dx, 1e-13, `convBackwardInput ${geomName(g)}`);
        expectAllClose(dw, ref.dw, 1e-13, `convBackwardWeight ${geomName(g)}`);
      }
      expect(asymmetric).toBeGreaterThan(20);
      expect(allAtOnce).toBeGreaterThan(3);
    });
  }

  it('pointwise (1×1, stride 1, no padding) fast path, grouped', () => {
    const rng = new T.Rng(5);
    const g: Geom = { n: 2, cin: 4, h: 3, w: 5, cout: 6, kh: 1, kw: 1, sh: 1, sw: 1, dh: 2, dw: 3, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, groups: 2, ho: 3, wo: 5 };
    const x = randArray(2 * 4 * 15, rng);
    const w = randArray(6 * 2, rng);
    const b = randArray(6, rng);
    const out = new Float64Array(2 * 6 * 15);
    K.convForward(x, w, b, out, g);
    expectAllClose(out, naiveConv(x, w, b, g), 1e-13, 'pointwise forward');
    const dy = randArray(out.length, rng);
    const ref = naiveConvBackward(x, w, dy, g);
    const dx = new Float64Array(x.length).fill(NaN);
    const dw = new Float64Array(w.length).fill(NaN);
    K.convBackwardInput(dy, w, dx, g);
    K.convBackwardWeight(x, dy, dw, g);
    expectAllClose(dx, ref.dx, 1e-13, 'pointwise dx');
    expectAllClose(dw, ref.dw, 1e-13, 'pointwise dw');
  });

  it('float32 storage', () => {
    const rng = new T.Rng(6);
    const g = makeGeom(rng, false);
    const x = randArray(g.n * g.cin * g.h * g.w, rng, true);
    const w = randArray(g.cout * (g.cin / g.groups) * g.kh * g.kw, rng, true);
    const out = new Float32Array(g.n * g.cout * g.ho * g.wo);
    K.convForward(x, w, null, out, g);
    expectAllClose(out, naiveConv(x, w, null, g), 1e-5, 'float32 conv');
  });
});

// ─────────────────────────────── pooling ───────────────────────────────

describe('pool kernels vs direct loops', () => {
  it('max and average pooling with padding and stride ≠ kernel', () => {
    const rng = new T.Rng(9);
    for (let t = 0; t < 30; t++) {
      const kh = 1 + rng.int(3);
      const kw = 1 + rng.int(4);
      const padTop = rng.int(Math.floor(kh / 2) + 1);
      const padLeft = rng.int(Math.floor(kw / 2) + 1);
      const sh = 1 + rng.int(3);
      const sw = 1 + rng.int(3);
      const h = kh + rng.int(5);
      const w = kw + rng.int(6);
      const ho = Math.floor((h + 2 * padTop - kh) / sh) + 1;
      const wo = Math.floor((w + 2 * padLeft - kw) / sw) + 1;
      const g: T.PoolGeom = { n: 2, c: 2, h, w, kh, kw, sh, sw, padTop, padLeft, ho, wo };
      const planes = 4;
      const x = randArray(planes * h * w, rng);
      const out = new Float64Array(planes * ho * wo);
      const arg = new Int32Array(out.length);
      K.maxPoolForward(x, out, arg, g);
      const avgI = new Float64Array(out.length);
      const avgE = new Float64Array(out.length);
      K.avgPoolForward(x, avgI, g, true);
      K.avgPoolForward(x, avgE, g, false);
      const dy = randArray(out.length, rng);
      const dxMax = new Float64Array(x.length);
      const dxAvgI = new Float64Array(x.length);
      const dxAvgE = new Float64Array(x.length);
      K.maxPoolBackward(dy, arg, dxMax, g);
      K.avgPoolBackward(dy, dxAvgI, g, true);
      K.avgPoolBackward(dy, dxAvgE, g, false);
      const refMax = new Float64Array(x.length);
      const refI = new Float64Array(x.length);
      const refE = new Float64Array(x.length);
      for (let p = 0; p < planes; p++) for (let oh = 0; oh < ho; oh++) for (let ow = 0; ow < wo; ow++) {
        let best = -Infinity;
        let bi = -1;
        let s = 0;
        let cnt = 0;
        const cells: number[] = [];
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
          const ih = oh * sh - padTop + i;
          const iw = ow * sw - padLeft + j;
          if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
          const idx = (p * h + ih) * w + iw;
          cells.push(idx);
          s += x[idx];
          cnt++;
          if (x[idx] > best) { best = x[idx]; bi = idx; }
        }
        const o = (p * ho + oh) * wo + ow;
        expect(out[o]).toBe(best);
        expect(arg[o]).toBe(bi - p * h * w);
        expect(avgI[o]).toBeCloseTo(s / (kh * kw), 13);
        expect(avgE[o]).toBeCloseTo(s / cnt, 13);
        refMax[bi] += dy[o];
        for (const idx of cells) {
          refI[idx] += dy[o] / (kh * kw);
          refE[idx] += dy[o] / cnt;
        }
      }
      expectAllClose(dxMax, refMax, 1e-14, 'maxPoolBackward');
      expectAllClose(dxAvgI, refI, 1e-13, 'avgPoolBackward countIncludePad');
      expectAllClose(dxAvgE, refE, 1e-13, 'avgPoolBackward exclude pad');
    }
  });
});

// ─────────────────────────────── elementwise and reduce ───────────────────────────────

describe('elementwise and reduce kernels', () => {
  it('binary reads broadcast strided operands', () => {
    const a = new Float64Array([1, 2, 3, 4, 5, 6]); // [2, 3]
    const b = new Float64Array([10, 20]); // [2, 1] broadcast along axis 1
    const out = new Float64Array(6);
    K.binary('sub', { data: a, strides: [3, 1], offset: 0 }, { data: b, strides: [1, 0], offset: 0 }, out, [2, 3]);
    expect([...out]).toEqual([-9, -8, -7, -16, -15, -14]);
    K.binary('maximum', { data: a, strides: [1, 2], offset: 0 }, { data: b, strides: [0, 0], offset: 1 }, out, [2, 3]);
    expect([...out]).toEqual([20, 20, 20, 20, 20, 20]);
    // the constant operand on the left of non-commutative ops
    const col = new Float64Array([2, 4]); // [2, 1] broadcast along axis 1
    const divs = new Float64Array(6);
    K.binary('div', { data: col, strides: [1, 0], offset: 0 }, { data: a, strides: [3, 1], offset: 0 }, divs, [2, 3]);
    expect([...divs]).toEqual([2, 1, 2 / 3, 1, 4 / 5, 4 / 6]);
    K.binary('sub', { data: col, strides: [1, 0], offset: 0 }, { data: a, strides: [1, 2], offset: 0 }, divs, [2, 3]);
    expect([...divs]).toEqual([1, -1, -3, 2, 0, -2]);
    K.binary('pow', { data: col, strides: [1, 0], offset: 0 }, { data: a, strides: [3, 1], offset: 0 }, divs, [2, 3]);
    expect([...divs]).toEqual([2, 4, 8, 256, 1024, 4096]);
    // every op against a scalar-function reference on random broadcast operands
    const rng = new T.Rng(12);
    const x = Float64Array.from({ length: 12 }, () => rng.uniform(0.5, 2));
    const y = Float64Array.from({ length: 4 }, () => rng.uniform(0.5, 2));
    const ref: Record<string, (p: number, q: number) => number> = {
      add: (p, q) => p + q, sub: (p, q) => p - q, mul: (p, q) => p * q, div: (p, q) => p / q,
      maximum: Math.max, minimum: Math.min, pow: Math.pow,
      gt: (p, q) => +(p > q), ge: (p, q) => +(p >= q), lt: (p, q) => +(p < q), le: (p, q) => +(p <= q), eq: (p, q) => +(p === q),
    };
    for (const op of T.BINARY_OPS) {
      for (const [xs, ys] of [[[4, 1], [0, 1]], [[1, 3], [1, 0]], [[0, 1], [1, 0]]] as const) {
        const o = new Float64Array(12);
        K.binary(op, { data: x, strides: xs, offset: 0 }, { data: y, strides: ys, offset: 0 }, o, [3, 4]);
        for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) {
          expect(o[i * 4 + j], `${op} ${xs}/${ys} at ${i},${j}`).toBe(ref[op](x[i * xs[0] + j * xs[1]], y[i * ys[0] + j * ys[1]]));
        }
      }
    }
  });

  it('reduce over the middle of [outer, r, inner]', () => {
    const x = new Float64Array(Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) - 5)); // [2, 3, 4]
    const out = new Float64Array(8);
    K.reduce('sum', x, 2, 3, 4, out);
    const idx = new Float64Array(8);
    K.reduce('argmax', x, 2, 3, 4, idx);
    const mx = new Float64Array(8);
    K.reduce('min', x, 2, 3, 4, mx);
    for (let o = 0; o < 2; o++) for (let i = 0; i < 4; i++) {
      const col = [0, 1, 2].map((k) => x[(o * 3 + k) * 4 + i]);
      expect(out[o * 4 + i]).toBe(col[0] + col[1] + col[2]);
      expect(idx[o * 4 + i]).toBe(col.indexOf(Math.max(...col)));
      expect(mx[o * 4 + i]).toBe(Math.min(...col));
    }
  });

  it('sums along the contiguous axis and over outer + inner axes are one float64 chain each, in order (bit-exact)', () => {
    const rng = new T.Rng(31);
    for (const [outer, mid, inner] of [[3, 7, 5], [64, 32, 512], [1, 4, 1], [2, 9, 1], [5, 1, 3], [0, 3, 2]]) {
      for (const f32 of [true, false]) {
        const x = randArray(outer * mid * inner, rng, f32);
        // The chain in row-major order over (outer, inner) for each kept m, written out here.
        const want = f32 ? new Float32Array(mid) : new Float64Array(mid);
        for (let m = 0; m < mid; m++) {
          let s = 0;
          for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) s += x[(o * mid + m) * inner + i];
          want[m] = s;
        }
        const got = f32 ? new Float32Array(mid) : new Float64Array(mid);
        K.sumOuterInner(x, outer, mid, inner, got);
        expect(Array.from(got), `sumOuterInner ${outer}×${mid}×${inner}`).toEqual(Array.from(want));
        // reduce with inner = 1 over rows of length r = mid (several rows' chains interleaved).
        const rows = f32 ? new Float32Array(outer * inner) : new Float64Array(outer * inner);
        K.reduce('sum', x, outer * inner, mid, 1, rows);
        for (let o = 0; o < outer * inner; o++) {
          let s = 0;
          for (let k = 0; k < mid; k++) s += x[o * mid + k];
          expect(rows[o]).toBe(f32 ? Math.fround(s) : s);
        }
      }
    }
  });

  it('sum over axes on both sides of the kept ones equals the sum of a permuted copy, bit for bit', () => {
    const rng = new T.Rng(32);
    const x = T.tensor(randArray(6 * 5 * 1 * 37, rng, true), [6, 5, 1, 37]);
    const got = T.sum(x, [0, 2, 3]);
    const perm = T.contiguous(T.permute(x, [1, 0, 2, 3])); // [5, 6, 1, 37]: the old path's copy
    const want = T.sum(T.reshape(perm, [5, 6 * 37]), 1);
    expect(Array.from(got.values())).toEqual(Array.from(want.values()));
    expect(got.shape).toEqual([5]);
    expect(T.sum(x, [0, 3], true).shape).toEqual([1, 5, 1, 1]);
  });

  it('unary roundHalfEven rounds ties to even', () => {
    const x = new Float64Array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6]);
    const out = new Float64Array(x.length);
    K.unary('roundHalfEven', x, out, x.length, 0, 0);
    expect([...out].map((v) => v + 0)).toEqual([0, 2, 2, 0, -2, -2, 2, -3]);
    K.unary('log1pexp', new Float64Array([1000, -1000, 0]), out, 3, 0, 0);
    expect(out[0]).toBe(1000);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(Math.LN2, 15);
  });
});

// ─────────────────────────────── dispatcher ───────────────────────────────

describe('dispatcher', () => {
  afterEach(() => {
    T.setStrictBackend(false);
    T.setBackend('js');
  });

  it('kernelStats counts the js backend', () => {
    T.resetKernelStats();
    const a = T.tensor([[1, 2], [3, 4]]);
    T.add(a, a);
    T.matmul(a, a);
    T.exp(a);
    T.conv2d(T.reshape(a, [1, 1, 2, 2]), T.ones([1, 1, 1, 1]));
    const s = T.kernelStats();
    expect(s.active).toBe('js');
    expect(s.calls.js.binary).toBe(1);
    expect(s.calls.js.gemm).toBe(1);
    expect(s.calls.js.unary).toBe(1);
    expect(s.calls.js.convForward).toBe(1);
    expect(s.fallbacks).toEqual({});
    T.resetKernelStats();
    expect(T.kernelStats().calls).toEqual({});
  });

  it('a backend implementing only unary runs unary and falls back to js for the rest', () => {
    let served = 0;
    T.registerBackend({
      name: 'fakeUnary',
      kernels: {
        unary: (...args) => {
          served++;
          K.unary(...args);
        },
      },
    });
    expect(T.listBackends()).toEqual(['js', 'fakeUnary']);
    T.setBackend('fakeUnary');
    expect(T.getBackendName()).toBe('fakeUnary');
    T.resetKernelStats();
    const x = T.tensor([0, 1], { dtype: 'float64' });
    expect(T.exp(x).toFlatArray()).toEqual([1, Math.E]);
    expect(T.add(x, x).toFlatArray()).toEqual([0, 2]);
    T.sum(x);
    expect(served).toBe(1);
    const s = T.kernelStats();
    expect(s.active).toBe('fakeUnary');
    expect(s.calls.fakeUnary).toEqual({ unary: 1 });
    expect(s.calls.js).toEqual({ binary: 1, reduce: 1 });
    expect(s.fallbacks).toEqual({ binary: 1, reduce: 1 });
  });

  it('strict mode throws naming the kernel and the backend', () => {
    T.registerBackend({ name: 'fakeStrict', kernels: { unary: K.unary } });
    T.setBackend('fakeStrict');
    T.setStrictBackend(true);
    const x = T.tensor([1, 2]);
    expect(T.relu(x).toFlatArray()).toEqual([1, 2]);
    expect(() => T.add(x, x)).toThrow(/kernel 'binary': backend 'fakeStrict' does not implement it and strict mode forbids the js fallback/);
    expect(() => T.matmul(T.reshape(x, [1, 2]), T.reshape(x, [2, 1]))).toThrow(/kernel 'gemm': backend 'fakeStrict'/);
    T.setStrictBackend(false);
    expect(T.add(x, x).toFlatArray()).toEqual([2, 4]);
  });

  it('setBackend with an unknown name throws listing the registered backends', () => {
    expect(() => T.setBackend('nope')).toThrow(/setBackend: unknown backend 'nope' \(registered: js[^)]*\)/);
    expect(T.getBackendName()).toBe('js');
  });

  it('the js backend implements every kernel contract', () => {
    for (const name of T.KERNEL_NAMES) expect(typeof T.jsKernels[name], name).toBe('function');
    expect(Object.keys(T.jsKernels).sort()).toEqual([...T.KERNEL_NAMES].sort());
  });
});
