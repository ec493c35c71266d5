/**
 * One correctness suite run against every backend: each kernel a backend implements is compared
 * with the js reference on the same float32 inputs, with tolerances scaled by the accumulation
 * length (float32 sums of L terms carry about √L·ε relative error; we allow L·ε with a floor).
 * Each `describe` names the backend, and dispatch-level tests assert from kernelStats() that the
 * named backend is the one that ran.
 */

import { describe, it, expect, afterEach, afterAll } from 'vitest';
import * as T from '../../src/index.js';
import type { ConvGeom, KernelSet } from '../../src/index.js';
import { im2col } from '../../src/kernels/js/conv.js';
import { geom } from './convGeom.js';
import { depthwiseFlatApplies } from '../../src/kernels/wasm/depthwise.js';
import { setWasmWino2dTile, wino2dTile } from '../../src/kernels/wasm/winograd2d4.js';

const JS = T.jsKernels;

interface BackendCase {
  name: string;
  /** the backend's kernels (only those it implements are compared) */
  kernels: () => Partial<KernelSet>;
  register: () => void;
}

// gpu.js in its webasm mode (the mode this machine has); creation asserts the mode it got.
const gpujs = await T.createGpujsBackend('webasm');

const BACKENDS: BackendCase[] = [
  { name: 'js', kernels: () => T.jsKernels, register: () => undefined },
  { name: 'wasm', kernels: () => T.wasmKernels, register: () => { expect(T.registerWasmBackend()).toBe(true); } },
  { name: 'gpujs', kernels: () => gpujs.kernels, register: () => T.registerBackend(gpujs) },
];

const EPS32 = 1.2e-7;

function rand(n: number, rng: T.Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** |a − b| ≤ tol·(1 + |b|) elementwise, tol = max(1e-6, 4·L·ε) for accumulation length L. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, accumLen: number, what: string): void {
  const tol = Math.max(1e-6, 4 * accumLen * EPS32);
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if ((Number.isNaN(e) && Number.isNaN(a)) || a === e) continue;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
      throw new Error(`${what}: element ${i} is ${a}, js gives ${e} (tol ${tol.toExponential(2)})`);
    }
  }
}


const CONV_CASES: [string, ConvGeom][] = [
  // (gpujs compiles a kernel per shape, so the list stays short)
  ['2d 3×3 pad 1', geom(2, 3, 6, 7, 5, 3, 3, { pad: [1, 1, 1, 1] })],
  ['2d stride 2 dilation 2 asymmetric pad', geom(2, 4, 9, 10, 6, 3, 3, { s: [2, 2], d: [2, 2], pad: [2, 0, 1, 3] })],
  ['2d strides (2,3) dilation (2,1) groups 2', geom(3, 4, 9, 9, 8, 3, 2, { s: [2, 3], d: [2, 1], pad: [2, 0, 1, 3], groups: 2 })],
  ['2d depthwise', geom(2, 6, 5, 5, 6, 3, 3, { pad: [1, 1, 1, 1], groups: 6 })],
  ['2d pointwise groups 2', geom(2, 8, 4, 4, 6, 1, 1, { groups: 2 })],
  ['1d causal k5 dilation 2', geom(3, 6, 1, 40, 4, 1, 5, { d: [1, 2], pad: [0, 0, 8, 0] })],
  ['1d stride 2 same-ish pad groups 3', geom(2, 6, 1, 33, 9, 1, 4, { s: [1, 2], pad: [0, 0, 1, 2], groups: 3 })],
  ['1d TCN layer (threads-sized)', geom(16, 32, 1, 256, 32, 1, 5, { d: [1, 4] })],
  ['2d kernel larger than stride, no pad', geom(1, 2, 8, 8, 3, 5, 5, { s: [3, 3] })],
  ['2d depthwise ×2 multiplier stride 2 asymmetric pad', geom(2, 4, 11, 9, 8, 3, 3, { s: [2, 2], pad: [1, 0, 0, 1], groups: 4 })],
  ['1d depthwise k9 dilation 3 causal', geom(3, 5, 1, 60, 5, 1, 9, { d: [1, 3], pad: [0, 0, 24, 0], groups: 5 })],
  ['1d first layer cin 1 k5', geom(4, 1, 1, 70, 6, 1, 5, { pad: [0, 0, 4, 0] })],
];

/** 1-D shapes the wasm backend runs by Winograd F(4, k) (stride 1, one group, ≥ 8 channels, rows ≥ 64). */
const WINOGRAD_CASES: [string, ConvGeom][] = [
  ['winograd k5 causal d8 (TCN layer 4)', geom(3, 16, 1, 128, 12, 1, 5, { d: [1, 8], pad: [0, 0, 32, 0] })],
  ['winograd k5 no pad, wo not a multiple of 4', geom(2, 8, 1, 71, 9, 1, 5)],
  ['winograd k3 same pad d3 (phases of unequal length)', geom(2, 9, 1, 67, 8, 1, 3, { d: [1, 3], pad: [0, 0, 3, 3] })],
  ['winograd k4 asymmetric pad', geom(2, 8, 1, 70, 10, 1, 4, { pad: [0, 0, 1, 2] })],
  ['winograd k2 d5 causal', geom(2, 8, 1, 66, 8, 1, 2, { d: [1, 5], pad: [0, 0, 5, 0] })],
  ['winograd k5 d20: dilation above wo / 4', geom(2, 8, 1, 100, 8, 1, 5, { d: [1, 20], pad: [0, 0, 80, 0] })],
  ['winograd k9 causal (two segments of 5)', geom(2, 8, 1, 80, 9, 1, 9, { pad: [0, 0, 8, 0] })],
  ['winograd k17 same pad (four segments)', geom(2, 12, 1, 90, 8, 1, 17, { pad: [0, 0, 8, 8] })],
  ['winograd k6 d2 (two segments of 3)', geom(2, 8, 1, 80, 8, 1, 6, { d: [1, 2], pad: [0, 0, 10, 0] })],
  ['winograd k7 same pad (two segments of 4)', geom(2, 8, 1, 70, 10, 1, 7, { pad: [0, 0, 3, 3] })],
];

/**
 * 2-D shapes the wasm backend runs by Winograd F(2×2, 3×3) (3×3, stride 1, one group, ≥ 8 channels,
 * outputs ≥ 4×4): padding 0 / 1 / 2 / asymmetric, odd output sizes (tiles overhanging the bottom
 * and right edges), tile rows that are not a multiple of 4 tiles, and a pad of 3 whose dX falls
 * back to im2col (its transposed conv would need padding −1) while the forward and dW stay Winograd.
 */
const WINOGRAD2D_CASES: [string, ConvGeom][] = [
  ['winograd 2d pad 1, 8×8', geom(2, 8, 8, 8, 8, 3, 3, { pad: [1, 1, 1, 1] })],
  ['winograd 2d no pad, odd 5×7 output', geom(3, 8, 7, 9, 12, 3, 3)],
  ['winograd 2d asymmetric pad, 11×12 output', geom(2, 9, 11, 13, 10, 3, 3, { pad: [0, 2, 1, 0] })],
  ['winograd 2d pad 2 (dX pad 0), 10 tiles per row', geom(2, 8, 5, 17, 8, 3, 3, { pad: [2, 2, 2, 2] })],
  ['winograd 2d pad 1, 9×20 (tile rows of 10)', geom(2, 10, 9, 20, 8, 3, 3, { pad: [1, 1, 1, 1] })],
  ['winograd 2d pad 3 on top: dX by im2col', geom(2, 8, 6, 6, 9, 3, 3, { pad: [3, 0, 1, 1] })],
];

/**
 * F(4×4, 3×3) (forced with setWasmWino2dTile(4)): the 2-D cases above plus shapes whose 4 × 4 tiles
 * overhang the bottom and right edges by 1, 2 and 3 rows / columns, tile rows of 5 and 9 tiles
 * (a partial 4-tile group), and the rule's own size (ResNet8 16 → 16 at 16 × 16).
 */
