/** The backward pass: accumulation, graph lifetime, noGrad, errors, views and scopes. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { rand } from './helpers.js';

const f64 = (data: number[] | number[][], requiresGrad = false): T.Tensor => T.tensor(data, { dtype: 'float64', requiresGrad });
const grad = (t: T.Tensor): number[] => {
  expect(t.grad, 'expected a gradient').not.toBeNull();
  return (t.grad as T.Tensor).toFlatArray();
};

describe('accumulation', () => {
  it('fan-out: y = x·x + x uses x three times and sums all paths', () => {
    const x = f64([1, -2, 3], true);
    const y = T.sum(T.add(T.mul(x, x), x));
    T.backward(y);
    expect(grad(x)).toEqual([3, -3, 7]); // 2x + 1
  });

  it('fan-out through shared intermediates (diamond)', () => {
    const x = f64([0.5, 2], true);
    const h = T.exp(x);
    const y = T.sum(T.add(T.mul(h, h), T.mul(h, 3)));
    T.backward(y);
    const e = [Math.exp(0.5), Math.exp(2)];
    const g = grad(x);
    e.forEach((v, i) => expect(g[i]).toBeCloseTo(2 * v * v + 3 * v, 12));
  });

  it('.grad accumulates across two backward calls', () => {
    const x = f64([1, 2], true);
    T.backward(T.sum(T.mul(x, 3)));
    expect(grad(x)).toEqual([3, 3]);
    T.backward(T.sum(T.mul(x, x)));
    expect(grad(x)).toEqual([5, 7]);
    T.zeroGrad([x]);
    expect(x.grad).toBeNull();
  });

  it('leaf gradients own their storage (no aliasing between leaves or with the seed)', () => {
    const a = f64([1, 2, 3], true);
    const b = f64([4, 5, 6], true);
    const seed = f64([1, 1, 1]);
    T.backward(T.add(a, b), seed);
    expect(grad(a)).toEqual([1, 1, 1]);
    expect(grad(b)).toEqual([1, 1, 1]);
    expect(a.grad).not.toBe(b.grad);
    expect(a.grad).not.toBe(seed);
    // an optimiser may update .grad in place (clipping, weight decay): that must not leak
    (a.grad as T.Tensor).data[0] = 100;
    expect(grad(b)).toEqual([1, 1, 1]);
    expect(seed.toFlatArray()).toEqual([1, 1, 1]);
    // reshape views of one gradient must not be shared either
    const c = f64([1, 2, 3, 4], true);
    const d = f64([1, 2, 3, 4], true);
    T.backward(T.sum(T.mul(T.add(T.reshape(c, [2, 2]), T.reshape(d, [2, 2])), f64([[1, 2], [3, 4]]))));
    expect((c.grad as T.Tensor).data).not.toBe((d.grad as T.Tensor).data);
    // a leaf root gets its own copy of the seed
    const e = f64([1, 2], true);
    const s2 = f64([5, 6]);
    T.backward(e, s2);
    expect(e.grad).not.toBe(s2);
    expect(grad(e)).toEqual([5, 6]);
  });

  it('gradients are dense and have the leaf dtype', () => {
    const x = T.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true }); // float32
    const y = T.sum(T.mul(T.transpose(x), T.tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' })));
    expect(y.dtype).toBe('float64');
    T.backward(y);
    const g = x.grad as T.Tensor;
    expect(g.dtype).toBe('float32');
    expect(g.isDense).toBe(true);
    expect(g.shape).toEqual([2, 3]);
    expect(g.toFlatArray()).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it('inputs without requiresGrad get no gradient', () => {
    const x = f64([1, 2], true);
    const c = f64([3, 4]);
    T.backward(T.sum(T.mul(x, c)));
    expect(grad(x)).toEqual([3, 4]);
    expect(c.grad).toBeNull();
    expect(c.requiresGrad).toBe(false);
  });
});

describe('graph lifetime', () => {
  it('records op, inputs and requiresGrad on results', () => {
    const x = f64([1, 2], true);
    const c = f64([3, 4]);
    const y = T.mul(x, c);
    expect(y.requiresGrad).toBe(true);
    expect(y.node?.op).toBe('mul');
    expect(y.node?.inputs).toEqual([x, c]);
    expect(x.node).toBeNull();
    const z = T.mul(c, c);
    expect(z.requiresGrad).toBe(false);
    expect(z.node).toBeNull();
  });

  it('frees the graph after backward; a second backward through it throws instead of dropping gradients', () => {
    const x = f64([1, 2], true);
    const h = T.mul(x, x);
    const y = T.sum(h);
    T.backward(y);
    expect(grad(x)).toEqual([2, 4]);
    expect(y.node?.inputs).toEqual([]);
    expect(h.node?.inputs).toEqual([]);
    expect(() => T.backward(y)).toThrow(/graph through 'sum' was freed.*retainGraph/);
    // A new graph built on a freed intermediate fails the same way rather than treating it as a leaf.
    expect(() => T.backward(T.sum(T.mul(h, 2)))).toThrow(/graph through 'mul' was freed/);
    expect(grad(x)).toEqual([2, 4]);
  });

  it('retainGraph keeps the graph so that backward can run twice', () => {
    const x = f64([1, 2], true);
    const h = T.mul(x, x);
    const y = T.sum(h);
    T.backward(y, undefined, { retainGraph: true });
    expect(y.node?.op).toBe('sum');
    expect(h.node?.op).toBe('mul');
    T.backward(y);
    expect(grad(x)).toEqual([4, 8]);
    expect(y.node?.inputs).toEqual([]);
  });

  it('two losses on one forward with retainGraph on the first', () => {
    const x = f64([1, 2], true);
    const h = T.exp(x);
    const l1 = T.sum(h);
    const l2 = T.sum(T.mul(h, 2));
    T.backward(l1, undefined, { retainGraph: true });
    T.backward(l2);
    const g = grad(x);
    expect(g[0]).toBeCloseTo(3 * Math.exp(1), 12);
    expect(g[1]).toBeCloseTo(3 * Math.exp(2), 12);
  });

  it('noGrad records nothing; enableGrad re-enables inside it', () => {
    const x = f64([1, 2], true);
    expect(T.isGradEnabled()).toBe(true);
    const y = T.noGrad(() => {
      expect(T.isGradEnabled()).toBe(false);
      return T.sum(T.mul(x, x));
    });
    expect(T.isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    expect(() => T.backward(y)).toThrow(/backward: this tensor does not require a gradient/);
    const z = T.noGrad(() => T.enableGrad(() => T.mul(x, 2)));
    expect(z.node?.op).toBe('mul');
    // the flag is restored even when fn throws
    expect(() => T.noGrad(() => { throw new Error('inside'); })).toThrow('inside');
    expect(T.isGradEnabled()).toBe(true);
  });
});

describe('errors', () => {
  it('backward on a non-scalar without a seed throws a clear error', () => {
    const x = f64([1, 2], true);
    const y = T.mul(x, 2);
    expect(() => T.backward(y)).toThrow(/backward: root has shape \[2\]; pass a gradient of that shape/);
    expect(() => T.backward(y, f64([1, 2, 3]))).toThrow(/backward: seed gradient has shape \[3\] but the root has shape \[2\]/);
    // a one-element root of any rank needs no seed
    const z = T.sum(x, 0, true);
    expect(z.shape).toEqual([1]);
    T.backward(z);
    expect(grad(x)).toEqual([1, 1]);
  });

  it('a gradient of the wrong shape is reported with the op name (the custom op name)', () => {
    const badShape = T.customOp({ name: 'badShape', forward: (x) => T.mul(x, 2), backward: (g) => [T.reshape(g, [-1])] });
    const x = rand([2, 3], 1);
    x.requiresGrad = true;
    expect(() => T.backward(T.sum(badShape(x)))).toThrow(
      /backward of 'custom' \(badShape\): gradient for input 0 has shape \[6\] but the input has shape \[2, 3\]/,
    );
    // inside a module scope the message also names the module
    const y = T.withScope('encoder', () => T.withScope('conv0', () => badShape(x)));
    expect(() => T.backward(T.sum(y))).toThrow(/backward of 'custom' \(badShape\) in module 'encoder\.conv0': gradient for input 0/);
  });
});

describe('chains and views', () => {
  it('a 64-op chain differentiates exactly', () => {
    const x0 = [0.3, -0.7, 1.1];
    const x = f64(x0, true);
    let y = x;
    // 64 ops cycling through four maps; derivative tracked by hand alongside.
    const vals = [...x0];
    const ders = [1, 1, 1];
    for (let i = 0; i < 64; i++) {
      switch (i % 4) {
        case 0: y = T.mul(y, 1.05); for (let k = 0; k < 3; k++) { vals[k] *= 1.05; ders[k] *= 1.05; } break;
        case 1: y = T.add(y, 0.01); for (let k = 0; k < 3; k++) vals[k] += 0.01; break;
        case 2: y = T.tanh(y); for (let k = 0; k < 3; k++) { vals[k] = Math.tanh(vals[k]); ders[k] *= 1 - vals[k] * vals[k]; } break;
        case 3: y = T.sin(y); for (let k = 0; k < 3; k++) { ders[k] *= Math.cos(vals[k]); vals[k] = Math.sin(vals[k]); } break;
      }
    }
    const loss = T.sum(y);
    T.backward(loss);
    const g = grad(x);
    for (let k = 0; k < 3; k++) {
      expect(y.get(k)).toBeCloseTo(vals[k], 13);
      expect(Math.abs(g[k] - ders[k])).toBeLessThan(1e-13 + 1e-12 * Math.abs(ders[k]));
    }
    T.assertGradcheck('64-op chain', (t) => {
      let z = t;
      for (let i = 0; i < 64; i++) z = [T.mul(z, 1.05), T.add(z, 0.01), T.tanh(z), T.sin(z)][i % 4];
      return z;
    }, [f64(x0)]);
  });

  it('a very deep chain (20 000 ops) does not overflow the stack', () => {
    const x = f64([1], true);
    let y = x;
    for (let i = 0; i < 20000; i++) y = T.add(y, 1e-4);
    T.backward(T.sum(y));
    expect(grad(x)).toEqual([1]);
  });

  it('slice with steps scatters the gradient back', () => {
    const x = T.reshape(T.arange(12, undefined, 1, { dtype: 'float64' }), [3, 4]);
    const leaf = T.contiguous(x);
    leaf.requiresGrad = true;
    const s = T.slice(leaf, [{ start: 0, step: 2 }, { start: 1, step: 2 }]); // rows 0,2 cols 1,3
    expect(s.toFlatArray()).toEqual([1, 3, 9, 11]);
    T.backward(s, f64([[1, 2], [3, 4]]));
    expect(grad(leaf)).toEqual([0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4]);
  });

  it('overlapping slices of one leaf accumulate', () => {
    const x = f64([1, 2, 3, 4, 5], true);
    const a = T.slice(x, [{ start: 0, stop: 3 }]);
    const b = T.slice(x, [{ start: 2 }]);
    T.backward(T.add(T.sum(T.mul(a, 2)), T.sum(T.mul(b, 10))));
    expect(grad(x)).toEqual([2, 2, 12, 10, 10]);
  });

  it('permute routes the gradient back to the original layout', () => {
    const x = rand([2, 3, 4], 5);
    x.requiresGrad = true;
    const p = T.permute(x, [2, 0, 1]); // [4, 2, 3]
    const w = T.reshape(T.arange(24, undefined, 1, { dtype: 'float64' }), [4, 2, 3]);
    T.backward(T.sum(T.mul(p, w)));
    const g = x.grad as T.Tensor;
    for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) {
      expect(g.get(a, b, c)).toBe(w.get(c, a, b));
    }
  });

  it('expand (stride 0) sums the gradient over repeated dimensions', () => {
    const x = f64([[1], [2]], true); // [2, 1]
    const e = T.expand(x, [3, 2, 4]);
    expect(e.strides).toEqual([0, 1, 0]);
    const w = T.reshape(T.arange(24, undefined, 1, { dtype: 'float64' }), [3, 2, 4]);
    T.backward(T.sum(T.mul(e, w)));
    // x[i] receives Σ_{a,c} w[a, i, c]
    const expected = [0, 1].map((i) => {
      let s = 0;
      for (let a = 0; a < 3; a++) for (let c = 0; c < 4; c++) s += w.get(a, i, c);
      return s;
    });
    expect(grad(x)).toEqual(expected);
    expect((x.grad as T.Tensor).shape).toEqual([2, 1]);
  });

  it('ties share the gradient evenly (max reduction and maximum)', () => {
    const x = f64([[1, 3, 3], [2, 0, 1]], true);
    T.backward(T.sum(T.max(x, 1)));
    expect(grad(x)).toEqual([0, 0.5, 0.5, 1, 0, 0]);
    const a = f64([1, 2, 3], true);
    const b = f64([1, 5, 0], true);
    T.backward(T.sum(T.maximum(a, b)));
    expect(grad(a)).toEqual([0.5, 0, 1]);
    expect(grad(b)).toEqual([0.5, 1, 0]);
  });

  it('relu / abs / clamp take documented values at their kinks', () => {
    const x = f64([0, -1, 2], true);
    T.backward(T.sum(T.relu(x)));
    expect(grad(x)).toEqual([0, 0, 1]);
    const y = f64([0, -1, 2], true);
    T.backward(T.sum(T.abs(y)));
    expect(grad(y)).toEqual([0, -1, 1]);
    const z = f64([0, 0.5, 1, 1.5], true);
    T.backward(T.sum(T.clamp(z, 0, 1)));
    expect(grad(z)).toEqual([1, 1, 1, 0]);
  });
});

describe('module scopes', () => {
  it('withScope tags recorded nodes with the dotted module path', () => {
    const x = f64([1, 2], true);
    expect(T.currentScope()).toBe('');
    const { inner, outer } = T.withScope('blocks', () => T.withScope('0', () => {
      expect(T.currentScope()).toBe('blocks.0');
      const inner = T.withScope('conv', () => T.mul(x, 2));
      const outer = T.relu(inner);
      return { inner, outer };
    }));
    expect(inner.node?.scope).toBe('blocks.0.conv');
    expect(outer.node?.scope).toBe('blocks.0');
    expect(T.mul(x, 3).node?.scope).toBe('');
    expect(T.currentScope()).toBe('');
    // the scope is restored when the body throws
    expect(() => T.withScope('bad', () => { throw new Error('x'); })).toThrow('x');
    expect(T.currentScope()).toBe('');
  });
});
