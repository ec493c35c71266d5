/** End to end: T ops + T.backward + an optimiser (and a scheduler, clipping) actually fit a model. */

import { describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import { Adam, CosineAnnealingLR, SGD, clipGradNorm } from '../../../src/nn/optim/index.js';

describe('training with the optimisers', () => {
  it('Adam fits a linear regression y = Xw + b', () => {
    const rng = new T.Rng(1234);
    const X = T.randn([64, 3], { rng });
    const wTrue = T.tensor([[2], [-3], [0.5]]);
    const y = T.add(T.matmul(X, wTrue), 1);
    const w = T.zeros([3, 1], { requiresGrad: true });
    const b = T.zeros([1], { requiresGrad: true });
    w.name = 'w';
    b.name = 'b';
    const opt = new Adam([w, b], { lr: 0.1 });
    const sched = new CosineAnnealingLR(opt, { tMax: 300, etaMin: 1e-3 });
    const mse = (): T.Tensor => T.mean(T.square(T.sub(T.add(T.matmul(X, w), b), y)));
    const first = mse().item();
    let loss = first;
    for (let i = 0; i < 300; i++) {
      opt.zeroGrad();
      const l = mse();
      loss = l.item();
      T.backward(l);
      opt.step();
      sched.step();
    }
    expect(first).toBeGreaterThan(5);
    expect(loss).toBeLessThan(1e-6);
    w.toFlatArray().forEach((v, i) => expect(v).toBeCloseTo([2, -3, 0.5][i], 3));
    expect(b.item()).toBeCloseTo(1, 3);
  });

  it('SGD with Nesterov momentum and clipping minimises an ill-conditioned quadratic', () => {
    // f(p) = ½ Σ c_i (p_i − t_i)², curvatures spanning 100×.
    const c = T.tensor([1, 10, 100], { dtype: 'float64' });
    const target = T.tensor([1, -2, 3], { dtype: 'float64' });
    const p = T.tensor([10, 10, 10], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([p], { lr: 0.009, momentum: 0.9, nesterov: true });
    const f = (): T.Tensor => T.mul(T.sum(T.mul(c, T.square(T.sub(p, target)))), 0.5);
    for (let i = 0; i < 400; i++) {
      opt.zeroGrad();
      T.backward(f());
      clipGradNorm([p], 50);
      opt.step();
    }
    expect(f().item()).toBeLessThan(1e-10);
    p.toFlatArray().forEach((v, i) => expect(v).toBeCloseTo([1, -2, 3][i], 5));
  });
});
