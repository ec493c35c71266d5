/** The optimiser base: param groups, skipping parameters without gradients, zeroGrad, in-place updates, validation. */

import { describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import { Adam, SGD } from '../../../src/nn/optim/index.js';
import { param } from './reference.js';

function setGrad(p: T.Tensor, values: number[]): void {
  p.grad = T.tensor(values, [...p.shape], { dtype: p.dtype });
}

describe('Optimizer param groups', () => {
  it('applies each group its own lr, other options falling back on the constructor defaults', () => {
    const a = param([1, 1]);
    const b = param([1]);
    const opt = new SGD([{ params: [a], lr: 0.1 }, { params: [b], name: 'head' }], { lr: 0.01, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.name])).toEqual([
      [0.1, 0.9, undefined],
      [0.01, 0.9, 'head'],
    ]);
    setGrad(a, [1, 2]);
    setGrad(b, [1]);
    opt.step();
    expect(a.toFlatArray()).toEqual([1 - 0.1, 1 - 0.2]);
    expect(b.toFlatArray()).toEqual([1 - 0.01]);
  });

  it('honours an lr changed between steps', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1 });
    opt.paramGroups[0].lr = 0.5;
    setGrad(p, [1]);
    opt.step();
    expect(p.item()).toBe(0.5);
  });

  it('addParamGroup adds parameters with defaults and numbers them after the existing ones', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new SGD([a], { lr: 0.1 });
    opt.addParamGroup({ params: [b], lr: 1 });
    setGrad(b, [1]);
    opt.step();
    expect(b.item()).toBe(1);
    expect(opt.stateDict().groups.map((g) => g.params)).toEqual([[0], [1]]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(
      'SGD: param group 2: parameter 2 (shape [1]) is the same tensor as parameter 0; a parameter may appear only once across all param groups',
    );
  });

  it('rejects a parameter that appears twice, across or within groups', () => {
    const a = param([1], { name: 'fc.weight' });
    expect(() => new SGD([{ params: [a] }, { params: [a] }])).toThrow(
      "SGD: param group 1: parameter 1 ('fc.weight') is the same tensor as parameter 0; a parameter may appear only once across all param groups",
    );
    expect(() => new Adam([a, a])).toThrow(/is the same tensor as parameter 0/);
  });
});

describe('Optimizer step', () => {
  it('updates p.data in place, keeping the tensor and its storage', () => {
    const p = param([1, 2]);
    const data = p.data;
    const opt = new Adam([p], { lr: 0.1 });
    setGrad(p, [1, -1]);
    opt.step();
    expect(p.data).toBe(data);
    expect(p.toFlatArray()).not.toEqual([1, 2]);
  });

  it('skips parameters whose grad is null and leaves their state untouched', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new Adam([a, b], { lr: 0.1 });
    setGrad(a, [1, 1]);
    opt.step();
    expect(b.item()).toBe(3);
    expect(opt.stateOf(b)).toBeUndefined();
    expect(Object.keys(opt.stateDict().state)).toEqual(['0']);

    // Now a has state; a step without its gradient must leave both a and its state alone.
    const before = a.toFlatArray();
    const m = Array.from(opt.stateOf(a)?.buffers.expAvg ?? []);
    a.grad = null;
    setGrad(b, [1]);
    opt.step();
    expect(a.toFlatArray()).toEqual(before);
    expect(opt.stateOf(a)?.step).toBe(1);
    expect(Array.from(opt.stateOf(a)?.buffers.expAvg ?? [])).toEqual(m);
    expect(opt.stateOf(b)?.step).toBe(1);
  });

  it('zeroGrad sets every gradient to null', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new SGD([{ params: [a] }, { params: [b] }]);
    setGrad(a, [1]);
    setGrad(b, [1]);
    opt.zeroGrad();
    expect([a.grad, b.grad]).toEqual([null, null]);
  });

  it('works with gradients from T.backward', () => {
    const w = T.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.5 });
    T.backward(T.sum(T.mul(w, w)));
    opt.step();
    // w − 0.5·2w = 0
    expect(w.toFlatArray()).toEqual([0, 0, 0, 0]);
  });

  it('rejects a gradient of the wrong shape, naming the parameter', () => {
    const p = param([1, 2], { name: 'bias' });
    const opt = new SGD([p]);
    p.grad = T.tensor([1, 2, 3]);
    expect(() => opt.step()).toThrow("SGD: gradient of parameter 0 ('bias') has shape [3] but the parameter has shape [2]");
  });

  it('re-checks hyper-parameters each step, naming the group', () => {
    const p = param([1]);
    const opt = new Adam([{ params: [param([0])] }, { params: [p], name: 'head' }]);
    opt.paramGroups[1].lr = Number.NaN;
    expect(() => opt.step()).toThrow("Adam: param group 1 ('head'): lr must be a finite number ≥ 0, got NaN");
  });
});

describe('Optimizer construction errors', () => {
  it('names the bad option, its value and what is allowed', () => {
    const p = param([1]);
    expect(() => new Adam([p], { lr: -1 })).toThrow('Adam: lr must be a finite number ≥ 0, got -1');
    expect(() => new Adam([{ params: [p] }, { params: [param([2])], lr: -1 }])).toThrow('Adam: param group 1: lr must be a finite number ≥ 0, got -1');
    expect(() => new SGD([p], { momentun: 0.9 } as never)).toThrow(
      "SGD: unknown option 'momentun' in the options (allowed: lr, momentum, dampening, weightDecay, nesterov, maximize)",
    );
    expect(() => new SGD([{ params: [p], betas: [0.9, 0.99] } as never])).toThrow("SGD: unknown option 'betas' in param group 0");
  });

  it('rejects empty, mixed or invalid parameter lists', () => {
    expect(() => new SGD([])).toThrow('SGD: got an empty parameter list');
    expect(() => new SGD([param([1]), { params: [param([1])] }] as never)).toThrow('SGD: params must be all Tensors or all param groups');
    expect(() => new SGD([{ params: 3 } as never])).toThrow('SGD: param group 0: params must be an array of Tensors, got 3');
    expect(() => new SGD([{ params: param([1]) } as never])).toThrow('SGD: param group 0: params must be an array of Tensors, got a Tensor');
    expect(() => new SGD([{ params: [[1, 2]] } as never])).toThrow('SGD: param group 0: parameter 0 must be a Tensor, got [1, 2]');
  });

  it('rejects integer, strided-view and non-leaf parameters', () => {
    const i = T.tensor([1, 2], { dtype: 'int32' });
    expect(() => new SGD([i])).toThrow('SGD: parameter 0 (shape [2]) has dtype int32; only float32 and float64 parameters can be optimised');
    const base = param([1, 2, 3, 4]);
    const view = new T.Tensor(base.data, [2], [2], 1);
    expect(() => new SGD([base, view])).toThrow(/SGD: parameter 1 \(shape \[2\]\) is a strided view \(offset 1, strides \[2\]\)/);
    const y = T.mul(base, 2);
    y.name = 'scaled';
    expect(() => new SGD([y])).toThrow("SGD: parameter 0 ('scaled') was computed by 'mul'; only leaf tensors (created directly, with requiresGrad) can be optimised");
  });
});
