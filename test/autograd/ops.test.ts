/** Forward semantics and argument validation of the differentiable ops. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';

const f64 = (data: number[] | number[][] | number[][][]): T.Tensor => T.tensor(data, { dtype: 'float64' });

describe('forward values', () => {
  it('unary maps', () => {
    const x = f64([-2, -0.5, 0, 0.5, 3, 7]);
    expect(T.relu(x).toFlatArray()).toEqual([0, 0, 0, 0.5, 3, 7]);
    expect(T.relu6(x).toFlatArray()).toEqual([0, 0, 0, 0.5, 3, 6]);
    expect(T.leakyRelu(x, 0.1).toFlatArray()).toEqual([-0.2, -0.05, 0, 0.5, 3, 7]);
    expect(T.clamp(x, -1, 1).toFlatArray()).toEqual([-1, -0.5, 0, 0.5, 1, 1]);
    expect(T.step(x, 0.5).toFlatArray()).toEqual([0, 0, 0, 0, 1, 1]);
    expect(T.sign(x).toFlatArray()).toEqual([-1, -1, 0, 1, 1, 1]);
    const big = f64([-800, 800, 0]);
    expect(T.softplus(big).toFlatArray()).toEqual([0, 800, Math.LN2]);
    expect(T.logcosh(big).toFlatArray()).toEqual([800 - Math.LN2, 800 - Math.LN2, 0]);
    const s = T.sigmoid(big).toFlatArray();
    expect(s).toEqual([0, 1, 0.5]);
  });

  it('reductions: sum / mean / max / min / variance / argmax over several axes', () => {
    const x = T.reshape(T.arange(24, undefined, 1, { dtype: 'float64' }), [2, 3, 4]);
    expect(T.sum(x).item()).toBe(276);
    expect(T.sum(x, [0, 2]).toFlatArray()).toEqual([60, 92, 124]);
    expect(T.sum(x, [0, 2], true).shape).toEqual([1, 3, 1]);
    expect(T.mean(x, -1).toFlatArray()).toEqual([1.5, 5.5, 9.5, 13.5, 17.5, 21.5]);
    expect(T.max(x, [0, 2]).toFlatArray()).toEqual([15, 19, 23]);
    expect(T.min(x, [1]).toFlatArray()).toEqual([0, 1, 2, 3, 12, 13, 14, 15]);
    expect(T.variance(f64([1, 2, 3, 4])).item()).toBe(1.25);
    expect(T.variance(f64([1, 2, 3, 4]), undefined, false, true).item()).toBeCloseTo(5 / 3, 15);
    const a = T.argmax(f64([[1, 5, 2], [7, 0, 1]]), 1);
    expect(a.dtype).toBe('int32');
    expect(a.toFlatArray()).toEqual([1, 0]);
    expect(T.argmin(f64([[1, 5, 2], [7, 0, 1]]), 0, true).toArray()).toEqual([[0, 1, 1]]);
    expect(() => T.max(T.zeros([2, 0]), 1)).toThrow(/max: cannot reduce over an empty axis/);
    expect(() => T.sum(x, 3)).toThrow(/sum: axis 3 is out of range for a tensor with 3 dimensions/);
  });

  it('softmax / logSoftmax are stable and normalised along the chosen axis', () => {
    const x = f64([[1000, 1001, 1002], [-5, 0, 5]]);
    const s = T.softmax(x, 1);
    const rows = T.sum(s, 1).toFlatArray();
    rows.forEach((v) => expect(v).toBeCloseTo(1, 12));
    expect(T.logSoftmax(x, 1).get(0, 2)).toBeCloseTo(-Math.log(1 + Math.exp(-1) + Math.exp(-2)), 14);
    const m = T.softmax(T.reshape(T.arange(24, undefined, 1, { dtype: 'float64' }), [2, 3, 4]), 1);
    T.sum(m, 1).toFlatArray().forEach((v) => expect(v).toBeCloseTo(1, 14));
  });

  it('pad, concat, stack, takeAlong, where', () => {
    const x = f64([[1, 2], [3, 4]]);
    expect(T.pad(x, [1, 0], [0, 1], 9).toArray()).toEqual([[9, 9, 9], [1, 2, 9], [3, 4, 9]]);
    expect(T.concat([x, f64([[5, 6]])], 0).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(T.concat([x, f64([[5], [6]])], 1).toArray()).toEqual([[1, 2, 5], [3, 4, 6]]);
    expect(T.stack([f64([1, 2]), f64([3, 4])], 1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(T.takeAlong(f64([[1, 2, 3], [4, 5, 6]]), 1, [2, 0]).toFlatArray()).toEqual([3, 4]);
    expect(T.takeAlong(f64([[1, 2, 3], [4, 5, 6]]), 0, [1, 0, 1]).toFlatArray()).toEqual([4, 2, 6]);
    expect(T.where(f64([1, 0, 1]), f64([1, 2, 3]), 0).toFlatArray()).toEqual([1, 0, 3]);
    expect(() => T.concat([x, f64([[1, 2, 3]])], 0)).toThrow(/concat: shapes \[2, 2\], \[1, 3\] differ outside axis 0/);
    expect(() => T.concat([])).toThrow(/concat: needs at least one tensor/);
  });

  it('concat promotes mixed dtypes instead of truncating into the first one', () => {
    const c = T.concat([T.tensor([2], { dtype: 'int32' }), T.tensor([1.5], { dtype: 'float64' })]);
    expect(c.dtype).toBe('float64');
    expect(c.toFlatArray()).toEqual([2, 1.5]);
  });

  it('matmul over batches and views', () => {
    const a = T.reshape(T.arange(12, undefined, 1, { dtype: 'float64' }), [2, 2, 3]);
    const b = f64([[1, 0], [0, 1], [1, 1]]);
    expect(T.matmul(a, b).toArray()).toEqual([[[2, 3], [8, 9]], [[14, 15], [20, 21]]]);
    const t = T.matmul(T.transpose(b), T.transpose(a)); // [2, 2, 2]
    expect(t.toArray()).toEqual([[[2, 8], [3, 9]], [[14, 20], [15, 21]]]);
    expect(() => T.matmul(T.zeros([3]), T.zeros([3, 2]))).toThrow(/matmul: 1-D operands are not supported/);
  });

  it('conv1d: causal and same paddings', () => {
    const x = f64([[[1, 2, 3, 4]]]);
    const w = f64([[[1, 10]]]);
    // causal: y[t] = 1·x[t−1] + 10·x[t]
    expect(T.conv1d(x, w, null, { padding: 'causal' }).toFlatArray()).toEqual([10, 21, 32, 43]);
    // same with an even kernel pads the extra element on the right (PyTorch)
    expect(T.conv1d(x, w, null, { padding: 'same' }).toFlatArray()).toEqual([21, 32, 43, 4]);
    expect(T.conv1d(x, w, f64([100]), { padding: [1, 0], stride: 2 }).toFlatArray()).toEqual([110, 132]);
  });
});

describe('argument validation names the op', () => {
  const x1 = T.zeros([1, 2, 8]);
  const w1 = T.zeros([2, 2, 3]);

  it('conv1d / conv2d', () => {
    expect(() => T.conv1d(x1, w1, null, { stride: 0 })).toThrow(/conv1d: stride must be positive integers, got 0/);
    expect(() => T.conv1d(x1, w1, null, { dilation: 1.5 })).toThrow(/conv1d: dilation must be positive integers/);
    expect(() => T.conv1d(x1, w1, null, { padding: 'same', stride: 2 })).toThrow(/conv1d: padding 'same' needs stride 1/);
    expect(() => T.conv1d(x1, w1, null, { padding: [-1, 0] })).toThrow(/conv1d: padding must be non-negative integers/);
    expect(() => T.conv1d(x1, T.zeros([2, 3, 3]))).toThrow(/conv1d: input has 2 channels but the weight expects 3.*input \[1, 2, 8\], weight \[2, 3, 3\]/);
    expect(() => T.conv1d(x1, T.zeros([3, 1, 3]), null, { groups: 2 })).toThrow(/conv1d: groups=2 must divide both input channels \(2\) and output channels \(3\)/);
    expect(() => T.conv1d(x1, w1, T.zeros([3]))).toThrow(/conv1d: bias must have shape \[2\], got \[3\]/);
    expect(() => T.conv1d(x1, T.zeros([1, 2, 5]), null, { dilation: 2 })).toThrow(/conv1d: the \(dilated\) kernel is larger than the padded input/);
    expect(() => T.conv1d(T.zeros([2, 8]), w1)).toThrow(/conv1d: input must be \[N, C, L\], got \[2, 8\]/);
    expect(() => T.conv2d(T.zeros([1, 2, 4, 4]), T.zeros([1, 2, 3, 3]), null, { stride: [1, 0] })).toThrow(/conv2d: stride must be positive integers/);
    expect(() => T.conv2d(T.zeros([1, 2, 4, 4]), T.zeros([1, 2, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow(/conv2d: padding 'same' needs stride 1/);
    expect(() => T.conv2d(T.zeros([1, 2, 4]), T.zeros([1, 2, 3, 3]))).toThrow(/conv2d: input must be \[N, C, H, W\]/);
  });

  it('pooling', () => {
    expect(() => T.maxPool1d(x1, { kernel: 2, padding: 2 })).toThrow(/maxPool1d: padding \[0, 2\] must be integers between 0 and half the kernel/);
    expect(() => T.maxPool1d(x1, { kernel: 2, padding: 0.5 })).toThrow(/maxPool1d: padding/);
    expect(() => T.avgPool2d(T.zeros([1, 1, 4, 4]), { kernel: 3, padding: [0.5, 0] })).toThrow(/avgPool2d: padding/);
    expect(() => T.avgPool1d(x1, { kernel: 0 })).toThrow(/avgPool1d: kernel and stride must be positive integers/);
    expect(() => T.maxPool2d(T.zeros([1, 1, 2, 2]), { kernel: 3 })).toThrow(/maxPool2d: kernel \[3, 3\] is larger than the padded input/);
    expect(() => T.globalAvgPool(T.zeros([2, 3]))).toThrow(/globalAvgPool: input must be \[N, C, \.\.\.spatial\]/);
  });

  it('movement ops', () => {
    expect(() => T.takeAlong(f64([[1, 2]]), 1, [0.5])).toThrow(/takeAlong: index 0.5 at position 0 is not an integer/);
    expect(() => T.takeAlong(f64([[1, 2]]), 1, [NaN])).toThrow(/takeAlong: index NaN/);
    expect(() => T.takeAlong(f64([[1, 2]]), 1, [2])).toThrow(/takeAlong: index 2 at position 0 is out of range \[0, 2\)/);
    expect(() => T.takeAlong(f64([[1, 2]]), 1, [0, 1])).toThrow(/takeAlong: 2 indices for 1 positions/);
    expect(() => T.expand(f64([1, 2, 3]), [-1, 3])).toThrow(/expand: invalid target shape \[-1, 3\] for \[3\]/);
    expect(() => T.expand(f64([1, 2, 3]), [3])).not.toThrow();
    expect(() => T.expand(f64([[1, 2]]), [2])).toThrow(/expand: cannot expand \[1, 2\] to fewer dimensions/);
    expect(() => T.pad(f64([1, 2]), [-1], [0])).toThrow(/pad: padding must be non-negative integers/);
    expect(() => T.squeeze(T.zeros([2, 3]), 0)).toThrow(/squeeze: dimension 0 of \[2, 3\] has size 2, not 1/);
    expect(() => T.clamp(f64([1]), 2, 1)).toThrow(/clamp: lower bound 2 must not exceed upper bound 1/);
    expect(() => T.linspace(0, 1, -1)).toThrow(/linspace: n must be a non-negative integer/);
  });
});
