/**
 * Conv → ReLU fusion at the kernel and op level: `convForward(..., relu)` and
 * `convBackward(..., reluOut)` on every backend (js, wasm on one and two threads, gpu.js), and the
 * `activation: 'relu'` option of conv1d / conv2d (float64 gradcheck, same values and gradients as
 * relu(conv(…)), a bad activation named in the error).
 *
 * Bit-for-bit claims are checked on the uint32 patterns (−0 and NaN included); comparisons with
 * the js reference on another backend use the accumulation-length tolerance of backends.test.ts.
 */

import { describe, it, expect, afterAll, afterEach } from 'vitest';
import * as T from '../../src/index.js';
import type { ConvGeom, KernelSet } from '../../src/index.js';
import { rand as rand64 } from '../autograd/helpers.js';
import { geom } from './convGeom.js';

const JS = T.jsKernels;
const EPS32 = 1.2e-7;
const gpujs = await T.createGpujsBackend('webasm');

function randF32(n: number, rng: T.Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Index of the first element whose bits differ (−1: identical, including −0 and NaN payloads). */
function firstBitDiff(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  if (a.length !== b.length || a.constructor !== b.constructor) return 0;
  const u = a instanceof Float32Array ? new Uint32Array(a.buffer, a.byteOffset, a.length) : new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const v = b instanceof Float32Array ? new Uint32Array(b.buffer, b.byteOffset, b.length) : new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return i;
  return -1;
}

function expectSameBits(got: Float32Array | Float64Array, want: Float32Array | Float64Array, what: string): void {
  const i = firstBitDiff(got, want);
  expect(i, `${what}: first differing element ${i} (${got[i]} vs ${want[i]})`).toBe(-1);
}

/** |a − e| ≤ tol·(1 + |e|), tol = max(1e-6, 4·L·ε) for accumulation length L. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, accumLen: number, what: string): void {
  const tol = Math.max(1e-6, 4 * accumLen * EPS32);
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i], e = want[i];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) throw new Error(`${what}: element ${i} is ${a}, expected ${e} (tol ${tol.toExponential(2)})`);
  }
}

/** The js unary ReLU of `a` (NaN and −0 give +0). */
function jsRelu(a: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  JS.unary('relu', a, out, a.length, 0, 0);
  return out;
}

/** Every element is +0 or positive: no NaN, no −0, nothing negative. */
function expectReluRange(a: Float32Array, what: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] > 0 || Object.is(a[i], 0))) throw new Error(`${what}: element ${i} is ${Object.is(a[i], -0) ? '-0' : a[i]} after a fused ReLU`);
  }
}


interface Operands { x: Float32Array; w: Float32Array; bias: Float32Array; dy: Float32Array }

function operands(g: ConvGeom, seed: number): Operands {
  const rng = new T.Rng(seed);
  return {
    x: randF32(g.n * g.cin * g.h * g.w, rng),
    w: randF32(g.cout * (g.cin / g.groups) * g.kh * g.kw, rng),
    bias: randF32(g.cout, rng),
    dy: randF32(g.n * g.cout * g.ho * g.wo, rng),
  };
}

const outLen = (g: ConvGeom) => g.n * g.cout * g.ho * g.wo;
const kLen = (g: ConvGeom) => (g.cin / g.groups) * g.kh * g.kw;

const CASES: [string, ConvGeom][] = [
  ['1d causal k5 dilation 2 (h = kh = 1)', geom(3, 6, 1, 40, 4, 1, 5, { d: [1, 2], pad: [0, 0, 8, 0] })],
  ['1d causal k3 dilation 2, 8 channels each side', geom(2, 8, 1, 50, 8, 1, 3, { d: [1, 2], pad: [0, 0, 4, 0] })],
  ['2d 3×3 pad 1', geom(2, 3, 6, 7, 5, 3, 3, { pad: [1, 1, 1, 1] })],
  ['2d strides (2,3) dilation (2,1) groups 2', geom(3, 4, 9, 9, 8, 3, 2, { s: [2, 3], d: [2, 1], pad: [2, 0, 1, 3], groups: 2 })],
  ['2d depthwise 3×3', geom(2, 6, 5, 5, 6, 3, 3, { pad: [1, 1, 1, 1], groups: 6 })],
  ['1d depthwise k9 dilation 3 causal', geom(3, 5, 1, 60, 5, 1, 9, { d: [1, 3], pad: [0, 0, 24, 0], groups: 5 })],
  ['2d pointwise groups 2', geom(2, 8, 4, 4, 6, 1, 1, { groups: 2 })],
];