const WINOGRAD2D4_CASES: [string, ConvGeom][] = [
  ...WINOGRAD2D_CASES.map(([label, g]): [string, ConvGeom] => [`${label} (F4)`, g]),
  ['winograd 2d F4 no pad, 13×15 output (overhang 3 and 1)', geom(2, 8, 15, 17, 9, 3, 3)],
  ['winograd 2d F4 asymmetric pad, 18×34 output (overhang 2, 9 tiles a row)', geom(2, 11, 17, 35, 8, 3, 3, { pad: [1, 2, 0, 1] })],
  ['winograd 2d F4 pad 2, 21×20 output', geom(2, 8, 19, 18, 10, 3, 3, { pad: [2, 2, 2, 2] })],
  ['winograd 2d F4 pad 1, 16×16, 16 channels', geom(2, 16, 16, 16, 16, 3, 3, { pad: [1, 1, 1, 1] })],
];

const GEMM_CASES: { m: number; n: number; k: number }[] = [
  { m: 1, n: 1, k: 1 }, { m: 3, n: 5, k: 7 }, { m: 4, n: 8, k: 16 }, { m: 9, n: 17, k: 33 },
  { m: 33, n: 70, k: 300 }, { m: 64, n: 520, k: 9 }, { m: 7, n: 600, k: 260 }, { m: 5, n: 3, k: 0 },
];

