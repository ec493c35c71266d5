/**
 * The wasm mixed-precision PACT kernels (assembly/mixedpact.ts) against the js reference
 * (src/kernels/js/quant.ts), bit for bit: random float32 inputs with values exactly on and next
 * to the code boundaries (v = q·s as float32, one ulp either side), at and beyond the clip, ±0,
 * ±∞ and NaN, gradients with zeros; signed and unsigned, soft and one-hot θ; lengths below and
 * above the small-tensor threshold and of every residue mod 4. kernelStats() shows wasm ran.
 */

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as T from '../../src/index.js';
import { pactRange, pactScale } from '../../src/quant/quantizers.js';
import { mixActivation } from '../../src/quant/mps/mixedAct.js';

const JS = T.jsKernels;
const W = T.wasmKernels;
const initial = T.getBackendName();

beforeAll(() => {
  expect(T.registerWasmBackend()).toBe(true);
});
afterAll(() => T.setBackend(initial));

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The float32 next to v (away from or toward zero by one ulp). */
function ulp(v: number, dir: 1 | -1): number {
  f32[0] = v;
  if (v === 0) return dir * 1.4e-45;
  u32[0] += (v > 0 ? dir : -dir);
  return f32[0];
}

function inputs(n: number, a: number, precisions: number[], signed: boolean, rng: T.Rng, special: boolean) {
  const x = new Float32Array(n);
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform(0, 1);
    const bits = precisions[Math.floor(rng.uniform(0, precisions.length)) % precisions.length];
    const s = pactScale(a, bits, signed);
    const { qmin, qmax } = pactRange(bits, signed);
    const q = qmin + Math.floor(rng.uniform(0, qmax - qmin + 1));
    if (u < 0.3) x[i] = q * s; // on a code boundary (as float32)
    else if (u < 0.4) x[i] = ulp(Math.fround(q * s), rng.uniform(0, 1) < 0.5 ? 1 : -1);
    else if (u < 0.45) x[i] = rng.uniform(0, 1) < 0.5 ? a : signed ? -a : 0;
    else x[i] = rng.uniform(-1.6, 1.6) * a; // inside and beyond the clip
    const w = rng.uniform(0, 1);
    g[i] = w < 0.1 ? 0 : w < 0.12 ? -0 : rng.normal();
  }
  if (special && n >= 8) {
    x.set([0, -0, Infinity, -Infinity, NaN, a, ulp(a, -1), ulp(a, 1)], n - 8);
    g[n - 3] = NaN;
  }
  return { x, g };
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`${what}[${i}]: wasm ${got[i]}, js ${want[i]}`);
  }
}

const sizes = [7, 255, 256, 257, 258, 259, 1024, 4099];
const cases: { precisions: number[]; theta: number[] }[] = [
  { precisions: [2, 4, 8], theta: [0.2, 0.3, 0.5] },
  { precisions: [2, 4, 8], theta: [0, 1, 0] },
  { precisions: [2, 3, 4, 8], theta: [0.1, 0.4, 0, 0.5] },
  { precisions: [8], theta: [1] },
  { precisions: [2, 3, 4, 6, 8], theta: [0.1, 0.2, 0, 0.3, 0.4] }, // sums beyond the fourth kept in scratch
];

describe('wasm mixedPact kernels = js, bit for bit', () => {
  for (const signed of [false, true]) {
    for (const { precisions, theta } of cases) {
      for (const n of sizes) {
        it(`${signed ? 'signed' : 'unsigned'} [${precisions}] θ [${theta}], n = ${n}: forward and backward`, () => {
          const rng = new T.Rng(n * 31 + precisions.length + (signed ? 7 : 0));
          const a = Math.fround(rng.uniform(0.5, 6));
          const p = precisions.length;
          const steps = Float64Array.from(precisions, (b) => pactScale(a, b, signed));
          const recips = steps.map((s) => 1 / s);
          const qmin = Float64Array.from(precisions, (b) => pactRange(b, signed).qmin);
          const qmax = Float64Array.from(precisions, (b) => pactRange(b, signed).qmax);
          const th = Float64Array.from(theta, (t) => Math.fround(t));
          const thSum = th.reduce((u, v) => u + v, 0);
          for (const special of [false, true]) {
            const { x, g } = inputs(n, a, precisions, signed, rng, special);
            const outJ = new Float32Array(n).fill(7);
            const outW = new Float32Array(n).fill(7);
            JS.mixedPactForward(x, outJ, n, steps, qmin, qmax, th, p);
            W.mixedPactForward!(x, outW, n, steps, qmin, qmax, th, p);
            expectSame(outW, outJ, 'out');
            const dxJ = new Float32Array(n).fill(7);
            const dxW = new Float32Array(n).fill(7);
            const sJ = new Float64Array(p + 2);
            const sW = new Float64Array(p + 2);
            const lo = signed ? -a : 0;
            JS.mixedPactBackward(x, g, dxJ, n, a, lo, thSum, p, steps, recips, qmin, qmax, sJ);
            W.mixedPactBackward!(x, g, dxW, n, a, lo, thSum, p, steps, recips, qmin, qmax, sW);
            expectSame(dxW, dxJ, 'dx');
            expectSame(sW, sJ, 'sums');
          }
        });
      }
    }
  }

  it('the js reference floors as the float64 division does, next to every boundary', () => {
    // v = q·s exactly representable, and v·(1/s) lands just below q: the division must decide.
    const a = 6;
    const s = pactScale(a, 8, false);
    const xs = Float32Array.from({ length: 256 }, (_, q) => q * s);
    const out = new Float32Array(256);
    JS.mixedPactForward(xs, out, 256, new Float64Array([s]), new Float64Array([0]), new Float64Array([255]), new Float64Array([1]), 1);
    for (let i = 0; i < 256; i++) {
      const q = Math.min(255, Math.max(0, Math.floor(xs[i] / s)));
      expect(out[i]).toBe(Math.fround(q === 0 ? 0 : q * s));
    }
  });

  it('the mixed activation op runs these kernels on the wasm backend (no hand-back above the small-tensor threshold)', () => {
    T.setBackend('wasm');
    T.resetKernelStats();
    const x = T.randn([4, 8, 125], { rng: new T.Rng(3), requiresGrad: true });
    const clip = T.tensor(new Float32Array([1.5]), [1], { requiresGrad: true } as never);
    const theta = T.tensor(new Float32Array([0.2, 0.3, 0.5]), [3], { requiresGrad: true } as never);
    for (const t of [x, clip, theta]) t.requiresGrad = true;
    const y = mixActivation(x, clip, theta, [2, 4, 8], false);
    T.backward(T.sum(T.square(y)));
    const st = T.kernelStats();
    expect(st.calls.wasm?.mixedPactForward).toBe(1);
    expect(st.calls.wasm?.mixedPactBackward).toBe(1);
    expect(st.fallbacks.mixedPactForward ?? 0).toBe(0);
    T.setBackend(initial);
  });
});
