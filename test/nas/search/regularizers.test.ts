import { describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import { defaultMaskLr, hingeRegularizer, multiComplexityRegularizer, plainRegularizer } from '../../../src/search/regularizers.js';
import { dominates, paretoFront, toCsv } from '../../../src/search/pareto.js';

const scalar = (v: number) => T.tensor([v], { dtype: 'float64', requiresGrad: true });
const ctx = { epoch: 1, epochs: 10, taskLoss: 0.5 };

describe('regularisers', () => {
  it('plain: λ·C with gradient λ', () => {
    const c = scalar(70_000);
    const t = plainRegularizer('params', 5e-6).term({ params: c }, ctx);
    expect(t.item()).toBeCloseTo(0.35, 12);
    T.backward(T.sum(t));
    expect(c.grad?.item()).toBeCloseTo(5e-6, 15);
  });

  it('multi-complexity: λ|S − s*| + μO, the size term pulls towards the budget from either side', () => {
    const reg = multiComplexityRegularizer({ size: 'params', target: 10_000, lambda: 5e-4, ops: 'macs', mu: 1e-6 });
    const s = scalar(12_000);
    const o = scalar(300_000);
    const t = reg.term({ params: s, macs: o }, ctx);
    expect(t.item()).toBeCloseTo(5e-4 * 2000 + 1e-6 * 300_000, 10);
    T.backward(T.sum(t));
    expect(s.grad?.item()).toBeCloseTo(5e-4, 12);
    expect(o.grad?.item()).toBeCloseTo(1e-6, 12);
    const under = scalar(8_000);
    T.backward(T.sum(reg.term({ params: under, macs: scalar(0) }, ctx)));
    expect(under.grad?.item()).toBeCloseTo(-5e-4, 12);
  });

  it('hinge: automatic strength L/(C0 − T), ramped from 1/100 to full over the first half', () => {
    const reg = hingeRegularizer([{ cost: 'params', target: 1000 }]);
    const c0 = scalar(3000);
    const first = reg.term({ params: c0 }, { epoch: 1, epochs: 10, taskLoss: 0.5 });
    // λ = 0.5 / 2000 = 2.5e-4; at epoch 1 the ramp is 1/100.
    expect(first.item()).toBeCloseTo(2.5e-4 * 0.01 * 2000, 12);
    const mid = reg.term({ params: scalar(3000) }, { epoch: 5, epochs: 10, taskLoss: 9 });
    expect(mid.item()).toBeCloseTo(0.5, 12); // λ fixed at the first call, full strength from epoch 5
    expect(reg.term({ params: scalar(900) }, { epoch: 6, epochs: 10, taskLoss: 0.5 }).item()).toBe(0);
    expect((reg.describe().strengths as number[])[0]).toBeCloseTo(2.5e-4, 15);
  });

  it('names a missing cost and bad strengths', () => {
    expect(() => plainRegularizer('latency', 1).term({ params: scalar(1) }, ctx)).toThrow(/cost 'latency' is not computed; available costs: params/);
    expect(() => plainRegularizer('params', -1)).toThrow(/lambda must be ≥ 0/);
    expect(() => hingeRegularizer([])).toThrow(/at least one constraint/);
  });

  it('mask learning rate follows the number of mask updates, clamped', () => {
    expect(defaultMaskLr(480)).toBeCloseTo(2 / 480, 10); // ECG200: 8 updates (4 passes over 20 samples) × 60 epochs
    expect(defaultMaskLr(10)).toBe(2e-2);
    expect(defaultMaskLr(1e6)).toBe(1e-4);
  });
});

describe('pareto front', () => {
  it('keeps the non-dominated points', () => {
    expect(dominates([1, 1], [1, 2])).toBe(true);
    expect(dominates([1, 1], [1, 1])).toBe(false);
    const pts = [
      { item: 'a', objectives: [-0.95, 1000] },
      { item: 'b', objectives: [-0.97, 5000] },
      { item: 'c', objectives: [-0.94, 6000] }, // dominated by a and b
      { item: 'd', objectives: [-0.95, 1000] }, // ties with a: both kept
    ];
    expect(paretoFront(pts)).toEqual(['a', 'b', 'd']);
  });

  it('writes CSV with quoting', () => {
    expect(toCsv([{ a: 1, b: 'x,y' }, { a: 2, c: 'q"r' }])).toBe('a,b,c\n1,"x,y",\n2,,"q""r"\n');
  });
});