for (const be of BACKENDS) {
  describe(`backend '${be.name}' against js`, () => {
    const K = be.kernels();

    it.runIf(K.gemm !== undefined)('gemm: all four transpose cases, offsets, leading dimensions, alpha, beta', () => {
      const rng = new T.Rng(11);
      for (const { m, n, k } of GEMM_CASES) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const [alpha, beta] of [[1, 0], [0.5, 1], [-1.5, 0.25]]) {
              const lda = (transA ? m : k) + 2, ldb = (transB ? k : n) + 1, ldc = n + 3;
              const a = rand(3 + (transA ? k : m) * lda, rng), b = rand(2 + (transB ? n : k) * ldb, rng);
              const c = rand(1 + m * ldc + 2, rng);
              if (beta === 0) for (let i = 0; i < c.length; i++) if (i % 3 === 0) c[i] = NaN; // beta = 0 overwrites garbage
              const want = c.slice();
              const got = c.slice();
              JS.gemm(transA, transB, m, n, k, alpha, a, 3, lda, b, 2, ldb, beta, want, 1, ldc);
              K.gemm!(transA, transB, m, n, k, alpha, a, 3, lda, b, 2, ldb, beta, got, 1, ldc);
              expectClose(got, want, k, `${be.name} gemm ${JSON.stringify({ m, n, k, transA, transB, alpha, beta })}`);
            }
          }
        }
      }
    });

    for (const [label, g] of CONV_CASES) {
      it.runIf(K.convForward !== undefined)(`conv forward, dX, dW: ${label}`, () => {
        const rng = new T.Rng(5);
        const cinG = g.cin / g.groups;
        const x = rand(g.n * g.cin * g.h * g.w, rng);
        const w = rand(g.cout * cinG * g.kh * g.kw, rng);
        const bias = rand(g.cout, rng);
        const outLen = g.n * g.cout * g.ho * g.wo;
        const want = new Float32Array(outLen);
        const got = new Float32Array(outLen).fill(NaN);
        JS.convForward(x, w, bias, want, g);
        K.convForward!(x, w, bias, got, g);
        const kLen = cinG * g.kh * g.kw;
        expectClose(got, want, kLen, `${be.name} convForward ${label}`);
        const got0 = new Float32Array(outLen);
        const want0 = new Float32Array(outLen);
        JS.convForward(x, w, null, want0, g);
        K.convForward!(x, w, null, got0, g);
        expectClose(got0, want0, kLen, `${be.name} convForward (no bias) ${label}`);

        if (K.convBackwardInput === undefined || K.convBackwardWeight === undefined) return;
        const dy = rand(outLen, rng);
        const dxWant = new Float32Array(x.length);
        const dxGot = rand(x.length, rng); // must be overwritten
        JS.convBackwardInput(dy, w, dxWant, g);
        K.convBackwardInput!(dy, w, dxGot, g);
        expectClose(dxGot, dxWant, (g.cout / g.groups) * g.kh * g.kw, `${be.name} convBackwardInput ${label}`);
        const dwWant = new Float32Array(w.length);
        const dwGot = rand(w.length, rng); // must be overwritten
        JS.convBackwardWeight(x, dy, dwWant, g);
        K.convBackwardWeight!(x, dy, dwGot, g);
        expectClose(dwGot, dwWant, g.n * g.ho * g.wo, `${be.name} convBackwardWeight ${label}`);

        // The combined kernel gives the same bits as the two separate ones, and skips a null output.
        if (K.convBackward === undefined) return;
        // The bias gradient equals the js float64 sum over [N, H, W] bit for bit.
        const dbWant = new Float32Array(g.cout);
        JS.sumOuterInner(dy, g.n, g.cout, g.ho * g.wo, dbWant);
        const dxBoth = rand(x.length, rng), dwBoth = rand(w.length, rng), dbBoth = rand(g.cout, rng);
        K.convBackward!(x, w, dy, dxBoth, dwBoth, dbBoth, g);
        expect(dxBoth, `${be.name} convBackward dx ${label}`).toEqual(dxGot);
        expect(dwBoth, `${be.name} convBackward dw ${label}`).toEqual(dwGot);
        expect(dbBoth, `${be.name} convBackward db ${label}`).toEqual(dbWant);
        const dwOnly = rand(w.length, rng);
        K.convBackward!(x, w, dy, null, dwOnly, null, g);
        expect(dwOnly, `${be.name} convBackward dw only ${label}`).toEqual(dwGot);
        const dxOnly = rand(x.length, rng);
        K.convBackward!(x, w, dy, dxOnly, null, null, g);
        expect(dxOnly, `${be.name} convBackward dx only ${label}`).toEqual(dxGot);
        const dbOnly = rand(g.cout, rng);
        K.convBackward!(x, w, dy, null, null, dbOnly, g);
        expect(dbOnly, `${be.name} convBackward db only ${label}`).toEqual(dbWant);
      });
    }

    it.runIf(K.unary !== undefined)('unary relu, large and small, with NaN and −0', () => {
      const rng = new T.Rng(3);
      for (const n of [5, 4099, 10000]) {
        const x = rand(n, rng);
        x[1] = NaN;
        x[2] = -0;
        const want = new Float32Array(n);
        const got = new Float32Array(n);
        JS.unary('relu', x, want, n, 0, 0);
        K.unary!('relu', x, got, n, 0, 0);
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    });

    // wasm's elementwise, reduction and pooling loops are designed to be bit-identical to js.
    const same = (got: ArrayLike<number>, want: ArrayLike<number>, accum: number, what: string) => {
      if (be.name === 'wasm') expect(Array.from(got), what).toEqual(Array.from(want));
      else expectClose(got, want, accum, what);
    };
    const specials = (x: Float32Array) => { x[0] = NaN; x[1] = -0; x[2] = Infinity; x[3] = -Infinity; x[4] = 0; x[6] = 0.5; return x; };

    it.runIf(K.reluGrad !== undefined)('reluGrad equals mul(g, step(x)) bit for bit: NaN, ±Inf, −0 in x and g', () => {
      const rng = new T.Rng(44);
      for (const n of [37, 1031, 5003]) {
        const x = specials(rand(n, rng));
        const g = rand(n, rng);
        g[5] = NaN; g[7] = Infinity; g[8] = -Infinity; g[9] = -0; x[7] = -1; x[8] = 1; x[10] = -0.5; g[10] = -2;
        const st = new Float32Array(n), want = new Float32Array(n), got = new Float32Array(n);
        JS.unary('step', x, st, n, 0, 0);
        JS.binary('mul', { data: g, strides: [1], offset: 0 }, { data: st, strides: [1], offset: 0 }, want, [n]);
        K.reluGrad!(x, g, got, n);
        expect(Array.from(got), `${be.name} reluGrad n=${n}`).toEqual(Array.from(want));
        expect(Object.is(got[10], -0)).toBe(true);
      }
    });

    it.runIf(K.unary !== undefined)('unary maps, small and large, with NaN, ±Inf and −0', () => {
      const rng = new T.Rng(4);
      const ops: [T.UnaryOp, number, number][] = [['neg', 0, 0], ['abs', 0, 0], ['square', 0, 0], ['sqrt', 0, 0], ['step', 0, 0], ['step', 0.1, 0],
        ['clamp', -0.3, 0.7], ['clamp', 0.1, 0.2], ['leakyRelu', 0.01, 0], ['leakyRelu', 0.125, 0], ['sign', 0, 0], ['exp', 0, 0], ['tanh', 0, 0], ['relu', 0, 0]];
      for (const n of [37, 1031, 5000]) {
        const x = specials(rand(n, rng).map((v) => v * 4));
        for (const [op, p0, p1] of ops) {
          const want = new Float32Array(n), got = new Float32Array(n);
          JS.unary(op, x, want, n, p0, p1);
          K.unary!(op, x, got, n, p0, p1);
          if (be.name === 'gpujs' && ['exp', 'tanh', 'sigmoid'].includes(op)) expectClose(got, want, 64, `${be.name} unary ${op} n=${n}`);
          else same(got, want, 1, `${be.name} unary ${op}(${p0}, ${p1}) n=${n}`);
        }
      }
    });

    it.runIf(K.binary !== undefined)('binary ops with broadcasting, offsets, transposed and reversed strides', () => {
      const rng = new T.Rng(6);
      const cases: { shape: number[]; a: [number[], number]; b: [number[], number]; aLen: number; bLen: number }[] = [
        { shape: [5000], a: [[1], 0], b: [[1], 3], aLen: 5000, bLen: 5003 }, // dense, offset
        { shape: [8, 16, 49], a: [[784, 49, 1], 0], b: [[0, 1, 0], 0], aLen: 8 * 784, bLen: 16 }, // per-channel broadcast
        { shape: [8, 16, 49], a: [[0, 1, 0], 2], b: [[784, 49, 1], 0], aLen: 18, bLen: 8 * 784 }, // scalar left
        { shape: [40, 60], a: [[1, 40], 0], b: [[60, 1], 0], aLen: 2400, bLen: 2400 }, // transposed a
        { shape: [3, 4, 5, 6, 7], a: [[840, 210, 42, 7, 1], 0], b: [[0, 7, 0, 1, 0], 0], aLen: 2520, bLen: 28 }, // rank 5, collapses to ≤ 4
        { shape: [2, 3, 2, 3, 2, 40], a: [[1440, 480, 240, 80, 40, 1], 0], b: [[0, 40, 0, 1, 0, 0], 0], aLen: 2880, bLen: 120 }, // rank 6, stays above 4
        { shape: [30, 50], a: [[-50, 1], 1450], b: [[1, -1], 49], aLen: 1500, bLen: 80 }, // negative strides
        { shape: [7, 9], a: [[9, 1], 0], b: [[0, 0], 0], aLen: 63, bLen: 1 }, // small
      ];
      for (const c of cases) {
        const a = specials(rand(c.aLen, rng).map((v) => v * 3));
        const b = rand(c.bLen, rng).map((v, i) => (i % 7 === 0 ? a[i] ?? v : v * 3));
        b[1] = NaN;
        const size = c.shape.reduce((x, y) => x * y, 1);
        for (const op of T.BINARY_OPS) {
          const want = new Float32Array(size), got = new Float32Array(size);
          JS.binary(op, { data: a, strides: c.a[0], offset: c.a[1] }, { data: b, strides: c.b[0], offset: c.b[1] }, want, c.shape);
          K.binary!(op, { data: a, strides: c.a[0], offset: c.a[1] }, { data: b, strides: c.b[0], offset: c.b[1] }, got, c.shape);
          same(got, want, 4, `${be.name} binary ${op} ${JSON.stringify(c.shape)}`);
        }
      }
    });

    it.runIf(K.reduce !== undefined)('reductions sum / max / min / argmax over [outer, r, inner], NaN wins', () => {
      const rng = new T.Rng(8);
      for (const [outer, r, inner] of [[3, 2000, 1], [64, 32, 49], [1, 5000, 3], [4, 3, 5], [20, 1, 70]]) {
        const x = specials(rand(outer * r * inner, rng));
        x[0] = 0.25; x[2] = 0.5; x[3] = -0.5; // no infinities in sums (∞ − ∞ is fine but keep sums finite)
        for (const op of ['sum', 'max', 'min', 'argmax', 'argmin'] as const) {
          const want = new Float32Array(outer * inner), got = new Float32Array(outer * inner);
          JS.reduce(op, x, outer, r, inner, want);
          K.reduce!(op, x, outer, r, inner, got);
          same(got, want, r, `${be.name} reduce ${op} [${outer},${r},${inner}]`);
        }
      }
    });

    const poolGeom = (n: number, c: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number): T.PoolGeom =>
      ({ n, c, h, w, kh, kw, sh, sw, padTop: pt, padLeft: pl, ho: Math.floor((h + 2 * pt - kh) / sh) + 1, wo: Math.floor((w + 2 * pl - kw) / sw) + 1 });
    const POOLS: [string, T.PoolGeom][] = [
      ['2d 2×2', poolGeom(4, 8, 28, 28, 2, 2, 2, 2, 0, 0)],
      ['2d 3×3 stride 2 pad 1', poolGeom(2, 6, 15, 13, 3, 3, 2, 2, 1, 1)],
      ['2d 3×2 stride (1,2) pad (1,0)', poolGeom(2, 5, 12, 12, 3, 2, 1, 2, 1, 0)],
      ['1d k2', poolGeom(16, 32, 1, 28, 1, 2, 1, 2, 0, 0)],
      ['1d k3 stride 1 pad 1', poolGeom(8, 16, 1, 50, 1, 3, 1, 1, 0, 1)],
      ['small', poolGeom(1, 2, 4, 4, 2, 2, 2, 2, 0, 0)],
    ];
    for (const [label, g] of POOLS) {
      it.runIf(K.maxPoolForward !== undefined || K.avgPoolForward !== undefined)(`pooling forward and backward: ${label}`, () => {
        const rng = new T.Rng(10);
        const nx = g.n * g.c * g.h * g.w, no = g.n * g.c * g.ho * g.wo;
        const x = rand(nx, rng);
        x[1] = NaN; x[5] = x[4]; // a NaN window and a tie
        const dy = rand(no, rng);
        if (K.maxPoolForward !== undefined) {
          const w = new Float32Array(no), gt = new Float32Array(no), wi = new Int32Array(no), gi = new Int32Array(no);
          JS.maxPoolForward(x, w, wi, g);
          K.maxPoolForward(x, gt, gi, g);
          same(gt, w, 1, `${be.name} maxPool ${label}`);
          expect(Array.from(gi), `${be.name} maxPool argmax ${label}`).toEqual(Array.from(wi));
          const dw = new Float32Array(nx), dg = rand(nx, rng);
          JS.maxPoolBackward(dy, wi, dw, g);
          K.maxPoolBackward!(dy, wi, dg, g);
          same(dg, dw, g.kh * g.kw, `${be.name} maxPool backward ${label}`);
        }
        if (K.avgPoolForward !== undefined) {
          for (const inc of [true, false]) {
            const w = new Float32Array(no), gt = new Float32Array(no);
            JS.avgPoolForward(x, w, g, inc);
            K.avgPoolForward(x, gt, g, inc);
            same(gt, w, g.kh * g.kw, `${be.name} avgPool ${label} includePad ${inc}`);
            const dw = new Float32Array(nx), dg = rand(nx, rng);
            JS.avgPoolBackward(dy, dw, g, inc);
            K.avgPoolBackward!(dy, dg, g, inc);
            same(dg, dw, g.kh * g.kw, `${be.name} avgPool backward ${label} includePad ${inc}`);
          }
        }
      });
    }

    it.runIf(K.fakeQuant !== undefined)('fakeQuant: integer codes equal js (per-channel scales, both roundings, halves, NaN, ±Inf, −0)', () => {
      const rng = new T.Rng(13);
      // [outer, c, inner]: small (js path in wasm/gpujs) and large (the backend's own loop).
      for (const [outer, c, inner] of [[1, 2, 5], [3, 8, 300], [2, 5, 1001]]) {
        const n = outer * c * inner;
        const x = rand(n, rng).map((v) => v * 3);
        const pow2 = new Float64Array(c).map((_, i) => 2 ** -(i % 6 + 3));
        const random = new Float64Array(c).map(() => rng.uniform(0.002, 0.05));
        for (const [scaleKind, scale] of [['power-of-two', pow2], ['random', random]] as const) {
          // Exact rounding boundaries (k + ½)·s and k·s, plus specials, in the first channel.
          const xs = x.slice();
          const specials = [NaN, Infinity, -Infinity, -0, 0.5 * scale[0], 1.5 * scale[0], -2.5 * scale[0], 3 * scale[0], 1e9, -1e9];
          specials.forEach((v, i) => { if (i < inner) xs[i] = v; });
          for (const rounding of ['halfEven', 'floor'] as const) {
            const [qmin, qmax] = rounding === 'floor' ? [0, 15] : [-128, 127];
            const want = new Float32Array(n), got = new Float32Array(n).fill(7);
            const cw = new Int32Array(n), cg = new Int32Array(n).fill(99);
            JS.fakeQuant(xs, want, cw, outer, c, inner, scale, qmin, qmax, rounding);
            K.fakeQuant!(xs, got, cg, outer, c, inner, scale, qmin, qmax, rounding);
            const what = `${be.name} fakeQuant [${outer},${c},${inner}] ${scaleKind} ${rounding}`;
            if (be.name === 'gpujs' && scaleKind === 'random') {
              // float32 division on the GPU modes: a code may differ by one only next to a boundary.
              for (let i = 0; i < n; i++) {
                if (cg[i] === cw[i]) continue;
                const ci = Math.floor(i / inner) % c;
                const r = xs[i] / scale[ci];
                const dist = Math.abs(r - (rounding === 'floor' ? Math.round(r) : Math.floor(r) + 0.5));
                expect(Math.abs(cg[i] - cw[i]), `${what} element ${i}`).toBe(1);
                expect(dist, `${what} element ${i} (x/s = ${r})`).toBeLessThan(1e-6 * Math.max(1, Math.abs(r)));
              }
              continue;
            }
            expect(Array.from(cg), `${what}: codes`).toEqual(Array.from(cw));
            expect(Array.from(got), `${what}: values`).toEqual(Array.from(want));
            const noCodes = new Float32Array(n);
            K.fakeQuant!(xs, noCodes, null, outer, c, inner, scale, qmin, qmax, rounding);
            expect(Array.from(noCodes), `${what}: values without codes`).toEqual(Array.from(want));
          }
        }
      }
    });

    describe('through the dispatcher', () => {
      afterEach(() => {
        T.setStrictBackend(false);
        T.setBackend('js');
      });

      it('a conv1d network forward + backward equals js and kernelStats names the backend', () => {
        be.register();
        const run = (backend: string) => {
          T.setBackend(backend);
          T.resetKernelStats();
          const rng = new T.Rng(7);
          const x = T.randn([4, 3, 64], { rng });
          const w1 = T.randn([8, 3, 5], { rng });
          const w2 = T.randn([8, 8, 3], { rng });
          const wl = T.randn([8, 4], { rng });
          for (const p of [w1, w2, wl]) p.requiresGrad = true;
          const h1 = T.relu(T.conv1d(x, w1, null, { padding: 'causal', dilation: 2 }));
          const h2 = T.relu(T.conv1d(h1, w2, null, { padding: 'causal', dilation: 4 }));
          const pooled = T.mean(h2, [2]);
          const loss = T.sum(T.square(T.matmul(pooled, wl)));
          T.backward(loss);
          return { loss: loss.toFlatArray(), grads: [w1, w2, wl].map((p) => p.grad!.toFlatArray()), stats: T.kernelStats() };
        };
        const ref = run('js');
        const got = run(be.name);
        expect(got.stats.active).toBe(be.name);
        expectClose(got.loss, ref.loss, 64 * 8 * 8, 'loss');
        got.grads.forEach((g, i) => expectClose(g, ref.grads[i], 4 * 64 * 8, `grad ${i}`));
        if (be.name === 'gpujs') {
          expect([...gpujs.ran.values()].every((c) => c === 'WebAssemblyKernel')).toBe(true);
          expect(gpujs.ran.size).toBeGreaterThan(0);
        }
        // The backend really ran the kernels it implements.
        const implemented = Object.keys(be.kernels());
        for (const k of ['gemm', 'convForward', 'convBackward'] as const) {
          if (implemented.includes(k)) expect(got.stats.calls[be.name]?.[k], `${be.name} ran ${k}`).toBeGreaterThan(0);
        }
        console.log(`[backends.test] backend that ran: ${got.stats.active}; calls ${JSON.stringify(got.stats.calls)}; fallbacks ${JSON.stringify(got.stats.fallbacks)}`);
      });

      it.runIf(be.name !== 'js')('float64 operands go to js, recorded as fallbacks; strict mode throws', () => {
        be.register();
        T.setBackend(be.name);
        T.resetKernelStats();
        const a = T.tensor([[1, 2], [3, 4]], { dtype: 'float64' });
        expect(T.matmul(a, a).toFlatArray()).toEqual([7, 10, 15, 22]);
        const s = T.kernelStats();
        expect(s.calls.js?.gemm).toBe(1);
        expect(s.calls[be.name]?.gemm ?? 0).toBe(0);
        expect(s.fallbacks.gemm).toBe(1);
        expect(Object.keys(s.fallbackReasons).join()).toMatch(new RegExp(`${be.name}:gemm:Float64Array`));
        T.setStrictBackend(true);
        expect(() => T.matmul(a, a)).toThrow(/strict mode forbids the js fallback/);
        const f = T.tensor([[1, 2], [3, 4]]);
        expect(T.matmul(f, f).toFlatArray()).toEqual([7, 10, 15, 22]);
      });
    });
  });
}

