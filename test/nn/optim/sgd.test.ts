/** SGD against hand-computed values and an independent re-implementation of PyTorch's update. */

import { describe, expect, it } from 'vitest';
import { SGD } from '../../../src/nn/optim/index.js';
import { drive, expectClose, param, refSGD, type GradFn } from './reference.js';

const G = [
  [0.5, -1.0, 2.0],
  [0.25, 0.75, -1.5],
  [-0.3, 0.1, 0.6],
];
const known: GradFn = (_p, t) => G[t - 1];
/** Gradient of Σ (p − 1)², which depends on the parameter (so weight decay and momentum interact). */
const quadratic: GradFn = (p) => p.map((x) => 2 * (x - 1));
const P0 = [1.0, -2.0, 0.5];

describe('SGD', () => {
  it('plain step is p − lr·g', () => {
    const p = param([1, -2]);
    p.grad = param([0.5, 0.25]);
    new SGD([p], { lr: 0.1 }).step();
    expect(p.toFlatArray()).toEqual([1 - 0.05, -2 - 0.025]);
  });

  it('momentum: buffer starts at the first gradient (hand-computed)', () => {
    // g = 1 throughout: buf = 1, 1.9, 2.71; p = 1 − 0.1·buf cumulatively = 0.9, 0.71, 0.439.
    const p = param([1]);
    const out = drive(new SGD([p], { lr: 0.1, momentum: 0.9 }), p, () => [1], 3);
    expectClose(out, [[0.9], [0.71], [0.439]], 1e-15);
  });

  it('momentum + Nesterov + weight decay for 3 steps with known gradients matches the reference', () => {
    const o = { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 };
    const p = param(P0);
    expectClose(drive(new SGD([p], o), p, known, 3), refSGD(P0, known, 3, o));
    // Step 1 by hand for element 0: d = 0.5 + 0.01·1 = 0.51, buf = 0.51, d + 0.9·buf = 0.969.
    const q = param(P0);
    drive(new SGD([q], o), q, known, 1);
    expect(q.toFlatArray()[0]).toBeCloseTo(1 - 0.1 * 0.969, 15);
  });

  it('dampening, weight decay and maximize on a parameter-dependent gradient match the reference', () => {
    for (const o of [
      { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.1 },
      { lr: 0.05, momentum: 0.5, maximize: true },
      { lr: 0.2, weightDecay: 0.5 },
    ]) {
      const p = param(P0);
      expectClose(drive(new SGD([p], o), p, quadratic, 5), refSGD(P0, quadratic, 5, o));
    }
  });

  it('float32 parameters keep a float32 momentum buffer and track the float64 reference', () => {
    const o = { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 };
    const p = param(P0, { dtype: 'float32' });
    const opt = new SGD([p], o);
    const out = drive(opt, p, known, 3);
    expect(opt.stateOf(p)?.buffers.momentumBuffer).toBeInstanceOf(Float32Array);
    expectClose(out, refSGD(P0, known, 3, o), 1e-6);
  });

  it('keeps no momentum buffer without momentum', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1 });
    drive(opt, p, () => [1], 2);
    expect(opt.stateOf(p)).toEqual({ step: 2, buffers: {} });
  });

  it('rejects Nesterov without momentum or with dampening', () => {
    expect(() => new SGD([param([1])], { nesterov: true })).toThrow(
      'SGD: nesterov requires momentum > 0 and dampening = 0, got momentum 0 and dampening 0',
    );
    expect(() => new SGD([param([1])], { nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/nesterov requires/);
  });

  it('rejects bad option values with the option, the value and what is allowed', () => {
    const p = param([1]);
    expect(() => new SGD([p], { lr: -1 })).toThrow('SGD: lr must be a finite number ≥ 0, got -1');
    expect(() => new SGD([p], { momentum: Number.NaN })).toThrow('SGD: momentum must be a finite number ≥ 0, got NaN');
    expect(() => new SGD([p], { dampening: 2 })).toThrow('SGD: dampening must be a finite number in [0, 1], got 2');
    expect(() => new SGD([p], { weightDecay: Infinity })).toThrow('SGD: weightDecay must be a finite number ≥ 0, got Infinity');
    expect(() => new SGD([p], { nesterov: 1 as unknown as boolean })).toThrow('SGD: nesterov must be true or false, got 1');
  });
});
