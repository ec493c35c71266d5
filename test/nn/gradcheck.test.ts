/**
 * Gradient checks (float64 central differences, T.gradcheck) through whole layers: the layer's
 * own forward, with its weight and bias swapped for the gradcheck leaves, so the check covers the
 * layer's wiring (reshapes, broadcasts, padding, groups) and not only the primitive rules.
 */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { Conv1d, Conv2d } from '../../src/nn/layers/conv.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/layers/batchnorm.js';
import { Flatten, MaxPool1d, ReLU, AvgPool2d, GlobalAvgPool, ConstantPad1d } from '../../src/nn/layers/simple.js';
import { Residual, Sequential } from '../../src/nn/layers/containers.js';
import { crossEntropy, huberLoss, l1Loss, logCoshLoss, mseLoss, nllLoss } from '../../src/nn/losses.js';
import type { Module } from '../../src/nn/module.js';
import { rand } from './helpers.js';

/** Build a layer in float64 (so its parameters are float64 like the gradcheck leaves). */
const f64 = <M>(make: () => M): M => T.withDefaultDtype('float64', make);

/** Replace a layer's weight / bias with the given tensors for the duration of a forward pass. */
function withParams(layer: Module, params: Record<string, T.Tensor>): Module {
  Object.assign(layer as unknown as Record<string, unknown>, params);
  return layer;
}

function check(name: string, fn: (...xs: T.Tensor[]) => T.Tensor, inputs: T.Tensor[], opts: T.GradcheckOptions = {}): void {
  const r = T.gradcheck(fn, inputs, opts);
  if (!r.ok) throw new Error(`gradcheck ${name} failed: ${JSON.stringify(r.failure)}`);
  expect(r.ok).toBe(true);
}

/** Gradcheck a layer with parameters 'weight' (and 'bias' when present) w.r.t. x, weight and bias. */
function checkLayer(name: string, layer: Module & { weight: T.Tensor | null; bias: T.Tensor | null }, x: T.Tensor): void {
  const w = layer.weight as T.Tensor;
  const b = layer.bias;
  const inputs = b === null ? [x, w] : [x, w, b];
  check(name, (xx, ww, bb) => withParams(layer, b === null ? { weight: ww } : { weight: ww, bias: bb }).call(xx), inputs);
}