describe('wasm conv paths: direct, im2col+GEMM and Winograd all equal js on every case', () => {
  afterAll(() => T.setWasmConvPath(null));
  for (const path of ['direct', 'im2col', 'winograd'] as const) {
    for (const [label, g] of [...CONV_CASES, ...WINOGRAD_CASES, ...WINOGRAD2D_CASES]) {
      it(`${path}: ${label}`, () => {
        T.setWasmConvPath(path);
        const rng = new T.Rng(15);
        const cinG = g.cin / g.groups;
        const x = rand(g.n * g.cin * g.h * g.w, rng), w = rand(g.cout * cinG * g.kh * g.kw, rng), bias = rand(g.cout, rng);
        const outLen = g.n * g.cout * g.ho * g.wo;
        const want = new Float32Array(outLen), got = new Float32Array(outLen).fill(NaN);
        JS.convForward(x, w, bias, want, g);
        T.wasmKernels.convForward!(x, w, bias, got, g);
        expectClose(got, want, cinG * g.kh * g.kw, `${path} convForward ${label}`);
        const dy = rand(outLen, rng);
        const dxWant = new Float32Array(x.length), dxGot = rand(x.length, rng);
        JS.convBackwardInput(dy, w, dxWant, g);
        T.wasmKernels.convBackwardInput!(dy, w, dxGot, g);
        expectClose(dxGot, dxWant, (g.cout / g.groups) * g.kh * g.kw, `${path} convBackwardInput ${label}`);
        const dwWant = new Float32Array(w.length), dwGot = rand(w.length, rng);
        JS.convBackwardWeight(x, dy, dwWant, g);
        T.wasmKernels.convBackwardWeight!(x, dy, dwGot, g);
        expectClose(dwGot, dwWant, g.n * g.ho * g.wo, `${path} convBackwardWeight ${label}`);
      });
    }
  }

  for (const [label, g] of WINOGRAD2D4_CASES) {
    it(`winograd F(4×4, 3×3) forced: ${label}`, () => {
      T.setWasmConvPath('winograd');
      setWasmWino2dTile(4);
      try {
        const rng = new T.Rng(15);
        const x = rand(g.n * g.cin * g.h * g.w, rng), w = rand(g.cout * g.cin * 9, rng), bias = rand(g.cout, rng);
        const outLen = g.n * g.cout * g.ho * g.wo;
        const want = new Float32Array(outLen), got = new Float32Array(outLen).fill(NaN);
        JS.convForward(x, w, bias, want, g);
        T.wasmKernels.convForward!(x, w, bias, got, g);
        expectClose(got, want, g.cin * 9, `F4 convForward ${label}`);
        const dy = rand(outLen, rng);
        const dxWant = new Float32Array(x.length), dxGot = rand(x.length, rng);
        JS.convBackwardInput(dy, w, dxWant, g);
        T.wasmKernels.convBackwardInput!(dy, w, dxGot, g);
        expectClose(dxGot, dxWant, g.cout * 9, `F4 convBackwardInput ${label}`);
        const dwWant = new Float32Array(w.length), dwGot = rand(w.length, rng);
        JS.convBackwardWeight(x, dy, dwWant, g);
        T.wasmKernels.convBackwardWeight!(x, dy, dwGot, g);
        expectClose(dwGot, dwWant, g.n * g.ho * g.wo, `F4 convBackwardWeight ${label}`);
        // Bias and the fused ReLU, then the masked gradients in one convBackward.
        JS.convForward(x, w, bias, want, g, true);
        T.wasmKernels.convForward!(x, w, bias, got, g, true);
        expectClose(got, want, g.cin * 9, `F4 fused ReLU forward ${label}`);
        expect(want.some((v) => v === 0) && want.some((v) => v > 0), `${label}: the ReLU clips some outputs`).toBe(true);
        const ref = { dx: new Float32Array(x.length), dw: new Float32Array(w.length), db: new Float32Array(g.cout) };
        const out = { dx: rand(x.length, rng), dw: rand(w.length, rng), db: rand(g.cout, rng) };
        JS.convBackward(x, w, dy, ref.dx, ref.dw, ref.db, g, want);
        T.wasmKernels.convBackward!(x, w, dy, out.dx, out.dw, out.db, g, want);
        expectClose(out.dx, ref.dx, g.cout * 9, `F4 fused ReLU dX ${label}`);
        expectClose(out.dw, ref.dw, g.n * g.ho * g.wo, `F4 fused ReLU dW ${label}`);
        expectClose(out.db, ref.db, g.n * g.ho * g.wo, `F4 fused ReLU bias gradient ${label}`);
      } finally {
        setWasmWino2dTile(null);
      }
    });
  }

  it('the 2-D tile rule: F(4×4, 3×3) where output and input are ≥ 14 × 14, F(2×2, 3×3) below (measured, docs/kernels.md)', () => {
    T.setWasmConvPath(null);
    const same = { pad: [1, 1, 1, 1] as [number, number, number, number] };
    expect(wino2dTile(geom(32, 16, 32, 32, 16, 3, 3, same))).toBe(4); // ResNet8
    expect(wino2dTile(geom(32, 32, 16, 16, 32, 3, 3, same))).toBe(4);
    expect(wino2dTile(geom(32, 64, 8, 8, 64, 3, 3, same))).toBe(2);
    expect(wino2dTile(geom(64, 16, 14, 14, 32, 3, 3, same))).toBe(4); // cnn-small
    expect(wino2dTile(geom(64, 32, 7, 7, 64, 3, 3, same))).toBe(2);
    expect(wino2dTile(geom(2, 8, 15, 15, 8, 3, 3))).toBe(2); // 13 × 13 output
    setWasmWino2dTile(4);
    expect(wino2dTile(geom(32, 64, 8, 8, 64, 3, 3, same))).toBe(4);
    setWasmWino2dTile(2);
    expect(wino2dTile(geom(32, 16, 32, 32, 16, 3, 3, same))).toBe(2);
    setWasmWino2dTile(null);
  });

  it('the per-shape rule: direct for depthwise (any multiplier), Winograd for 1-D rows ≥ 64 with ≥ 8 channels, im2col otherwise', () => {
    T.setWasmConvPath(null);
    expect(T.convPath(geom(2, 6, 5, 5, 6, 3, 3, { groups: 6 }))).toBe('direct');
    expect(T.convPath(geom(2, 4, 5, 5, 8, 3, 3, { groups: 4 }))).toBe('direct');
    expect(T.convPath(geom(4, 1, 1, 70, 6, 1, 5))).toBe('im2col');
    expect(T.convPath(geom(16, 32, 1, 256, 32, 1, 5))).toBe('winograd');
    expect(T.convPath(geom(16, 32, 1, 256, 32, 1, 5, { d: [1, 8], pad: [0, 0, 32, 0] }))).toBe('winograd');
    expect(T.convPath(geom(16, 32, 1, 256, 32, 1, 9))).toBe('winograd'); // two segments of 5 taps
    expect(T.convPath(geom(16, 32, 1, 28, 32, 1, 9))).toBe('im2col'); // a row shorter than 64
    expect(T.convPath(geom(16, 32, 1, 256, 32, 1, 5, { s: [1, 2] }))).toBe('im2col'); // strided
    expect(T.convPath(geom(16, 32, 3, 64, 32, 3, 3, { pad: [1, 1, 1, 1] }))).toBe('im2col'); // 2-D
    expect(T.convPath(geom(2, 8, 4, 4, 6, 1, 1, { groups: 2 }))).toBe('im2col');
    T.setWasmConvPath('winograd');
    expect(T.convPath(geom(2, 6, 5, 5, 6, 3, 3, { groups: 6 }))).toBe('direct'); // forced on a shape it cannot run: the rule
    T.setWasmConvPath(null);
  });

  it('the per-shape rule for 2-D: Winograd F(2×2, 3×3) for 3×3 stride 1 with ≥ 8 channels and outputs ≥ 4×4', () => {
    T.setWasmConvPath(null);
    const same = { pad: [1, 1, 1, 1] as [number, number, number, number] };
    // ResNet8 and cnn-small layers (docs/kernels.md, measured faster than im2col on each)
    expect(T.convPath(geom(32, 16, 32, 32, 16, 3, 3, same))).toBe('winograd');
    expect(T.convPath(geom(32, 32, 16, 16, 32, 3, 3, same))).toBe('winograd');
    expect(T.convPath(geom(32, 64, 8, 8, 64, 3, 3, same))).toBe('winograd');
    expect(T.convPath(geom(64, 16, 14, 14, 32, 3, 3, same))).toBe('winograd');
    expect(T.convPath(geom(64, 32, 7, 7, 64, 3, 3, same))).toBe('winograd');
    expect(T.convPath(geom(32, 3, 32, 32, 16, 3, 3, same))).toBe('im2col'); // first layer
    expect(T.convPath(geom(32, 16, 32, 32, 32, 3, 3, { ...same, s: [2, 2] }))).toBe('im2col'); // strided
    expect(T.convPath(geom(32, 16, 32, 32, 16, 3, 3, { pad: [2, 2, 2, 2], d: [2, 2] }))).toBe('im2col'); // dilated
    expect(T.convPath(geom(32, 64, 3, 3, 64, 3, 3, same))).toBe('im2col'); // 3×3 output
    expect(T.convPath(geom(32, 64, 8, 8, 64, 3, 3, { ...same, groups: 64 }))).toBe('direct'); // depthwise
    T.setWasmConvPath('im2col');
    expect(T.convPath(geom(32, 16, 32, 32, 16, 3, 3, same))).toBe('im2col');
    T.setWasmConvPath('winograd');
    expect(T.convPath(geom(32, 16, 32, 32, 16, 3, 3, same))).toBe('winograd');
    expect(T.convPath(geom(32, 3, 32, 32, 16, 3, 3, same))).toBe('im2col');
    T.setWasmConvPath(null);
  });

  it('winograd 2d with bias and fused ReLU: forward, and the masked gradients (dX, dW, bias) equal js', () => {
    T.setWasmConvPath(null); // these shapes go by Winograd under the rule
    for (const [label, g] of WINOGRAD2D_CASES) {
      expect(T.convPath(g), label).toBe('winograd');
      const rng = new T.Rng(21);
      const x = rand(g.n * g.cin * g.h * g.w, rng), w = rand(g.cout * g.cin * 9, rng), bias = rand(g.cout, rng);
      const outLen = g.n * g.cout * g.ho * g.wo;
      const want = new Float32Array(outLen), got = new Float32Array(outLen).fill(NaN);
      JS.convForward(x, w, bias, want, g, true);
      T.wasmKernels.convForward!(x, w, bias, got, g, true);
      expectClose(got, want, g.cin * 9, `fused ReLU forward ${label}`);
      expect(want.some((v) => v === 0) && want.some((v) => v > 0), `${label}: the ReLU clips some outputs`).toBe(true);
      const dy = rand(outLen, rng);
      const ref = { dx: new Float32Array(x.length), dw: new Float32Array(w.length), db: new Float32Array(g.cout) };
      const out = { dx: rand(x.length, rng), dw: rand(w.length, rng), db: rand(g.cout, rng) };
      JS.convBackward(x, w, dy, ref.dx, ref.dw, ref.db, g, want);
      T.wasmKernels.convBackward!(x, w, dy, out.dx, out.dw, out.db, g, want);
      expectClose(out.dx, ref.dx, g.cout * 9, `fused ReLU dX ${label}`);
      expectClose(out.dw, ref.dw, g.n * g.ho * g.wo, `fused ReLU dW ${label}`);
      expectClose(out.db, ref.db, g.n * g.ho * g.wo, `fused ReLU bias gradient ${label}`);
    }
  });
});

