import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/tensor/create.js';
import { Rng } from '../../src/tensor/rng.js';
import { randn } from '../../src/tensor/create.js';
import { backward } from '../../src/autograd/backward.js';
import { sum, mul } from '../../src/autograd/index.js';
import { assertGradcheck } from '../../src/autograd/gradcheck.js';
import { ActQuant, MIN_ALPHA } from '../../src/quant/actQuant.js';
import { pactQuant, pactSurrogate, weightCodes, weightQuant, weightScales, weightSurrogate } from '../../src/quant/quantizers.js';

describe('pactQuant', () => {
  it('floors onto the unsigned grid s = (2^b − 1)/α and clamps to [0, α]', () => {
    const x = tensor([-1, 0, 0.1, 0.5, 0.99, 1, 3], { dtype: 'float64' });
    const y = pactQuant(x, tensor([1], { dtype: 'float64' }), 2);
    // s = 3: floor(3x)/3
    expect(y.toFlatArray()).toEqual([0, 0, 0, 1 / 3, 2 / 3, 1, 1]);
  });

  it('signed variant: s = 2^(b−1)/α, codes in [−2^(b−1), 2^(b−1) − 1]', () => {
    const x = tensor([-5, -1, -0.3, 0.3, 0.74, 5], { dtype: 'float64' });
    const y = pactQuant(x, tensor([1], { dtype: 'float64' }), 3, { signed: true });
    // s = 4: floor(4x)/4 in [−1, 0.75]
    expect(y.toFlatArray()).toEqual([-1, -1, -0.5, 0.25, 0.5, 0.75]);
  });

  it('gradients: dx = g inside (0, α), dα = Σ g where x ≥ α', () => {
    const x = tensor([-1, 0.2, 0.5, 2, 3], { dtype: 'float64' });
    x.requiresGrad = true;
    const a = tensor([1.5], { dtype: 'float64' });
    a.requiresGrad = true;
    const g = tensor([1, 2, 3, 4, 5], { dtype: 'float64' });
    backward(sum(mul(pactQuant(x, a, 4), g)));
    expect(x.grad!.toFlatArray()).toEqual([0, 2, 3, 0, 0]);
    expect(a.grad!.toFlatArray()).toEqual([9]);
  });

  it('the STE rule is the exact derivative of its surrogate clamp (float64 gradcheck, unsigned and signed)', () => {
    const rng = new Rng(3);
    // Keep points away from the kinks at 0 and ±α so central differences are valid.
    const xs = [-2.1, -1.3, -0.6, -0.2, 0.3, 0.7, 1.1, 1.6, 2.4, 3.3].map((v) => v + 0.01 * rng.next());
    for (const signed of [false, true]) {
      assertGradcheck(`pact surrogate ${signed ? 'signed' : 'unsigned'}`, pactSurrogate(signed), [tensor(xs, { dtype: 'float64' }), tensor([1.45], { dtype: 'float64' })]);
    }
  });

  it('the quantiser and its surrogate have the same backward', () => {
    const x = randn([4, 6], { rng: new Rng(1), dtype: 'float64' });
    const g = randn([4, 6], { rng: new Rng(2), dtype: 'float64' });
    for (const signed of [false, true]) {
      const run = (f: (xx: typeof x, aa: typeof x) => typeof x) => {
        const xi = tensor(x.toTypedArray(), [4, 6]);
        xi.requiresGrad = true;
        const a = tensor([0.8], { dtype: 'float64' });
        a.requiresGrad = true;
        backward(sum(mul(f(xi, a), g)));
        return [...xi.grad!.toFlatArray(), ...a.grad!.toFlatArray()];
      };
      expect(run((xx, aa) => pactQuant(xx, aa, 4, { signed }))).toEqual(run(pactSurrogate(signed)));
    }
  });

  it('an ActQuant whose clip was pushed below zero by an optimiser step is projected back to a small positive clip', () => {
    const q = new ActQuant(4, false, 1, 'test');
    q.alpha.data[0] = -0.3;
    q.forward(tensor([0.5]));
    expect(q.alpha.item()).toBeCloseTo(MIN_ALPHA, 9);
  });

  it('rejects a non-positive clip and unsupported precisions', () => {
    const x = tensor([1, 2]);
    expect(() => pactQuant(x, tensor([0]), 8)).toThrow(/clip α must be a finite number > 0/);
    expect(() => pactQuant(x, tensor([1]), 1)).toThrow(/precision 1 bits is not supported/);
    expect(() => pactQuant(x, tensor([1, 2]), 8)).toThrow(/one element/);
  });
});

