/** Adam and AdamW against hand-computed values and an independent re-implementation of PyTorch's update. */

import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from '../../../src/nn/optim/index.js';
import { drive, expectClose, param, refAdam, type GradFn } from './reference.js';

const G = [
  [0.5, -1.0, 2.0],
  [0.25, 0.75, -1.5],
  [-0.3, 0.1, 0.6],
];
const known: GradFn = (_p, t) => G[t - 1];
const quadratic: GradFn = (p) => p.map((x) => 2 * (x - 1));
/** Shrinking gradients: the second moment falls, so AMSGrad's running maximum matters. */
const shrinking: GradFn = (_p, t) => [4 / t ** 2, -3 / t ** 3, 1];
const P0 = [1.0, -2.0, 0.5];

describe('Adam', () => {
  it('first step moves each parameter by lr·g/(|g| + eps) (bias correction undoes the moment decay)', () => {
    const p = param(P0);
    drive(new Adam([p], { lr: 0.01 }), p, known, 1);
    const g = G[0];
    expectClose([p.toFlatArray()], [P0.map((x, i) => x - (0.01 * g[i]) / (Math.abs(g[i]) + 1e-8))], 1e-14);
  });

  it('3 steps with known gradients and coupled weight decay match the reference', () => {
    const o = { lr: 0.1, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weightDecay: 0.1 };
    const p = param(P0);
    expectClose(drive(new Adam([p], o), p, known, 3), refAdam(P0, known, 3, { lr: 0.1, weightDecay: 0.1 }));
  });

  it('other betas, eps, maximize on a parameter-dependent gradient match the reference', () => {
    const p = param(P0);
    const out = drive(new Adam([p], { lr: 0.05, betas: [0.5, 0.9], eps: 1e-3, maximize: true }), p, quadratic, 6);
    expectClose(out, refAdam(P0, quadratic, 6, { lr: 0.05, beta1: 0.5, beta2: 0.9, eps: 1e-3, maximize: true }));
  });

  it('AMSGrad uses the running maximum of the second moment', () => {
    const p = param(P0);
    // A short second-moment memory (beta2 0.5) lets the second moment fall within a few steps.
    const out = drive(new Adam([p], { lr: 0.1, betas: [0.9, 0.5], amsgrad: true }), p, shrinking, 5);
    const ref = refAdam(P0, shrinking, 5, { lr: 0.1, beta2: 0.5, amsgrad: true });
    expectClose(out, ref);
    const plain = refAdam(P0, shrinking, 5, { lr: 0.1, beta2: 0.5 });
    expect(Math.abs(plain[4][0] - ref[4][0])).toBeGreaterThan(1e-3);
  });

  it('defaults to weightDecay 0 and keeps float32 moments for float32 parameters', () => {
    const p = param(P0, { dtype: 'float32' });
    const opt = new Adam([p]);
    expect(opt.paramGroups[0].weightDecay).toBe(0);
    expect(opt.defaults).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    const out = drive(opt, p, known, 3);
    const s = opt.stateOf(p);
    expect(s?.step).toBe(3);
    expect(Object.keys(s?.buffers ?? {})).toEqual(['expAvg', 'expAvgSq']);
    expect(s?.buffers.expAvg).toBeInstanceOf(Float32Array);
    expect(s?.buffers.expAvgSq).toBeInstanceOf(Float32Array);
    expectClose(out, refAdam(P0, known, 3, { lr: 1e-3 }), 1e-6);
  });

  it('rejects bad betas and eps', () => {
    const p = param([1]);
    expect(() => new Adam([p], { lr: -1 })).toThrow('Adam: lr must be a finite number ≥ 0, got -1');
    expect(() => new Adam([p], { betas: [0.9, 1] })).toThrow('Adam: betas must be a pair of numbers, each a finite number in [0, 1), got [0.9, 1]');
    expect(() => new Adam([p], { betas: [0.9] as unknown as [number, number] })).toThrow(/betas must be a pair/);
    expect(() => new Adam([p], { eps: -1e-8 })).toThrow('Adam: eps must be a finite number ≥ 0, got -1e-8');
    expect(() => new Adam([p], { amsgrad: 'yes' as unknown as boolean })).toThrow('Adam: amsgrad must be true or false, got "yes"');
  });
});

describe('AdamW', () => {
  it('defaults to weightDecay 0.01', () => {
    expect(new AdamW([param([1])]).paramGroups[0].weightDecay).toBe(0.01);
  });

  it('decoupled decay: 3 steps match the reference, and differ from Adam with the same weightDecay', () => {
    const o = { lr: 0.1, weightDecay: 0.5 };
    const p = param(P0);
    const w = drive(new AdamW([p], o), p, known, 3);
    expectClose(w, refAdam(P0, known, 3, { ...o, decoupled: true }));
    const q = param(P0);
    const a = drive(new Adam([q], o), q, known, 3);
    expectClose(a, refAdam(P0, known, 3, o));
    expect(Math.abs(w[2][1] - a[2][1])).toBeGreaterThan(1e-3);
  });

  it('first step by hand: p·(1 − lr·wd) − lr·g/(|g| + eps)', () => {
    const p = param([2]);
    p.grad = param([-3]);
    new AdamW([p], { lr: 0.1, weightDecay: 0.2 }).step();
    expect(p.item()).toBeCloseTo(2 * (1 - 0.02) + (0.1 * 3) / (3 + 1e-8), 14);
  });

  it('AMSGrad with decoupled decay matches the reference', () => {
    const p = param(P0);
    const out = drive(new AdamW([p], { lr: 0.05, betas: [0.9, 0.5], amsgrad: true }), p, shrinking, 5);
    expectClose(out, refAdam(P0, shrinking, 5, { lr: 0.05, beta2: 0.5, weightDecay: 0.01, decoupled: true, amsgrad: true }));
  });
});