describe('wasm specifics', () => {
  afterAll(async () => {
    await T.setWasmThreads(1);
    T.setBackend('js');
  });

  it('reports its ISA variant and memory', () => {
    const info = T.wasmInfo();
    expect(info).not.toBeNull();
    console.log(`[backends.test] wasm variant: ${JSON.stringify(info)}`);
    expect(['simd', 'relaxed-simd']).toContain(info!.isa);
    // Node ≥ 20.16 can turn relaxed SIMD on at run time, so the default there is the FMA variant
    // (backends-simd.test.ts runs this file again with plain SIMD forced).
    const canFlag = typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function';
    if (canFlag && !info!.isaReason.startsWith('forced')) expect(info!.isa).toBe('relaxed-simd');
  });

  it('the ISA is fixed once the runtime runs: asking for the other one throws and says how', () => {
    const other = T.wasmInfo()!.isa === 'simd' ? 'auto' : 'simd';
    if (other === 'auto' && !T.wasmInfo()!.isaReason.startsWith('forced')) return; // simd because the engine lacks relaxed: 'auto' fits
    expect(() => T.setWasmIsa(other)).toThrow(/already started with .*call setWasmIsa before the first wasm kernel/);
  });

  it('two threads: large gemm and conv kernels equal js', async () => {
    const threads = await T.setWasmThreads(2);
    expect(threads).toBe(2);
    expect(T.wasmInfo()!.threads).toBe(2);
    const rng = new T.Rng(9);
    const m = 256, n = 272, k = 256; // m·n·k above WAKE_MIN_MACS: the workers take part
    expect(m * n * k).toBeGreaterThanOrEqual(T.WAKE_MIN_MACS);
    for (const [transA, transB] of [[false, false], [true, true]] as const) {
      const a = rand(m * k, rng), b = rand(k * n, rng);
      const want = rand(m * n, rng), got = want.slice();
      JS.gemm(transA, transB, m, n, k, 1, a, 0, transA ? m : k, b, 0, transB ? k : n, 0.5, want, 0, n);
      T.wasmKernels.gemm!(transA, transB, m, n, k, 1, a, 0, transA ? m : k, b, 0, transB ? k : n, 0.5, got, 0, n);
      expectClose(got, want, k, 'threaded gemm');
    }
    const g = geom(8, 32, 1, 600, 32, 1, 5, { d: [1, 2], pad: [0, 0, 8, 0] });
    expect(g.n * g.cout * g.cin * 5 * g.wo).toBeGreaterThanOrEqual(T.WAKE_MIN_MACS);
    const x = rand(g.n * g.cin * g.w, rng), w = rand(g.cout * g.cin * 5, rng), dy = rand(g.n * g.cout * g.wo, rng);
    const o1 = new Float32Array(dy.length), o2 = new Float32Array(dy.length);
    JS.convForward(x, w, null, o1, g);
    T.wasmKernels.convForward!(x, w, null, o2, g);
    expectClose(o2, o1, 80, 'threaded convForward');
    const dx1 = new Float32Array(x.length), dx2 = new Float32Array(x.length);
    JS.convBackwardInput(dy, w, dx1, g);
    T.wasmKernels.convBackwardInput!(dy, w, dx2, g);
    expectClose(dx2, dx1, 80, 'threaded convBackwardInput');
    const dw1 = new Float32Array(w.length), dw2 = new Float32Array(w.length);
    JS.convBackwardWeight(x, dy, dw1, g);
    T.wasmKernels.convBackwardWeight!(x, dy, dw2, g);
    expectClose(dw2, dw1, g.n * g.wo, 'threaded convBackwardWeight');

    // The direct path (depthwise) split over the threads too.
    const gd = geom(64, 64, 1, 600, 64, 1, 9, { pad: [0, 0, 8, 0], groups: 64 });
    expect(T.convPath(gd)).toBe('direct');
    expect(gd.n * gd.cout * 9 * gd.wo).toBeGreaterThanOrEqual(T.WAKE_MIN_MACS);
    const xd = rand(gd.n * gd.cin * gd.w, rng), wd = rand(gd.cout * 9, rng), dyd = rand(gd.n * gd.cout * gd.wo, rng);
    const y1 = new Float32Array(dyd.length), y2 = new Float32Array(dyd.length);
    JS.convForward(xd, wd, null, y1, gd);
    T.wasmKernels.convForward!(xd, wd, null, y2, gd);
    expectClose(y2, y1, 9, 'threaded direct convForward');
    const e1 = new Float32Array(xd.length), e2 = new Float32Array(xd.length);
    JS.convBackwardInput(dyd, wd, e1, gd);
    T.wasmKernels.convBackwardInput!(dyd, wd, e2, gd);
    expectClose(e2, e1, 9, 'threaded direct convBackwardInput');
    const f1 = new Float32Array(wd.length), f2 = new Float32Array(wd.length);
    JS.convBackwardWeight(xd, dyd, f1, gd);
    T.wasmKernels.convBackwardWeight!(xd, dyd, f2, gd);
    expectClose(f2, f1, gd.n * gd.wo, 'threaded direct convBackwardWeight');
  });

  it('two threads: forward, dX and the bias gradient keep one thread\'s bits; dW is the two half-batch sums added', async () => {
    const rng = new T.Rng(17);
    // Above WAKE_MIN_MACS (the workers take part) and below (the same slices on the calling thread).
    const cases: [string, ConvGeom][] = [
      ['im2col', geom(8, 32, 1, 600, 32, 1, 5, { d: [1, 2], pad: [0, 0, 8, 0] })],
      ['im2col, under WAKE_MIN_MACS', geom(8, 16, 1, 300, 16, 1, 5, { d: [1, 2], pad: [0, 0, 8, 0] })],
      ['first layer (cin 1), under WAKE_MIN_MACS', geom(64, 1, 1, 512, 32, 1, 5, { pad: [0, 0, 4, 0] })],
      ['direct (depthwise)', geom(64, 64, 1, 600, 64, 1, 9, { pad: [0, 0, 8, 0], groups: 64 })],
      ['winograd', geom(8, 32, 1, 600, 32, 1, 5, { d: [1, 2], pad: [0, 0, 8, 0] })],
      ['winograd, under WAKE_MIN_MACS', geom(8, 16, 1, 300, 16, 1, 5, { d: [1, 2], pad: [0, 0, 8, 0] })],
    ];
    // The 1-D cases would go by Winograd under the per-shape rule; 'im2col' ones are forced.
    const runAll = (g: ConvGeom, x: Float32Array, w: Float32Array, bias: Float32Array, dy: Float32Array, withDx: boolean, label: string) => {
      T.setWasmConvPath(label.startsWith('im2col') ? 'im2col' : null);
      const y = new Float32Array(dy.length), dx = withDx ? new Float32Array(x.length) : null;
      const dw = new Float32Array(w.length), db = new Float32Array(g.cout);
      try {
        T.wasmKernels.convForward!(x, w, bias, y, g);
        T.wasmKernels.convBackward!(x, w, dy, dx, dw, db, g);
      } finally {
        T.setWasmConvPath(null);
      }
      return { y, dx, dw, db };
    };
    const inputs = cases.map(([, g]) => {
      expect(g.n * g.cout * (g.cin / g.groups) * g.kw * g.wo).toBeGreaterThanOrEqual(T.THREAD_MIN_MACS);
      return { x: rand(g.n * g.cin * g.w, rng), w: rand(g.cout * (g.cin / g.groups) * g.kw, rng), dy: rand(g.n * g.cout * g.wo, rng), bias: rand(g.cout, rng) };
    });
    const each = (f: (g: ConvGeom, o: (typeof inputs)[number], withDx: boolean, label: string) => void) =>
      cases.forEach(([label, g], i) => [true, false].forEach((withDx) => f(g, inputs[i], withDx, `${label}${withDx ? '' : ' (no dX)'}`)));
    await T.setWasmThreads(1);
    const want: ReturnType<typeof runAll>[] = [];
    each((g, { x, w, bias, dy }, withDx, label) => {
      const one = runAll(g, x, w, bias, dy, withDx, label);
      if (label.startsWith('winograd')) {
        want.push(one); // dW is summed in the transform domain: compared within rounding below
        return;
      }
      if (label.startsWith('direct') && depthwiseFlatApplies(g)) {
        want.push(one); // flat-plane depthwise runs on the calling thread (src/kernels/wasm/depthwise.ts): one thread's bits
        return;
      }
      const half = g.n / 2, xs = x.length / g.n, ys = dy.length / g.n, gh = { ...g, n: half };
      const lo = runAll(gh, x.subarray(0, half * xs), w, bias, dy.subarray(0, half * ys), false, label);
      const hi = runAll(gh, x.subarray(half * xs), w, bias, dy.subarray(half * ys), false, label);
      want.push({ ...one, dw: lo.dw.map((v, j) => Math.fround(v + hi.dw[j])) });
    });
    await T.setWasmThreads(2);
    let k = 0;
    each((g, { x, w, bias, dy }, withDx, label) => {
      const two = runAll(g, x, w, bias, dy, withDx, label);
      const ref = want[k++];
      // First differing element (−1: the same bits); toEqual on millions of elements is slow.
      const firstDiff = (u: Float32Array | null, v: Float32Array | null): number => {
        if (u === null || v === null) return u === v ? -1 : 0;
        const a = new Uint32Array(u.buffer, u.byteOffset, u.length), b = new Uint32Array(v.buffer, v.byteOffset, v.length);
        if (a.length !== b.length) return 0;
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
        return -1;
      };
      expect(firstDiff(two.y, ref.y), `${label}: forward`).toBe(-1);
      expect(firstDiff(two.dx, ref.dx), `${label}: dX`).toBe(-1);
      expect(firstDiff(two.db, ref.db), `${label}: bias gradient`).toBe(-1);
      if (label.startsWith('winograd')) expectClose(two.dw, ref.dw, g.n * g.wo, `${label}: dW`);
      else expect(firstDiff(two.dw, ref.dw), `${label}: dW`).toBe(-1);
    });
    await T.setWasmThreads(1);
  });

  it('winograd 2d on two threads: forward and dX keep one thread\'s bits, dW within rounding; all equal js', async () => {
    const rng = new T.Rng(23);
    const same = { pad: [1, 1, 1, 1] as [number, number, number, number] };
    const cases: [string, ConvGeom][] = [
      ['above WAKE_MIN_MACS', geom(8, 32, 16, 16, 32, 3, 3, same)],
      ['under WAKE_MIN_MACS, odd sizes', geom(7, 16, 15, 13, 16, 3, 3, { pad: [0, 1, 1, 0] })],
    ];
    const run = (g: ConvGeom, x: Float32Array, w: Float32Array, bias: Float32Array, dy: Float32Array, mode: 'both' | 'dx' | 'dw') => {
      const y = new Float32Array(dy.length);
      const dx = mode === 'dw' ? null : new Float32Array(x.length);
      const dw = mode === 'dx' ? null : new Float32Array(w.length);
      T.wasmKernels.convForward!(x, w, bias, y, g, true);
      T.wasmKernels.convBackward!(x, w, dy, dx, dw, null, g, y);
      return { y, dx, dw };
    };
    const inputs = cases.map(([label, g]) => {
      expect(T.convPath(g), label).toBe('winograd');
      expect(g.n * g.cout * g.cin * 9 * g.ho * g.wo, label).toBeGreaterThanOrEqual(T.THREAD_MIN_MACS);
      return { x: rand(g.n * g.cin * g.h * g.w, rng), w: rand(g.cout * g.cin * 9, rng), bias: rand(g.cout, rng), dy: rand(g.n * g.cout * g.ho * g.wo, rng) };
    });
    expect(cases[0][1].n * 32 * 32 * 9 * 256).toBeGreaterThanOrEqual(T.WAKE_MIN_MACS);
    expect(cases[1][1].n * 16 * 16 * 9 * 13 * 13).toBeLessThan(T.WAKE_MIN_MACS);
    const modes = ['both', 'dx', 'dw'] as const;
    // This test is about F(2×2, 3×3); the rule now sends its first shape to F(4×4), tested below.
    setWasmWino2dTile(2);
    await T.setWasmThreads(1);
    const one = cases.map(([, g], i) => modes.map((m) => run(g, inputs[i].x, inputs[i].w, inputs[i].bias, inputs[i].dy, m)));
    await T.setWasmThreads(2);
    const two = cases.map(([, g], i) => modes.map((m) => run(g, inputs[i].x, inputs[i].w, inputs[i].bias, inputs[i].dy, m)));
    await T.setWasmThreads(1);
    setWasmWino2dTile(null);
    cases.forEach(([label, g], i) => {
      const { x, w, bias, dy } = inputs[i];
      const y = new Float32Array(dy.length), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
      JS.convForward(x, w, bias, y, g, true);
      JS.convBackward(x, w, dy, dx, dw, null, g, y);
      modes.forEach((m, k) => {
        const a = one[i][k], b = two[i][k];
        expect(b.y, `${label} ${m}: forward bits`).toEqual(a.y);
        if (a.dx !== null) expect(b.dx, `${label} ${m}: dX bits`).toEqual(a.dx);
        expectClose(b.y, y, g.cin * 9, `${label} ${m}: forward`);
        if (b.dx !== null) expectClose(b.dx, dx, g.cout * 9, `${label} ${m}: dX`);
        if (a.dw !== null) expectClose(a.dw, dw, g.n * g.ho * g.wo, `${label} ${m}: dW, one thread`);
        if (b.dw !== null) expectClose(b.dw, dw, g.n * g.ho * g.wo, `${label} ${m}: dW, two threads`);
      });
    });
  });

  it('winograd F(4×4) on two threads: forward and dX keep one thread\'s bits, dW within rounding; all equal js', async () => {
    const rng = new T.Rng(29);
    const cases: [string, ConvGeom][] = [
      ['above WAKE_MIN_MACS (the rule picks F4)', geom(8, 32, 16, 16, 32, 3, 3, { pad: [1, 1, 1, 1] })],
      ['under WAKE_MIN_MACS, odd sizes, forced', geom(7, 16, 15, 13, 16, 3, 3, { pad: [0, 1, 1, 0] })],
    ];
    expect(wino2dTile(cases[0][1])).toBe(4);
    const run = (g: ConvGeom, x: Float32Array, w: Float32Array, bias: Float32Array, dy: Float32Array) => {
      const y = new Float32Array(dy.length), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
      const dx2 = new Float32Array(x.length);
      T.wasmKernels.convForward!(x, w, bias, y, g, true);
      T.wasmKernels.convBackward!(x, w, dy, dx, dw, null, g, y); // dX and dW in one job
      T.wasmKernels.convBackward!(x, w, dy, dx2, null, null, g, y); // dX alone
      return { y, dx, dw, dx2 };
    };
    const inputs = cases.map(([, g]) => ({ x: rand(g.n * g.cin * g.h * g.w, rng), w: rand(g.cout * g.cin * 9, rng), bias: rand(g.cout, rng), dy: rand(g.n * g.cout * g.ho * g.wo, rng) }));
    expect(cases[1][1].n * 16 * 16 * 9 * 14 * 12).toBeLessThan(T.WAKE_MIN_MACS);
    setWasmWino2dTile(4);
    try {
      await T.setWasmThreads(1);
      const one = cases.map(([, g], i) => run(g, inputs[i].x, inputs[i].w, inputs[i].bias, inputs[i].dy));
      await T.setWasmThreads(2);
      const two = cases.map(([, g], i) => run(g, inputs[i].x, inputs[i].w, inputs[i].bias, inputs[i].dy));
      cases.forEach(([label, g], i) => {
        expect(T.convPath(g), label).toBe('winograd');
        const { x, w, bias, dy } = inputs[i];
        const y = new Float32Array(dy.length), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
        JS.convForward(x, w, bias, y, g, true);
        // The gradients' reference takes wasm's ReLU mask: an output within rounding of 0 can be
        // clipped by one and not the other (seen with F(4×4): 3·10⁻⁷ against 0), and that flips a
        // whole dy entry — a mask difference, not a gradient error.
        JS.convBackward(x, w, dy, dx, dw, null, g, one[i].y);
        expect(two[i].y, `${label}: forward bits`).toEqual(one[i].y);
        expect(two[i].dx, `${label}: dX bits`).toEqual(one[i].dx);
        expect(two[i].dx2, `${label}: dX alone, bits`).toEqual(one[i].dx);
        expectClose(two[i].y, y, g.cin * 9, `${label}: forward`);
        expectClose(two[i].dx, dx, g.cout * 9, `${label}: dX`);
        expectClose(one[i].dw, dw, g.n * g.ho * g.wo, `${label}: dW, one thread`);
        expectClose(two[i].dw, dw, g.n * g.ho * g.wo, `${label}: dW, two threads`);
      });
    } finally {
      setWasmWino2dTile(null);
      await T.setWasmThreads(1);
    }
  });

  it('im2col packed straight from x: the same bits as an explicit im2col followed by the wasm GEMM', async () => {
    await T.setWasmThreads(1); // one thread: the reference below sums dW's samples in order
    T.setWasmConvPath('im2col');
    try {
      for (const [label, g] of [...CONV_CASES, ['2d 3×3 stride 1 wo 7 (panels across rows)', geom(2, 3, 6, 7, 9, 3, 3, { pad: [1, 1, 1, 1] })] as const]) {
        const pointwise = g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.padTop + g.padBottom + g.padLeft + g.padRight === 0;
        if (pointwise) continue;
        const rng = new T.Rng(13);
        const cinG = g.cin / g.groups, coutG = g.cout / g.groups;
        const K = cinG * g.kh * g.kw, P = g.ho * g.wo;
        const x = rand(g.n * g.cin * g.h * g.w, rng), w = rand(g.cout * K, rng), dy = rand(g.n * g.cout * P, rng);
        const yWant = new Float32Array(dy.length), dwWant = new Float32Array(w.length);
        const col = new Float32Array(K * P);
        for (let n = 0; n < g.n; n++) {
          for (let gr = 0; gr < g.groups; gr++) {
            im2col(x, (n * g.cin + gr * cinG) * g.h * g.w, cinG, g, col);
            T.wasmKernels.gemm!(false, false, coutG, P, K, 1, w, gr * coutG * K, K, col, 0, P, 0, yWant, (n * g.cout + gr * coutG) * P, P);
            T.wasmKernels.gemm!(false, true, coutG, K, P, 1, dy, (n * g.cout + gr * coutG) * P, P, col, 0, P, 1, dwWant, gr * coutG * K, K);
          }
        }
        const y = new Float32Array(dy.length), dw = new Float32Array(w.length);
        T.wasmKernels.convForward!(x, w, null, y, g);
        T.wasmKernels.convBackward!(x, w, dy, null, dw, null, g);
        expect(y, `convForward ${label}`).toEqual(yWant);
        expect(dw, `convBackward dw ${label}`).toEqual(dwWant);
      }
    } finally {
      T.setWasmConvPath(null);
    }
  });

  it('one thread runs over private memory, more over shared memory, with the same bits', async () => {
    const rng = new T.Rng(11);
    const g = geom(4, 8, 1, 64, 8, 1, 3, { d: [1, 2], pad: [0, 0, 4, 0] }); // under THREAD_MIN_MACS: one thread either way
    const x = rand(g.n * g.cin * g.w, rng), w = rand(g.cout * g.cin * 3, rng), dy = rand(g.n * g.cout * g.wo, rng);
    const a = rand(40 * 50, rng), b = rand(50 * 30, rng);
    const runAll = () => {
      const y = new Float32Array(dy.length), dx = new Float32Array(x.length), dw = new Float32Array(w.length), c = new Float32Array(40 * 30);
      T.wasmKernels.convForward!(x, w, null, y, g);
      T.wasmKernels.convBackward!(x, w, dy, dx, dw, null, g);
      T.wasmKernels.gemm!(false, false, 40, 30, 50, 1, a, 0, 50, b, 0, 30, 0, c, 0, 30);
      return [y, dx, dw, c];
    };
    await T.setWasmThreads(1);
    expect(T.wasmInfo()!.sharedMemory).toBe(false);
    const priv = runAll();
    await T.setWasmThreads(2);
    expect(T.wasmInfo()!.sharedMemory).toBe(true);
    const shared = runAll();
    await T.setWasmThreads(1);
    expect(T.wasmInfo()!.sharedMemory).toBe(false);
    shared.forEach((v, i) => expect(v, `operand ${i}`).toEqual(priv[i]));
    runAll().forEach((v, i) => expect(v, `operand ${i} after switching back`).toEqual(priv[i]));
  });

  it('useFastestBackend picks wasm here and says so; importing the library did not', () => {
    expect(T.getBackendName()).toBe('js');
    const choice = T.useFastestBackend();
    expect(choice).toEqual({ backend: 'wasm' });
    expect(T.getBackendName()).toBe('wasm');
    expect(T.listBackends()).toContain('js');
  });
});