describe('gradcheck through layers', () => {
  it('Linear on [N, in]', () => {
    const l = f64(() => new Linear(5, 3, { rng: new T.Rng(1) }));
    checkLayer('Linear [N,in]', l, rand([4, 5], 2));
  });

  it('Linear on [N, T, in] (weights shared over T)', () => {
    const l = f64(() => new Linear(4, 3, { rng: new T.Rng(3) }));
    checkLayer('Linear [N,T,in]', l, rand([2, 3, 4], 4));
  });

  it('Linear without bias', () => {
    const l = f64(() => new Linear(3, 2, { bias: false, rng: new T.Rng(5) }));
    expect(l.bias).toBeNull();
    checkLayer('Linear no bias', l, rand([3, 3], 6));
  });

  it('Conv1d with stride 2, dilation 2, groups 2 and asymmetric padding', () => {
    const c = f64(() => new Conv1d(4, 6, 3, { stride: 2, dilation: 2, groups: 2, padding: [1, 2], rng: new T.Rng(7) }));
    const x = rand([2, 4, 11], 8);
    expect(c.call(x).shape).toEqual([2, 6, Math.floor((11 + 3 - 2 * 2 - 1) / 2) + 1]);
    checkLayer('Conv1d s2 d2 g2', c, x);
  });

  it('Conv1d with causal padding and dilation keeps the length and looks only backwards', () => {
    const c = f64(() => new Conv1d(3, 4, 3, { dilation: 2, padding: 'causal', rng: new T.Rng(9) }));
    const x = rand([2, 3, 9], 10);
    const y = c.call(x);
    expect(y.shape).toEqual([2, 4, 9]);
    // Causality: changing the last time step changes only the last output step.
    const x2 = T.tensor(x.toTypedArray(), [2, 3, 9]);
    for (let n = 0; n < 2; n++) for (let ch = 0; ch < 3; ch++) x2.data[n * 27 + ch * 9 + 8] += 1;
    const y2 = T.noGrad(() => c.call(x2));
    const a = y.values();
    const b = y2.values();
    for (let i = 0; i < a.length; i++) if (i % 9 !== 8) expect(b[i]).toBe(a[i]);
    checkLayer('Conv1d causal d2', c, x);
  });

  it('Conv1d depthwise without bias', () => {
    const c = f64(() => new Conv1d(3, 6, 5, { groups: 3, padding: 'same', bias: false, rng: new T.Rng(11) }));
    checkLayer('Conv1d depthwise x2', c, rand([2, 3, 7], 12));
  });

  it('Conv2d with stride [2, 1], dilation [1, 2], groups 2, explicit padding', () => {
    const c = f64(() => new Conv2d(4, 4, [3, 2], { stride: [2, 1], dilation: [1, 2], groups: 2, padding: [1, 0, 2, 1], rng: new T.Rng(13) }));
    checkLayer('Conv2d s[2,1] d[1,2] g2', c, rand([2, 4, 5, 5], 14));
  });

  it('Conv2d depthwise 3×3 stride 2', () => {
    const c = f64(() => new Conv2d(3, 3, 3, { stride: 2, padding: 1, groups: 3, rng: new T.Rng(15) }));
    checkLayer('Conv2d depthwise s2', c, rand([1, 3, 6, 5], 16));
  });

  it('BatchNorm1d (train) on [N, C] w.r.t. input, weight and bias', () => {
    const bn = f64(() => new BatchNorm1d(3));
    (bn.weight as T.Tensor).data.set([0.5, 1.5, -0.7]);
    (bn.bias as T.Tensor).data.set([0.1, -0.2, 0.3]);
    checkLayer('BatchNorm1d [N,C]', bn, rand([5, 3], 17));
  });

  it('BatchNorm1d (train) on [N, C, L]', () => {
    const bn = f64(() => new BatchNorm1d(2, { eps: 1e-3 }));
    (bn.weight as T.Tensor).data.set([1.3, -0.4]);
    checkLayer('BatchNorm1d [N,C,L]', bn, rand([2, 2, 4], 18));
  });

  it('BatchNorm2d (train) on [N, C, H, W]', () => {
    const bn = f64(() => new BatchNorm2d(2));
    (bn.weight as T.Tensor).data.set([0.8, 1.7]);
    (bn.bias as T.Tensor).data.set([-0.5, 0.25]);
    checkLayer('BatchNorm2d', bn, rand([2, 2, 3, 2], 19));
  });

  it('BatchNorm2d (eval) uses the running statistics', () => {
    const bn = f64(() => new BatchNorm2d(2));
    bn.runningMean.data.set([0.3, -0.1]);
    bn.runningVar.data.set([2, 0.5]);
    bn.eval();
    checkLayer('BatchNorm2d eval', bn, rand([2, 2, 2, 2], 20));
  });

  it('a small network (conv, BN, ReLU, pool, flatten, linear, residual) w.r.t. its input', () => {
    const net = f64(() => {
      const r = new T.Rng(21);
      return new Sequential(
        new ConstantPad1d(2, 0),
        new Conv1d(2, 3, 3, { rng: r }),
        new BatchNorm1d(3),
        new ReLU(),
        new Residual(new Sequential(new Conv1d(3, 3, 3, { padding: 'same', rng: r }), new BatchNorm1d(3))),
        new MaxPool1d({ kernel: 2 }),
        new Flatten(),
        new Linear(9, 2, { rng: r }),
      );
    });
    check('small network', (x) => net.call(x), [rand([3, 2, 6], 22)]);
  });

  it('a 2-D network with average pooling and global average pooling', () => {
    const net = f64(() => new Sequential(new Conv2d(1, 2, 3, { padding: 1, rng: new T.Rng(23) }), new AvgPool2d({ kernel: 2 }), new GlobalAvgPool()));
    check('2-D network', (x) => net.call(x), [rand([2, 1, 4, 4], 24)]);
  });
});

describe('gradcheck through losses', () => {
  const labels = [2, 0, 1, 2];
  it('crossEntropy (mean, sum, label smoothing)', () => {
    const x = rand([4, 3], 30, -2, 2);
    check('crossEntropy', (l) => crossEntropy(l, labels), [x]);
    check('crossEntropy sum', (l) => crossEntropy(l, labels, { reduction: 'sum' }), [x]);
    check('crossEntropy ls=0.2', (l) => crossEntropy(l, labels, { labelSmoothing: 0.2 }), [x]);
    check('crossEntropy none', (l) => crossEntropy(l, labels, { reduction: 'none' }), [x]);
  });

  it('nllLoss', () => {
    check('nllLoss', (l) => nllLoss(l, labels), [rand([4, 3], 31, -3, 0)]);
  });

  // Targets are kept away from the predictions' kinks (|r| = 0 for l1, |r| = δ for huber).
  const pred = rand([3, 4], 32);
  const target = T.tensor(Float64Array.from(pred.values(), (v, i) => v + (i % 2 === 0 ? 1 : -1) * (0.2 + 0.13 * (i % 5))), [3, 4]);
  it('mseLoss', () => check('mseLoss', (p, t) => mseLoss(p, t), [pred, target]));
  it('l1Loss', () => check('l1Loss', (p, t) => l1Loss(p, t), [pred, target]));
  it('huberLoss with δ = 0.3 (both branches)', () => {
    const r = Array.from(pred.values(), (v, i) => Math.abs(v - target.values()[i]));
    expect(r.some((v) => v < 0.3) && r.some((v) => v > 0.3)).toBe(true);
    check('huberLoss', (p, t) => huberLoss(p, t, 0.3), [pred, target]);
  });
  it('logCoshLoss', () => check('logCoshLoss', (p, t) => logCoshLoss(p, t), [pred, target]));
});
