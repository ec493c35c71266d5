/**
 * The wasm BatchNorm kernels against the js reference (src/kernels/js/batchnorm.ts): forward in
 * training (batch statistics) and eval (given statistics), with and without the fused ReLU, rows
 * that are and are not multiples of the SIMD width, inputs far from zero mean (the float32 mean's
 * rounding is corrected for), and backward with and without dx; kernelStats() shows wasm ran.
 */

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as T from '../../src/index.js';

const JS = T.jsKernels;
const W = T.wasmKernels;
const initial = T.getBackendName();

beforeAll(() => {
  expect(T.registerWasmBackend()).toBe(true);
});
afterAll(() => T.setBackend(initial));

function rand(n: number, rng: T.Rng, offset: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = offset + scale * rng.uniform(-1, 1);
  return a;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length).toBe(want.length);
  let peak = 0;
  for (let i = 0; i < want.length; i++) peak = Math.max(peak, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, peak))) {
      throw new Error(`${what}[${i}]: wasm ${got[i]}, js ${want[i]} (tolerance ${tol} × ${Math.max(1, peak)})`);
    }
  }
}

const shapes: [number, number, number, number, number][] = [
  // n, c, s, offset, scale
  [8, 16, 125, 0, 1], // ds-cnn-like rows of 125 (not a multiple of 4 or 8)
  [4, 8, 256, 0.5, 2],
  [16, 4, 33, 1000, 0.01], // mean far from zero: the float32 mean's rounding matters
  [64, 40, 1, 0, 3], // [N, C] after a linear layer
];

describe('wasm BatchNorm kernels against js', () => {
  for (const [n, c, s, offset, scale] of shapes) {
    for (const relu of [false, true]) {
      it(`[${n}, ${c}, ${s}] offset ${offset}${relu ? ', fused ReLU' : ''}: forward (training and eval) and backward`, () => {
        const rng = new T.Rng(n * 7 + c + s);
        const size = n * c * s;
        const x = rand(size, rng, offset, scale);
        const w = Array.from(rand(c, rng, 1, 0.5));
        const b = Array.from(rand(c, rng, 0, 0.3));
        for (const training of [true, false]) {
          const run = (K: Partial<T.KernelSet>) => {
            const mean = new Float64Array(c);
            const variance = new Float64Array(c);
            if (!training) for (let i = 0; i < c; i++) { mean[i] = offset + 0.01 * i; variance[i] = scale * scale * (0.3 + 0.01 * i); }
            const invstd = new Float64Array(c);
            const k = new Float64Array(c);
            const out = new Float32Array(size);
            K.batchNormForward!(x, n, c, s, training, 1e-5, w, b, mean, variance, invstd, k, out, relu);
            return { mean, variance, invstd, k, out };
          };
          const a = run(W);
          const r = run(JS);
          expectClose(a.mean, r.mean, 1e-12, "mean");
          // The deviations are float32 differences (x − μ rounded to float32 before squaring): float32-level agreement.
          for (let i = 0; i < c; i++) expect(Math.abs(a.variance[i] - r.variance[i])).toBeLessThanOrEqual(2e-6 * r.variance[i] + 1e-12);
          expectClose(a.out, r.out, 4e-6, `out (${training ? 'training' : 'eval'})`);
          const dy = rand(size, rng, 0, 1);
          for (const withDx of [true, false]) {
            const grads = (K: Partial<T.KernelSet>) => {
              const dx = withDx ? new Float32Array(size) : null;
              const dw = new Float32Array(c);
              const db = new Float32Array(c);
              K.batchNormBackward!(x, dy, relu ? r.out : null, n, c, s, r.mean, r.invstd, r.k, training, dx, dw, db);
              return { dx, dw, db };
            };
            const ga = grads(W);
            const gr = grads(JS);
            expectClose(ga.db, gr.db, 1e-5, 'db');
            expectClose(ga.dw, gr.dw, 1e-4, 'dw');
            if (withDx) expectClose(ga.dx!, gr.dx!, 1e-4, 'dx');
          }
        }
      });
    }
  }

  it('the BatchNorm op runs these kernels on the wasm backend (no hand-back above the small-tensor threshold)', () => {
    T.setBackend('wasm');
    T.resetKernelStats();
    const x = T.randn([8, 16, 64], { rng: new T.Rng(3), requiresGrad: true });
    const w = T.ones([16], { requiresGrad: true });
    const b = T.zeros([16], { requiresGrad: true });
    const y = T.batchNorm(x, w, b, { training: true, eps: 1e-5, relu: true }).y;
    T.backward(T.sum(T.square(y)));
    const st = T.kernelStats();
    expect(st.calls.wasm?.batchNormForward).toBe(1);
    expect(st.calls.wasm?.batchNormBackward).toBe(1);
    expect(st.fallbacks.batchNormForward ?? 0).toBe(0);
    T.setBackend(initial);
  });
});