describe('weightQuant', () => {
  it('symmetric per-channel min-max, round half even, range [−2^(b−1), 2^(b−1) − 1]', () => {
    // channel 0: max 1.5 → scale 2·1.5/3 = 1 at 2 bits; channel 1: max 3 → scale 2.
    const w = tensor([[1.5, -1.5, 0.5, -0.5], [3, 1, -3, 2]], { dtype: 'float64' });
    const q = weightCodes(w, 2);
    expect(Array.from(q.scales)).toEqual([1, 2]);
    // 1.5 → 2 (half even) → clamped to 1; −1.5 → −2; 0.5 → 0; −0.5 → −0 → 0. 3/2 = 1.5 → 2 → 1; 0.5 → 0; −1.5 → −2; 1
    expect(Array.from(q.codes)).toEqual([1, -2, 0, 0, 1, 0, -2, 1]);
    expect(weightQuant(w, 2).toFlatArray()).toEqual([1, -2, 0, 0, 2, 0, -4, 2]);
  });

  it('8 bits: scale 2·max|W|/255 and codes in [−128, 127]', () => {
    const w = randn([3, 10], { rng: new Rng(2), dtype: 'float64' });
    const q = weightCodes(w, 8);
    const v = w.values();
    for (let c = 0; c < 3; c++) {
      const m = Math.max(...Array.from(v.subarray(c * 10, c * 10 + 10), Math.abs));
      expect(q.scales[c]).toBeCloseTo((2 * m) / 255, 15);
    }
    expect(Math.max(...q.codes)).toBeLessThanOrEqual(127);
    expect(Math.min(...q.codes)).toBeGreaterThanOrEqual(-128);
    // the max-magnitude element lands on ±127.5 → ±128 → clamps to 127 for positives
    const err = q.values.toFlatArray().map((y, i) => Math.abs(y - v[i]) / q.scales[Math.floor(i / 10)]);
    expect(Math.max(...err)).toBeLessThanOrEqual(0.5 + 1e-12);
  });

  it('per-channel bit arrays, 0 bits = pruned channel (zeros, zero gradient)', () => {
    const w = tensor([[0.3, -0.9], [0.4, 0.2], [1, -1]], { dtype: 'float64' });
    w.requiresGrad = true;
    const y = weightQuant(w, [8, 0, 2]);
    expect(y.toFlatArray().slice(2, 4)).toEqual([0, 0]);
    expect(Array.from(weightScales(w, [8, 0, 2]))).toEqual([1.8 / 255, 0, 2 / 3]);
    backward(sum(y));
    expect(w.grad!.toFlatArray()).toEqual([1, 1, 0, 0, 1, 1]);
  });

  it('STE rule is the derivative of its surrogate (float64 gradcheck)', () => {
    const w = randn([3, 4], { rng: new Rng(5), dtype: 'float64' });
    assertGradcheck('weight surrogate', (x) => weightSurrogate(x, [4, 0, 8]), [w]);
    assertGradcheck('weight surrogate uniform', (x) => weightSurrogate(x, 8), [w]);
  });

  it('rejects wrong channel counts and unknown precisions, naming them', () => {
    const w = tensor([[1, 2], [3, 4]]);
    expect(() => weightQuant(w, [8])).toThrow(/1 per-channel precisions for 2 output channels/);
    expect(() => weightQuant(w, 1)).toThrow(/precision 1 bits is not supported/);
    expect(() => weightQuant(w, 33)).toThrow(/precision 33 bits/);
  });
});