interface BackendCase { name: string; kernels: () => Partial<KernelSet>; bitExactRelu: boolean }
const BACKENDS: BackendCase[] = [
  { name: 'js', kernels: () => T.jsKernels, bitExactRelu: true },
  { name: 'wasm', kernels: () => T.wasmKernels, bitExactRelu: true },
  { name: 'gpujs', kernels: () => gpujs.kernels, bitExactRelu: false },
];

/**
 * The fused forward against js conv + ReLU (tolerance) and, where the backend promises it, against
 * the backend's own unfused output through the js ReLU (bits); then the fused backward against the
 * backend's backward of the masked dy (bits), with dy left untouched.
 */
function checkFused(K: Partial<KernelSet>, be: string, bitExact: boolean, g: ConvGeom, o: Operands, label: string): Float32Array {
  const n = outLen(g);
  const want = new Float32Array(n);
  JS.convForward(o.x, o.w, o.bias, want, g);
  const wantRelu = jsRelu(want);
  const fused = new Float32Array(n).fill(NaN);
  K.convForward!(o.x, o.w, o.bias, fused, g, true);
  expectClose(fused, wantRelu, kLen(g), `${be} fused forward ${label}`);
  expectReluRange(fused, `${be} fused forward ${label}`);
  if (bitExact) {
    const plain = new Float32Array(n).fill(NaN);
    K.convForward!(o.x, o.w, o.bias, plain, g, false);
    expectSameBits(fused, jsRelu(plain), `${be} fused forward = ReLU(own unfused) ${label}`);
    const plainNoBias = new Float32Array(n), fusedNoBias = new Float32Array(n).fill(NaN);
    K.convForward!(o.x, o.w, null, plainNoBias, g);
    K.convForward!(o.x, o.w, null, fusedNoBias, g, true);
    expectSameBits(fusedNoBias, jsRelu(plainNoBias), `${be} fused forward without bias ${label}`);
  }
  // Some outputs clipped, some kept: the mask really matters in the backward check.
  expect(fused.some((v) => v === 0), `${label}: some outputs clipped`).toBe(true);
  expect(fused.some((v) => v > 0), `${label}: some outputs kept`).toBe(true);

  if (K.convBackward === undefined) return fused;
  const masked = new Float32Array(n);
  JS.reluGrad(fused, o.dy, masked, n);
  const dyBefore = o.dy.slice();
  const rng = new T.Rng(99);
  const ref = { dx: randF32(o.x.length, rng), dw: randF32(o.w.length, rng), db: randF32(g.cout, rng) };
  K.convBackward(o.x, o.w, masked, ref.dx, ref.dw, ref.db, g);
  const got = { dx: randF32(o.x.length, rng), dw: randF32(o.w.length, rng), db: randF32(g.cout, rng) };
  K.convBackward(o.x, o.w, o.dy, got.dx, got.dw, got.db, g, fused);
  expectSameBits(o.dy, dyBefore, `${be} convBackward left dy unchanged ${label}`);
  expectSameBits(got.dx, ref.dx, `${be} fused dX ${label}`);
  expectSameBits(got.dw, ref.dw, `${be} fused dW ${label}`);
  expectSameBits(got.db, ref.db, `${be} fused bias gradient ${label}`);
  // One output at a time (the others null) gives the same bits.
  const dwOnly = new Float32Array(o.w.length), dxOnly = new Float32Array(o.x.length), dbOnly = new Float32Array(g.cout);
  K.convBackward(o.x, o.w, o.dy, null, dwOnly, null, g, fused);
  K.convBackward(o.x, o.w, o.dy, dxOnly, null, null, g, fused);
  K.convBackward(o.x, o.w, o.dy, null, null, dbOnly, g, fused);
  expectSameBits(dwOnly, ref.dw, `${be} fused dW only ${label}`);
  expectSameBits(dxOnly, ref.dx, `${be} fused dX only ${label}`);
  expectSameBits(dbOnly, ref.db, `${be} fused bias gradient only ${label}`);
  expectSameBits(o.dy, dyBefore, `${be} convBackward (single outputs) left dy unchanged ${label}`);
  // And close to the js reference.
  const jsDx = new Float32Array(o.x.length), jsDw = new Float32Array(o.w.length);
  JS.convBackwardInput(masked, o.w, jsDx, g);
  JS.convBackwardWeight(o.x, masked, jsDw, g);
  expectClose(got.dx, jsDx, (g.cout / g.groups) * g.kh * g.kw, `${be} fused dX vs js ${label}`);
  expectClose(got.dw, jsDw, g.n * g.ho * g.wo, `${be} fused dW vs js ${label}`);
  return fused;
}

