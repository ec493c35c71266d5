/** Parameter and MAC cost models: reference values, bias on/off, shared vs per-call counting, gradients. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { fullSizes, macCount, paramCount, paramsCost, macsCost, totalCost, type LayerSpec } from '../../src/hw/index.js';

const conv16: LayerSpec = { name: 'c', kind: 'conv2d', cin: 16, cout: 16, kernel: [3, 3], groups: 1, depthwise: false, bias: false, outShape: [32, 32] };

describe('params / MACs', () => {
  it('Conv2d 3×3, 16→16, output 32×32, no bias: 2,359,296 MACs', () => {
    expect(macCount(conv16, fullSizes(conv16)).item()).toBe(2_359_296);
    expect(paramCount(conv16, fullSizes(conv16)).item()).toBe(2304);
  });

  it('bias adds one parameter per output channel and one MAC per output', () => {
    const s = { ...conv16, bias: true };
    expect(paramCount(s, fullSizes(s)).item()).toBe(2304 + 16);
    expect(macCount(s, fullSizes(s)).item()).toBe(2_359_296 + 16 * 1024);
    expect(macCount(s, fullSizes(s), false).item()).toBe(2_359_296);
  });

  it('depthwise and linear layers', () => {
    const dw: LayerSpec = { name: 'd', kind: 'conv2d', cin: 8, cout: 8, kernel: [3, 3], groups: 8, depthwise: true, bias: true, outShape: [4, 4] };
    expect(paramCount(dw, fullSizes(dw)).item()).toBe(8 * 9 + 8);
    expect(macCount(dw, fullSizes(dw)).item()).toBe((8 * 9 + 8) * 16);
    const fc: LayerSpec = { name: 'f', kind: 'linear', cin: 140, cout: 2, kernel: [], groups: 1, depthwise: false, bias: true, outShape: [] };
    expect(paramCount(fc, fullSizes(fc)).item()).toBe(282);
    expect(macCount(fc, fullSizes(fc)).item()).toBe(282);
  });

  it('is differentiable in the effective sizes (bilinear in cin and cout)', () => {
    const cin = T.scalar(10, { requiresGrad: true });
    const cout = T.scalar(20, { requiresGrad: true });
    const k = T.scalar(5, { requiresGrad: true });
    const s: LayerSpec = { name: 'c', kind: 'conv1d', cin: 10, cout: 20, kernel: [5], groups: 1, depthwise: false, bias: true, outShape: [7] };
    T.backward(macCount(s, { cin, cout, k }));
    expect(cin.grad?.item()).toBe(20 * 5 * 7);
    expect(cout.grad?.item()).toBe((10 * 5 + 1) * 7);
    expect(k.grad?.item()).toBe(10 * 20 * 7);
  });

  it('shared costs count a layer once, per-call costs every call', () => {
    const s = { ...conv16, bias: true };
    const calls = [{ spec: s, eff: fullSizes(s), firstCall: true }, { spec: s, eff: fullSizes(s), firstCall: false }];
    expect(totalCost(paramsCost, calls).item()).toBe(2320);
    expect(totalCost(macsCost, calls).item()).toBe(2 * (2_359_296 + 16 * 1024));
  });

  it('a custom cost is just a function of spec and sizes', () => {
    const outputs = { name: 'outputs', perCall: true, fn: (sp: LayerSpec, e: { cout: T.Tensor }) => T.mul(e.cout, sp.outShape.reduce((a, b) => a * b, 1)) };
    expect(totalCost(outputs, [{ spec: conv16, eff: fullSizes(conv16), firstCall: true }]).item()).toBe(16 * 1024);
  });
});
