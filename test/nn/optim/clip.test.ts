/** Gradient clipping by total norm and by value. */

import { describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import { clipGradNorm, clipGradValue } from '../../../src/nn/optim/index.js';
import { param } from './reference.js';

function withGrad(values: number[], grad: number[], name?: string): T.Tensor {
  const p = param(values, { name });
  p.grad = T.tensor(grad, { dtype: 'float64' });
  return p;
}

const grads = (ps: T.Tensor[]): number[][] => ps.map((p) => p.grad?.toFlatArray() ?? []);

describe('clipGradNorm', () => {
  it('returns the 2-norm over all gradients and scales them by maxNorm / (total + 1e-6)', () => {
    // Per-parameter norms 5 and 12, total 13.
    const ps = [withGrad([0, 0], [3, 4]), withGrad([0], [12]), param([0])];
    expect(clipGradNorm(ps, 1)).toBe(13);
    const s = 1 / (13 + 1e-6);
    expect(grads(ps.slice(0, 2))).toEqual([[3 * s, 4 * s], [12 * s]]);
    expect(ps[2].grad).toBeNull();
  });

  it('leaves gradients alone when the total is within maxNorm', () => {
    const p = withGrad([0, 0], [3, 4]);
    const g = p.grad;
    // At exactly maxNorm the 1e-6 still scales (by 5/5.000001), as in PyTorch; just above it nothing changes.
    expect(clipGradNorm([p], 5.00001)).toBe(5);
    expect(p.grad).toBe(g);
    expect(p.grad?.toFlatArray()).toEqual([3, 4]);
  });

  it('supports the 1-norm, p-norms and the max-norm', () => {
    const make = (): T.Tensor[] => [withGrad([0, 0], [3, -4]), withGrad([0], [-12])];
    expect(clipGradNorm(make(), 100, 1)).toBe(19);
    expect(clipGradNorm(make(), 100, 3)).toBeCloseTo((27 + 64 + 1728) ** (1 / 3), 12);
    const ps = make();
    expect(clipGradNorm(ps, 6, Infinity)).toBe(12);
    const s = 6 / (12 + 1e-6);
    expect(grads(ps)).toEqual([[3 * s, -4 * s], [-12 * s]]);
  });

  it('returns 0 when no parameter has a gradient', () => {
    expect(clipGradNorm([param([1])], 1)).toBe(0);
  });

  it('scales a gradient tensor shared by two parameters once for each, not twice', () => {
    const x = param([1, 2]);
    const y = param([3, 4]);
    const shared = T.tensor([3, 4], { dtype: 'float64' });
    x.grad = shared;
    y.grad = shared;
    const total = clipGradNorm([x, y], 1);
    expect(total).toBeCloseTo(Math.sqrt(50), 14);
    const s = 1 / (total + 1e-6);
    expect(grads([x, y])).toEqual([[3 * s, 4 * s], [3 * s, 4 * s]]);
    expect(shared.toFlatArray()).toEqual([3, 4]);
  });

  it('clips gradients produced by T.backward', () => {
    const x = T.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = T.tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    T.backward(T.sum(T.mul(T.add(x, y), 3)));
    const total = clipGradNorm([x, y], 1);
    expect(total).toBeCloseTo(6, 14);
    const s = 1 / (total + 1e-6);
    expect(grads([x, y])).toEqual([[3 * s, 3 * s], [3 * s, 3 * s]]);
  });

  it('counts a parameter listed twice once', () => {
    const p = withGrad([0, 0], [3, 4]);
    expect(clipGradNorm([p, p], 10)).toBe(5);
  });

  it('returns Infinity or NaN for non-finite gradients and leaves them unchanged', () => {
    const inf = [withGrad([0], [1]), withGrad([0], [Infinity])];
    expect(clipGradNorm(inf, 1)).toBe(Infinity);
    expect(grads(inf)).toEqual([[1], [Infinity]]);
    const nan = [withGrad([0], [Number.NaN]), withGrad([0], [100])];
    expect(clipGradNorm(nan, 1)).toBeNaN();
    expect(clipGradNorm(nan, 1, Infinity)).toBeNaN();
    expect(grads(nan)[1]).toEqual([100]);
  });

  it('with errorIfNonfinite throws, naming the first offending parameter', () => {
    const ps = [withGrad([0], [1], 'fc.weight'), withGrad([0], [Number.NaN], 'fc.bias'), withGrad([0], [Infinity], 'out.bias')];
    expect(() => clipGradNorm(ps, 1, 2, { errorIfNonfinite: true })).toThrow(
      "clipGradNorm: the total gradient norm (order 2) is NaN: the gradient of parameter 1 ('fc.bias') is non-finite",
    );
  });

  it('rejects bad maxNorm and normType', () => {
    const ps = [withGrad([0], [1])];
    expect(() => clipGradNorm(ps, 0)).toThrow('clipGradNorm: maxNorm must be a finite number > 0, got 0');
    expect(() => clipGradNorm(ps, Number.NaN)).toThrow('clipGradNorm: maxNorm must be a finite number > 0, got NaN');
    expect(() => clipGradNorm(ps, 1, -2)).toThrow('clipGradNorm: normType must be a finite number > 0 or Infinity, got -2');
    expect(() => clipGradNorm([3] as never, 1)).toThrow('clipGradNorm: parameter 0 must be a Tensor, got 3');
  });
});

describe('clipGradValue', () => {
  it('clamps each gradient value to [−v, v], keeping NaN', () => {
    const ps = [withGrad([0, 0, 0], [-5, 0.5, 7]), withGrad([0], [Number.NaN]), param([0])];
    clipGradValue(ps, 1);
    expect(grads(ps)).toEqual([[-1, 0.5, 1], [Number.NaN], []]);
    expect(() => clipGradValue(ps, -1)).toThrow('clipGradValue: clipValue must be a finite number > 0, got -1');
  });
});