describe('convForward(relu) and convBackward(reluOut) on every backend', () => {
  afterAll(() => T.setWasmConvPath(null));

  for (const be of BACKENDS) {
    describe(`backend '${be.name}'`, () => {
      for (const [label, g] of CASES) {
        it(`fused ReLU forward and masked backward: ${label}`, () => {
          if (be.name === 'wasm') expect(T.registerWasmBackend()).toBe(true);
          checkFused(be.kernels(), be.name, be.bitExactRelu, g, operands(g, 21), label);
        });
      }
    });
  }

  for (const path of ['direct', 'im2col'] as const) {
    it(`wasm with the ${path} path forced: fused equals its own unfused output through ReLU, bit for bit`, () => {
      T.setWasmConvPath(path);
      try {
        for (const [label, g] of CASES) checkFused(T.wasmKernels, `wasm ${path}`, true, g, operands(g, 23), label);
      } finally {
        T.setWasmConvPath(null);
      }
    });
  }

  it('NaN in the unfused output comes out as +0, never NaN or −0 (js and wasm)', () => {
    const g = geom(2, 4, 1, 64, 6, 1, 3, { pad: [0, 0, 2, 0] });
    const o = operands(g, 31);
    o.x[5] = NaN; // poisons the outputs that read it
    // A channel of −0 weights and bias: exact zeros (the accumulators start at +0, so no −0 reaches the ReLU).
    o.w.fill(-0, 0, 4 * 3);
    o.bias[0] = -0;
    for (const [name, K] of [['js', T.jsKernels], ['wasm', T.wasmKernels]] as const) {
      const plain = new Float32Array(outLen(g)), fused = new Float32Array(outLen(g)).fill(NaN);
      K.convForward!(o.x, o.w, o.bias, plain, g);
      K.convForward!(o.x, o.w, o.bias, fused, g, true);
      expect(plain.some(Number.isNaN), `${name}: the unfused output has NaN`).toBe(true);
      expectReluRange(fused, `${name} fused with NaN input`);
      expectSameBits(fused, jsRelu(plain), `${name} fused = ReLU(unfused) with NaN and zeros`);
    }
  });

  describe('wasm on two threads', () => {
    afterAll(async () => {
      await T.setWasmThreads(1);
    });

    const THREADED: [string, ConvGeom][] = [
      ['im2col above THREAD_MIN_MACS, under WAKE_MIN_MACS', geom(8, 16, 1, 300, 16, 1, 5, { d: [1, 2], pad: [0, 0, 8, 0] })],
      ['im2col above WAKE_MIN_MACS', geom(8, 32, 1, 600, 32, 1, 5, { d: [1, 2], pad: [0, 0, 8, 0] })],
      ['direct (depthwise) above WAKE_MIN_MACS', geom(64, 64, 1, 600, 64, 1, 9, { pad: [0, 0, 8, 0], groups: 64 })],
    ];
    const macs = (g: ConvGeom) => g.n * g.cout * kLen(g) * g.ho * g.wo;

    it('the cases sit where they should against the thresholds', () => {
      expect(macs(THREADED[0][1])).toBeGreaterThanOrEqual(T.THREAD_MIN_MACS);
      expect(macs(THREADED[0][1])).toBeLessThan(T.WAKE_MIN_MACS);
      expect(macs(THREADED[1][1])).toBeGreaterThanOrEqual(T.WAKE_MIN_MACS);
      expect(macs(THREADED[2][1])).toBeGreaterThanOrEqual(T.WAKE_MIN_MACS);
      expect(T.convPath(THREADED[2][1])).toBe('direct');
    });

    it('fused forward and masked backward keep their bits on two threads; the forward equals one thread\'s', async () => {
      expect(T.registerWasmBackend()).toBe(true);
      await T.setWasmThreads(1);
      const oneThread = THREADED.map(([, g], i) => {
        const o = operands(g, 40 + i);
        const y = new Float32Array(outLen(g));
        T.wasmKernels.convForward!(o.x, o.w, o.bias, y, g, true);
        return y;
      });
      expect(await T.setWasmThreads(2)).toBe(2);
      THREADED.forEach(([label, g], i) => {
        const o = operands(g, 40 + i);
        const fused = checkFused(T.wasmKernels, 'wasm 2 threads', true, g, o, label);
        expectSameBits(fused, oneThread[i], `fused forward on 2 threads = 1 thread ${label}`);
      });
    });
  });

  describe('float64 operands', () => {
    afterEach(() => {
      T.setStrictBackend(false);
      T.setBackend('js');
    });

    it('wasm delegates a float64 fused conv to js, records the fallback, and gives js\'s answer', () => {
      expect(T.registerWasmBackend()).toBe(true);
      const g = CASES[0][1];
      const o32 = operands(g, 51);
      const x = Float64Array.from(o32.x), w = Float64Array.from(o32.w), bias = Float64Array.from(o32.bias), dy = Float64Array.from(o32.dy);
      T.resetKernelStats();
      const want = new Float64Array(outLen(g)), got = new Float64Array(outLen(g)).fill(NaN);
      JS.convForward(x, w, bias, want, g, true);
      T.wasmKernels.convForward!(x, w, bias, got, g, true);
      expectSameBits(got, want, 'float64 fused forward');
      expect(want.some((v) => v === 0) && want.every((v) => v >= 0)).toBe(true);
      const ref = { dx: new Float64Array(x.length), dw: new Float64Array(w.length), db: new Float64Array(g.cout) };
      JS.convBackward(x, w, dy, ref.dx, ref.dw, ref.db, g, want);
      const out = { dx: new Float64Array(x.length), dw: new Float64Array(w.length), db: new Float64Array(g.cout) };
      const dyBefore = dy.slice();
      T.wasmKernels.convBackward!(x, w, dy, out.dx, out.dw, out.db, g, got);
      expectSameBits(dy, dyBefore, 'float64 dy unchanged');
      expectSameBits(out.dx, ref.dx, 'float64 fused dX');
      expectSameBits(out.dw, ref.dw, 'float64 fused dW');
      expectSameBits(out.db, ref.db, 'float64 fused bias gradient');
      // The js fused backward is the backward of the masked dy.
      const masked = new Float64Array(dy.length);
      JS.reluGrad(want, dy, masked, dy.length);
      const viaMask = { dx: new Float64Array(x.length), dw: new Float64Array(w.length), db: new Float64Array(g.cout) };
      JS.convBackward(x, w, masked, viaMask.dx, viaMask.dw, viaMask.db, g);
      expectSameBits(ref.dx, viaMask.dx, 'js float64 fused dX = dX of the masked dy');
      expectSameBits(ref.dw, viaMask.dw, 'js float64 fused dW = dW of the masked dy');
      expectSameBits(ref.db, viaMask.db, 'js float64 fused db = db of the masked dy');
      const reasons = Object.keys(T.kernelStats().fallbackReasons).join(' ');
      expect(reasons).toMatch(/wasm:convForward:.*Float64Array/);
      expect(reasons).toMatch(/wasm:convBackward:.*Float64Array/);
    });

    it('through the op on the wasm backend: a float64 conv1d with activation relu runs on js and equals relu(conv1d)', () => {
      expect(T.registerWasmBackend()).toBe(true);
      T.setBackend('wasm');
      T.resetKernelStats();
      const x = rand64([2, 3, 20], 3), w = rand64([4, 3, 3], 4), b = rand64([4], 5);
      const fused = T.conv1d(x, w, b, { padding: 'causal', dilation: 2, activation: 'relu' });
      const plain = T.relu(T.conv1d(x, w, b, { padding: 'causal', dilation: 2 }));
      expect(fused.dtype).toBe('float64');
      expectSameBits(fused.values() as Float64Array, plain.values() as Float64Array, 'float64 conv1d relu through the dispatcher');
      const s = T.kernelStats();
      expect(Object.keys(s.fallbackReasons).some((k) => /^wasm:convForward:.*Float64Array/.test(k))).toBe(true);
      expect(s.calls.wasm?.convForward ?? 0).toBe(0);
      T.setStrictBackend(true);
      expect(() => T.conv1d(x, w, b, { activation: 'relu' })).toThrow(/strict mode forbids the js fallback/);
    });
  });
});

