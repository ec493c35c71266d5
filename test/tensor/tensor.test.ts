/**
 * The tensor layer: creation, views that share storage, broadcasting, dtype promotion and
 * printing.
 */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';

const flat = (t: T.Tensor): number[] => t.toFlatArray();

describe('creation', () => {
  it('builds from nested arrays with the inferred shape and the default dtype', () => {
    const t = T.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.strides).toEqual([3, 1]);
    expect(t.dtype).toBe('float32');
    expect(flat(t)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(t.get(1, 2)).toBe(6);
    expect(t.get(-1, 0)).toBe(4);
  });

  it('builds 3-D, scalars, booleans and empty tensors', () => {
    const t = T.tensor([[[1], [2]], [[3], [4]]]);
    expect(t.shape).toEqual([2, 2, 1]);
    const s = T.tensor(7.5);
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.item()).toBe(7.5);
    expect(flat(T.tensor([true, false, true]))).toEqual([1, 0, 1]);
    const e = T.tensor([]);
    expect(e.shape).toEqual([0]);
    expect(e.size).toBe(0);
    expect(T.tensor([[]]).shape).toEqual([1, 0]);
  });

  it('honours an explicit dtype and an explicit shape for nested data', () => {
    const t = T.tensor([1.7, -2.2, 3], { dtype: 'int32' });
    expect(t.dtype).toBe('int32');
    expect(flat(t)).toEqual([1, -2, 3]);
    const r = T.tensor([1, 2, 3, 4, 5, 6], [3, 2], { dtype: 'float64' });
    expect(r.shape).toEqual([3, 2]);
    expect(r.dtype).toBe('float64');
    expect(r.get(2, 1)).toBe(6);
    expect(() => T.tensor([1, 2, 3], [2, 2])).toThrow(/3 values cannot have shape \[2, 2\]/);
  });

  it('wraps typed arrays without copying and infers their dtype', () => {
    const a = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = T.tensor(a, [2, 3]);
    expect(t.dtype).toBe('float64');
    expect(t.shape).toEqual([2, 3]);
    expect(t.data).toBe(a);
    expect(T.tensor(new Int8Array([1, -2])).dtype).toBe('int8');
    expect(T.tensor(new Uint8Array([1, 2])).dtype).toBe('uint8');
    expect(T.tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(T.tensor(new Float32Array([1, 2])).shape).toEqual([2]);
    // a dtype conversion copies
    const c = T.tensor(new Int32Array([1, 2, 3]), { dtype: 'float32' });
    expect(c.dtype).toBe('float32');
    expect(flat(c)).toEqual([1, 2, 3]);
    expect(() => T.tensor(new Float32Array(5), [2, 3])).toThrow(/5 values cannot have shape \[2, 3\]/);
  });

  it('rejects ragged nested arrays with a message naming the dimension', () => {
    expect(() => T.tensor([[1, 2], [3]])).toThrow(/ragged nested array at dimension 1/);
    expect(() => T.tensor([[1, 2], 3] as never)).toThrow(/ragged/);
    expect(() => T.tensor([1, [2]] as never)).toThrow(/ragged nested array \(too deep/);
    expect(() => T.tensor([[[1, 2]], [[3, 4], [5, 6]]])).toThrow(/ragged/);
  });

  it('sets requiresGrad when asked', () => {
    expect(T.tensor([1, 2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(T.tensor([1, 2]).requiresGrad).toBe(false);
    expect(T.zeros([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('full / zeros / ones / scalar / *Like', () => {
    const f = T.full([2, 3], 2.5);
    expect(f.shape).toEqual([2, 3]);
    expect(flat(f)).toEqual([2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
    expect(flat(T.zeros([3]))).toEqual([0, 0, 0]);
    expect(flat(T.ones([2, 2], { dtype: 'int8' }))).toEqual([1, 1, 1, 1]);
    expect(T.ones([2, 2], { dtype: 'int8' }).dtype).toBe('int8');
    expect(T.scalar(4).shape).toEqual([]);
    expect(T.scalar(4).item()).toBe(4);
    expect(T.zeros([0, 3]).size).toBe(0);
    const like = T.onesLike(T.zeros([2, 2], { dtype: 'float64' }));
    expect(like.dtype).toBe('float64');
    expect(flat(like)).toEqual([1, 1, 1, 1]);
    expect(flat(T.zerosLike(like))).toEqual([0, 0, 0, 0]);
    expect(() => T.full([2, -1], 0)).toThrow(/full: invalid shape \[2, -1\]/);
    expect(() => T.zeros([1.5])).toThrow(/invalid shape/);
  });

  it('arange follows NumPy (exclusive stop, negative and fractional steps)', () => {
    expect(flat(T.arange(5))).toEqual([0, 1, 2, 3, 4]);
    expect(flat(T.arange(2, 5))).toEqual([2, 3, 4]);
    expect(flat(T.arange(5, 0, -2))).toEqual([5, 3, 1]);
    expect(flat(T.arange(0, 1, 0.25, { dtype: 'float64' }))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(T.arange(3, 3).size).toBe(0);
    expect(T.arange(5, 0).size).toBe(0);
    expect(T.arange(4, undefined, 1, { dtype: 'int32' }).dtype).toBe('int32');
    expect(() => T.arange(0, 5, 0)).toThrow(/arange: step must be a non-zero finite number/);
  });

  it('linspace includes both ends', () => {
    const t = T.linspace(0, 1, 5, { dtype: 'float64' });
    expect(flat(t)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(flat(T.linspace(3, 3, 1))).toEqual([3]);
    expect(flat(T.linspace(2, -2, 3))).toEqual([2, 0, -2]);
    expect(T.linspace(0, 1, 0).size).toBe(0);
  });

  it('randn / uniform are seeded and shaped', () => {
    const a = T.randn([3, 4], { rng: new T.Rng(7) });
    const b = T.randn([3, 4], { rng: new T.Rng(7) });
    expect(flat(a)).toEqual(flat(b));
    expect(a.shape).toEqual([3, 4]);
    const c = T.randn([3, 4], { rng: new T.Rng(8) });
    expect(flat(a)).not.toEqual(flat(c));
    const u = T.uniform([1000], -2, 3, { rng: new T.Rng(1), dtype: 'float64' });
    const v = flat(u);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThan(3);
    const m = T.randn([2000], { rng: new T.Rng(3), mean: 5, std: 0.5, dtype: 'float64' });
    const mean = T.mean(m).item();
    expect(Math.abs(mean - 5)).toBeLessThan(0.05);
  });
});

describe('views share storage', () => {
  const base = () => T.arange(24, undefined, 1, { dtype: 'float64' });

  it('reshape of a contiguous tensor is a view', () => {
    const x = base();
    const r = T.reshape(x, [2, 3, 4]);
    expect(r.data).toBe(x.data);
    expect(r.strides).toEqual([12, 4, 1]);
    const r2 = T.reshape(r, [4, -1]);
    expect(r2.shape).toEqual([4, 6]);
    expect(r2.data).toBe(x.data);
    x.data[5] = 100;
    expect(r.get(0, 1, 1)).toBe(100);
    expect(() => T.reshape(x, [5, -1])).toThrow(/reshape: cannot reshape \[24\]/);
    expect(() => T.reshape(x, [-1, -1])).toThrow(/only one dimension may be -1/);
  });

  it('reshape of a non-contiguous view copies in row-major order', () => {
    const x = T.reshape(base(), [4, 6]);
    const t = T.transpose(x);
    const r = T.reshape(t, [24]);
    expect(r.data).not.toBe(x.data);
    const expected: number[] = [];
    for (let j = 0; j < 6; j++) for (let i = 0; i < 4; i++) expected.push(i * 6 + j);
    expect(flat(r)).toEqual(expected);
  });

  it('permute and transpose swap strides without copying', () => {
    const x = T.reshape(base(), [2, 3, 4]);
    const p = T.permute(x, [2, 0, 1]);
    expect(p.data).toBe(x.data);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.strides).toEqual([1, 12, 4]);
    expect(p.isContiguous()).toBe(false);
    for (let a = 0; a < 4; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) {
      expect(p.get(a, b, c)).toBe(x.get(b, c, a));
    }
    const v = flat(p);
    expect(v[0]).toBe(0);
    expect(v[1]).toBe(4);
    expect(v[3]).toBe(12);
    const t = T.transpose(x, 0, 2);
    expect(t.shape).toEqual([4, 3, 2]);
    expect(t.data).toBe(x.data);
    expect(t.get(3, 2, 1)).toBe(x.get(1, 2, 3));
    expect(flat(T.transpose(T.tensor([[1, 2, 3], [4, 5, 6]])))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(() => T.permute(x, [0, 0, 1])).toThrow(/permute: \[0, 0, 1\] is not a permutation/);
  });

  it('slice with steps is a strided view with the right values', () => {
    const x = T.reshape(base(), [4, 6]);
    const s = T.slice(x, [{ start: 1, stop: 4, step: 2 }, { start: 0, step: 3 }]);
    expect(s.data).toBe(x.data);
    expect(s.shape).toEqual([2, 2]);
    expect(s.offset).toBe(6);
    expect(s.strides).toEqual([12, 3]);
    expect(flat(s)).toEqual([6, 9, 18, 21]);
    // negative start / stop count from the end, missing axes are kept whole
    const t = T.slice(x, [{ start: -2 }]);
    expect(t.shape).toEqual([2, 6]);
    expect(flat(t)).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    const u = T.slice(x, [undefined, { start: 1, stop: -1, step: 2 }]);
    expect(u.shape).toEqual([4, 2]);
    expect(flat(u)).toEqual([1, 3, 7, 9, 13, 15, 19, 21]);
    // a slice of a slice composes offsets and strides
    const w = T.slice(s, [{ start: 1 }, { start: 1 }]);
    expect(flat(w)).toEqual([21]);
    expect(w.item()).toBe(21);
    // empty slices
    expect(T.slice(x, [{ start: 3, stop: 1 }]).shape).toEqual([0, 6]);
    expect(() => T.slice(x, [{ step: 0 }])).toThrow(/slice: step must be a positive integer/);
    // writes through the storage are visible in the view
    x.data[21] = -1;
    expect(flat(s)).toEqual([6, 9, 18, -1]);
  });

  it('expand uses stride 0 and values() repeats', () => {
    const x = T.tensor([[1], [2], [3]], { dtype: 'float64' });
    const e = T.expand(x, [2, 3, 4]);
    expect(e.data).toBe(x.data);
    expect(e.shape).toEqual([2, 3, 4]);
    expect(e.strides).toEqual([0, 1, 0]);
    expect(flat(e)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    const k = T.expand(x, [-1, 2]);
    expect(k.shape).toEqual([3, 2]);
    expect(flat(k)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(() => T.expand(T.zeros([2, 3]), [4, 3])).toThrow(/expand: dimension 0 of \[2, 3\] has size 2 and cannot expand to 4/);
  });

  it('views of views (permute ∘ slice ∘ expand) read the right elements', () => {
    const x = T.reshape(base(), [2, 3, 4]);
    const v = T.slice(T.permute(x, [1, 2, 0]), [{ start: 1 }, { step: 2 }]); // [2, 2, 2]
    const expected: number[] = [];
    for (let a = 1; a < 3; a++) for (let b = 0; b < 4; b += 2) for (let c = 0; c < 2; c++) expected.push(x.get(c, a, b));
    expect(flat(v)).toEqual(expected);
    const e = T.expand(T.reshape(T.contiguous(v), [1, 8]), [3, 8]);
    expect(flat(e)).toEqual([...expected, ...expected, ...expected]);
  });

  it('isDense / values / toTypedArray distinguish shared and copied buffers', () => {
    const x = T.reshape(base(), [4, 6]);
    expect(x.isDense).toBe(true);
    expect(x.values()).toBe(x.data);
    const copy = x.toTypedArray();
    expect(copy).not.toBe(x.data);
    copy[0] = 99;
    expect(x.data[0]).toBe(0);
    const s = T.slice(x, [{ start: 1, stop: 2 }]);
    // contiguous but offset: not dense, values() copies just the window
    expect(s.isContiguous()).toBe(true);
    expect(s.isDense).toBe(false);
    expect(Array.from(s.values())).toEqual([6, 7, 8, 9, 10, 11]);
    const c = T.contiguous(T.transpose(x));
    expect(c.isDense).toBe(true);
    expect(c.shape).toEqual([6, 4]);
    expect(T.contiguous(x)).toBe(x);
  });

  it('item / get validate their arguments', () => {
    expect(() => T.zeros([2]).item()).toThrow(/item: tensor of shape \[2\] has 2 elements, expected 1/);
    expect(() => T.zeros([2, 2]).get(0)).toThrow(/get: expected 2 indices/);
    expect(() => T.zeros([2, 2]).get(0, 2)).toThrow(/out of range/);
  });
});

describe('broadcasting', () => {
  it('broadcastShapes follows NumPy rules', () => {
    expect(T.broadcastShapes([2, 1, 3], [4, 1], 'x')).toEqual([2, 4, 3]);
    expect(T.broadcastShapes([], [2, 3], 'x')).toEqual([2, 3]);
    expect(T.broadcastShapes([5, 1], [1], 'x')).toEqual([5, 1]);
    expect(T.broadcastShapes([1, 0], [3, 1], 'x')).toEqual([3, 0]);
  });

  it('binary ops broadcast both operands', () => {
    const a = T.reshape(T.arange(6, undefined, 1, { dtype: 'float64' }), [2, 1, 3]);
    const b = T.reshape(T.arange(4, undefined, 1, { dtype: 'float64' }), [4, 1]);
    const c = T.add(a, T.mul(b, 10));
    expect(c.shape).toEqual([2, 4, 3]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) {
      expect(c.get(i, j, k)).toBe(a.get(i, 0, k) + 10 * b.get(j, 0));
    }
    // scalars mix with tensors on either side
    expect(flat(T.sub(10, T.tensor([1, 2])))).toEqual([9, 8]);
    expect(flat(T.div(T.tensor([2, 4]), 2))).toEqual([1, 2]);
    // non-contiguous operands
    const t = T.transpose(T.reshape(T.arange(6), [2, 3]));
    expect(flat(T.add(t, T.tensor([100, 200])))).toEqual([100, 203, 101, 204, 102, 205]);
  });

  it('errors name the op and both shapes', () => {
    const cases: [string, () => unknown][] = [
      ['add', () => T.add(T.zeros([2, 3]), T.zeros([4]))],
      ['sub', () => T.sub(T.zeros([2, 3]), T.zeros([4]))],
      ['mul', () => T.mul(T.zeros([2, 3]), T.zeros([4]))],
      ['div', () => T.div(T.zeros([2, 3]), T.zeros([4]))],
      ['maximum', () => T.maximum(T.zeros([2, 3]), T.zeros([4]))],
    ];
    for (const [op, f] of cases) {
      expect(f).toThrow(new RegExp(`^${op}: shapes \\[2, 3\\] and \\[4\\] cannot be broadcast`));
    }
    expect(() => T.where(T.zeros([2, 3]), T.zeros([4]), 0)).toThrow(/where: shapes \[2, 3\] and \[4\] cannot be broadcast/);
  });

  it('matmul shape errors name both operand shapes', () => {
    expect(() => T.matmul(T.zeros([2, 3]), T.zeros([4, 2]))).toThrow(/matmul: inner dimensions differ: \[2, 3\] @ \[4, 2\]/);
    expect(() => T.matmul(T.zeros([2, 3, 4]), T.zeros([3, 4, 2]))).toThrow(/matmul.*\[2, 3, 4\].*\[3, 4, 2\]/);
  });
});

describe('dtype promotion', () => {
  it('promote: float beats int, wider beats narrower', () => {
    expect(T.promote('float32', 'float64')).toBe('float64');
    expect(T.promote('int32', 'float32')).toBe('float32');
    expect(T.promote('int8', 'float64')).toBe('float64');
    expect(T.promote('int8', 'uint8')).toBe('int32');
    expect(T.promote('int8', 'int32')).toBe('int32');
    expect(T.promote('uint8', 'uint8')).toBe('uint8');
  });

  it('binary ops produce the promoted dtype', () => {
    const f32 = T.tensor([1, 2], { dtype: 'float32' });
    const f64 = T.tensor([1, 2], { dtype: 'float64' });
    const i32 = T.tensor([1, 2], { dtype: 'int32' });
    const i8 = T.tensor([1, 2], { dtype: 'int8' });
    expect(T.add(f32, f64).dtype).toBe('float64');
    expect(T.add(i32, f32).dtype).toBe('float32');
    expect(T.mul(i8, i32).dtype).toBe('int32');
    expect(T.add(i8, i8).dtype).toBe('int8');
    // a number takes the other operand's dtype (a fractional number does not truncate)
    expect(T.add(i32, 1).dtype).toBe('int32');
    expect(T.add(f64, 1).dtype).toBe('float64');
    const half = T.add(i32, 0.5);
    expect(half.dtype).toBe('float32');
    expect(flat(half)).toEqual([1.5, 2.5]);
  });

  it('float ops on integers give the default float dtype; withDefaultDtype switches it', () => {
    const i = T.tensor([1, 4], { dtype: 'int32' });
    expect(T.sqrt(i).dtype).toBe('float32');
    expect(T.withDefaultDtype('float64', () => T.sqrt(i).dtype)).toBe('float64');
    expect(T.withDefaultDtype('float64', () => T.tensor([1]).dtype)).toBe('float64');
    expect(T.getDefaultDtype()).toBe('float32');
    expect(() => T.withDefaultDtype('float64', () => { throw new Error('boom'); })).toThrow('boom');
    expect(T.getDefaultDtype()).toBe('float32');
    expect(() => T.setDefaultDtype('int32' as never)).toThrow(/setDefaultDtype: expected 'float32' or 'float64'/);
    // relu / abs / neg keep integer dtypes
    expect(T.relu(T.tensor([-1, 2], { dtype: 'int8' })).dtype).toBe('int8');
  });

  it('cast converts values and dtype', () => {
    const c = T.cast(T.tensor([1.5, -2.5, 300], { dtype: 'float64' }), 'int32');
    expect(c.dtype).toBe('int32');
    expect(flat(c)).toEqual([1, -2, 300]);
    const u = T.cast(T.tensor([1, 255], { dtype: 'int32' }), 'uint8');
    expect(flat(u)).toEqual([1, 255]);
  });
});

describe('toString', () => {
  it('contains the values, shape and dtype', () => {
    const s = String(T.tensor([[1, 2], [3, 4.5]]));
    expect(s).toContain('shape=[2, 2]');
    expect(s).toContain('dtype=float32');
    expect(s).toContain('4.5000');
    expect(s.split('\n')).toHaveLength(2);
    expect(String(T.tensor([1, 2], { dtype: 'int8' }))).toBe('tensor([1, 2], shape=[2], dtype=int8)');
    expect(String(T.scalar(3))).toBe('tensor(3.0000, shape=[], dtype=float32)');
    expect(String(T.tensor([1], { requiresGrad: true }))).toContain('requiresGrad');
    expect(String(T.tensor([1e-7, 1e6]))).toMatch(/e-7.*e\+6/);
  });

  it('elides the middle of big tensors', () => {
    const s = String(T.arange(100000));
    expect(s).toContain('...');
    expect(s).toContain('shape=[100000]');
    expect(s.length).toBeLessThan(300);
    const m = String(T.zeros([50, 60], { dtype: 'float64' }));
    expect(m).toContain('shape=[50, 60]');
    expect(m).toContain('dtype=float64');
    expect(m.split('\n').length).toBeLessThanOrEqual(8);
    expect(m.length).toBeLessThan(1000);
  });

  it('prints views by their logical values', () => {
    const t = T.transpose(T.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }));
    expect(String(t)).toBe('tensor([[1, 4],\n        [2, 5],\n        [3, 6]], shape=[3, 2], dtype=int32)');
  });
});
