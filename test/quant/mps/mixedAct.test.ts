/**
 * The fused activation mixing (one pass forward, one backward) against its definition written
 * with the quantisation layer's ops: Σ_k θ_k·PACT_{p_k}(x), values and every gradient (x, the
 * clip, θ), signed and unsigned, float64 and float32, soft and one-hot θ, on the js and the wasm backend.
 */

import { afterAll, describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import { mixActivation } from '../../../src/quant/mps/mixedAct.js';
import { pactQuant } from '../../../src/quant/quantizers.js';

const { tensor, Rng } = T;

function reference(x: T.Tensor, clip: T.Tensor, theta: T.Tensor, precisions: number[], signed: boolean): T.Tensor {
  let y: T.Tensor | null = null;
  precisions.forEach((p, k) => {
    const term = T.mul(pactQuant(x, clip, p, { signed }), T.slice(theta, [{ start: k, stop: k + 1 }]));
    y = y === null ? term : T.add(y, term);
  });
  return y as unknown as T.Tensor;
}

function run(f: typeof reference, dtype: 'float32' | 'float64', signed: boolean, oneHot: boolean) {
  const rng = new Rng(signed ? 3 : 4);
  const n = 257;
  const xs = Array.from({ length: n }, () => rng.normal() * 1.2);
  const rs = Array.from({ length: n }, () => rng.normal());
  const arr = (v: number[]) => (dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v));
  const x = tensor(arr(xs), [1, n], { requiresGrad: true } as never);
  const clip = tensor(arr([1.3]), [1], { requiresGrad: true } as never);
  const theta = tensor(arr(oneHot ? [0, 1, 0] : [0.2, 0.3, 0.5]), [3], { requiresGrad: true } as never);
  for (const t of [x, clip, theta]) t.requiresGrad = true;
  const y = f(x, clip, theta, [2, 4, 8], signed);
  T.backward(T.sum(T.mul(y, tensor(arr(rs), [1, n]))));
  return { y: Array.from(y.values()), dx: Array.from(x.grad!.values()), dclip: clip.grad!.item(), dtheta: Array.from(theta.grad!.values()) };
}

const initialBackend = T.getBackendName();
afterAll(() => T.setBackend(initialBackend));

describe('mixActivation (fused) = Σ θ·PACT written with separate ops', () => {
  // The fused op's kernels on js and on wasm (float32 above the small-tensor threshold runs in wasm).
  for (const backend of ['js', 'wasm'] as const) for (const dtype of ['float64', 'float32'] as const) {
    for (const signed of [false, true]) {
      for (const oneHot of [false, true]) {
        it(`${backend}: ${dtype}, ${signed ? 'signed' : 'unsigned'}, ${oneHot ? 'one-hot' : 'soft'} θ: values and gradients of x, clip and θ`, () => {
          if (backend === 'wasm') expect(T.registerWasmBackend()).toBe(true);
          T.setBackend(backend);
          const a = run(mixActivation, dtype, signed, oneHot);
          T.setBackend('js');
          const b = run(reference, dtype, signed, oneHot);
          T.setBackend(initialBackend);
          const tol = dtype === 'float64' ? 1e-12 : 1e-5;
          a.y.forEach((v, i) => expect(Math.abs(v - b.y[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b.y[i]))));
          a.dx.forEach((v, i) => expect(Math.abs(v - b.dx[i])).toBeLessThanOrEqual(tol));
          expect(Math.abs(a.dclip - b.dclip)).toBeLessThanOrEqual(tol * 50);
          a.dtheta.forEach((v, k) => expect(Math.abs(v - b.dtheta[k])).toBeLessThanOrEqual(tol * 50));
          // Some inputs lie beyond the clip, so the clip's gradient is exercised.
          expect(b.dclip).not.toBe(0);
        });
      }
    }
  }

  it('names the shapes when θ does not match the candidates', () => {
    const x = tensor(new Float32Array(4), [1, 4]);
    expect(() => mixActivation(x, tensor([1], [1]), tensor([0.5, 0.5], [2]), [2, 4, 8], false)).toThrow(/θ has 2 entries \(shape \[2\]\) for 3 candidate precisions/);
  });
});