/** Seeded float64 operands whose pre-activations all stay ≥ margin away from the ReLU kink. */
function awayFromKink(make: (seed: number) => T.Tensor[], conv: (...t: T.Tensor[]) => T.Tensor, margin = 1e-3): T.Tensor[] {
  for (let seed = 1; seed < 200; seed++) {
    const inputs = make(seed);
    const pre = T.noGrad(() => conv(...inputs)).values();
    let min = Infinity;
    for (let i = 0; i < pre.length; i++) min = Math.min(min, Math.abs(pre[i]));
    if (min > margin) return inputs;
  }
  throw new Error('no seed below 200 keeps every pre-activation away from 0');
}

describe("conv1d / conv2d with activation 'relu' (op level)", () => {
  const ops: [string, (x: T.Tensor, w: T.Tensor, b: T.Tensor, act: 'none' | 'relu') => T.Tensor, (s: number) => T.Tensor[]][] = [
    ['conv1d causal dilation 2', (x, w, b, act) => T.conv1d(x, w, b, { padding: 'causal', dilation: 2, activation: act }),
      (s) => [rand64([2, 3, 10], s), rand64([4, 3, 3], s + 1000), rand64([4], s + 2000)]],
    ['conv1d stride 2 groups 2', (x, w, b, act) => T.conv1d(x, w, b, { stride: 2, padding: [1, 2], groups: 2, activation: act }),
      (s) => [rand64([2, 4, 9], s), rand64([6, 2, 3], s + 1000), rand64([6], s + 2000)]],
    ['conv2d 3×3 pad 1', (x, w, b, act) => T.conv2d(x, w, b, { padding: 1, activation: act }),
      (s) => [rand64([2, 2, 5, 5], s), rand64([3, 2, 3, 3], s + 1000), rand64([3], s + 2000)]],
    ['conv2d stride 2 dilation (1,2)', (x, w, b, act) => T.conv2d(x, w, b, { stride: 2, dilation: [1, 2], padding: [1, 0, 2, 1], activation: act }),
      (s) => [rand64([1, 2, 6, 7], s), rand64([3, 2, 2, 3], s + 1000), rand64([3], s + 2000)]],
  ];

  for (const [label, op, make] of ops) {
    it(`${label}: float64 gradcheck w.r.t. x, w and b; values and gradients equal relu(conv) bit for bit`, () => {
      const inputs = awayFromKink(make, (x, w, b) => op(x, w, b, 'none'));
      const fused = T.noGrad(() => op(inputs[0], inputs[1], inputs[2], 'relu')).values() as Float64Array;
      expect(fused.some((v) => v === 0) && fused.some((v) => v > 0), 'the ReLU clips some outputs and keeps others').toBe(true);
      const r = T.gradcheck((x, w, b) => op(x, w, b, 'relu'), inputs);
      expect(r.failure).toBeUndefined();
      expect(r.ok).toBe(true);

      // The fused op records one conv node and gives relu(conv)'s values and gradients exactly.
      const grads = (act: 'fused' | 'separate') => {
        const leaves = inputs.map((t) => T.tensor((t.values() as Float64Array).slice(), [...t.shape], { requiresGrad: true }));
        const y = act === 'fused' ? op(leaves[0], leaves[1], leaves[2], 'relu') : T.relu(op(leaves[0], leaves[1], leaves[2], 'none'));
        const weights = rand64(y.shape, 77);
        T.backward(T.sum(T.mul(y, weights)));
        return { y: y.values() as Float64Array, g: leaves.map((l) => l.grad!.values() as Float64Array) };
      };
      const a = grads('fused'), b = grads('separate');
      expectSameBits(a.y, b.y, `${label} fused values`);
      a.g.forEach((g, i) => expectSameBits(g, b.g[i], `${label} gradient of input ${i}`));
    });
  }

  it('the fused op records a single conv node with attrs.relu', () => {
    const x = rand64([1, 2, 8], 1), w = rand64([3, 2, 3], 2);
    w.requiresGrad = true;
    const y = T.conv1d(x, w, null, { activation: 'relu' });
    const ops: string[] = [];
    let convRelu: unknown = undefined;
    const stack = [y];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (t.node === null) continue;
      ops.push(t.node.op);
      if (t.node.op === 'conv') convRelu = (t.node as T.Node).attrs;
      stack.push(...t.node.inputs);
    }
    expect(ops.filter((o) => o === 'conv')).toHaveLength(1);
    expect(ops).not.toContain('relu');
    expect(convRelu).toMatchObject({ relu: true });
  });

  it("an unknown activation throws, naming the op and the allowed values", () => {
    const x = rand64([1, 2, 8], 1), w = rand64([3, 2, 3], 2);
    const x2 = rand64([1, 2, 4, 4], 1), w2 = rand64([3, 2, 3, 3], 2);
    expect(() => T.conv1d(x, w, null, { activation: 'bogus' as never })).toThrow(/conv1d.*activation must be 'none' or 'relu', got "bogus"/);
    expect(() => T.conv2d(x2, w2, null, { activation: 'bogus' as never })).toThrow(/conv2d.*activation must be 'none' or 'relu', got "bogus"/);
    // 'none' and an absent activation are the plain conv.
    expectSameBits(T.conv1d(x, w, null, { activation: 'none' }).values() as Float64Array, T.conv1d(x, w).values() as Float64Array, "activation 'none'");
  });
});
