/** Flash and RAM models: byte counts by hand, bit-widths from a mixed-precision search, STE rounding. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { activationBytes, ceilSte, flashBytes, floorSte, fullSizes, gap8, liveActivationBytes, ramBytes, stm32h7, withRelaxedRounding, type LayerSpec } from '../../src/hw/index.js';

const conv16: LayerSpec = { name: 'c', kind: 'conv2d', cin: 16, cout: 16, kernel: [3, 3], groups: 1, depthwise: false, bias: false, outShape: [32, 32], inShape: [32, 32] };

describe('flash', () => {
  it('int8 weights + 32-bit bias + 32-bit multiplier and a shift byte per channel', () => {
    expect(flashBytes(conv16, fullSizes(conv16), 8).item()).toBe(2304 + 16 * 9);
  });

  it('packed sub-byte weights from the expected bits per channel (pruned channels count 0 bits once)', () => {
    const eff = { ...fullSizes(conv16), wBitsSum: T.scalar(4 * 8 + 2 * 8) };
    expect(flashBytes(conv16, eff, 8).item()).toBe(Math.ceil((144 * 48) / 8) + 16 * 9);
  });

  it('a depthwise layer stores k weights per channel', () => {
    const dw: LayerSpec = { ...conv16, groups: 16, depthwise: true };
    expect(flashBytes(dw, fullSizes(dw), 8).item()).toBe(16 * 9 + 16 * 9);
  });
});

describe('RAM', () => {
  it('input + output activations at their bit-widths, plus the kernel scratch buffer', () => {
    expect(liveActivationBytes(conv16, fullSizes(conv16), 8).item()).toBe(2 * 16 * 1024);
    // GAP8: 8 cores × 2 int8 columns of 144; STM32H7: 2 q15 columns of 144
    expect(ramBytes(conv16, fullSizes(conv16), 8, gap8.scratchBytes).item()).toBe(32768 + 8 * 2 * 144);
    expect(ramBytes(conv16, fullSizes(conv16), 8, stm32h7.scratchBytes).item()).toBe(32768 + 2 * 2 * 144);
    const eff = { ...fullSizes(conv16), inBits: T.scalar(4), outBits: T.scalar(2) };
    expect(liveActivationBytes(conv16, eff, 8).item()).toBe(16 * 1024 / 2 + 16 * 1024 / 4);
  });

  it('the input shape is used when known (a strided layer reads more than it writes)', () => {
    const s: LayerSpec = { name: 's', kind: 'conv1d', cin: 4, cout: 8, kernel: [5], groups: 1, depthwise: false, bias: true, outShape: [64], inShape: [128] };
    expect(liveActivationBytes(s, fullSizes(s), 8).item()).toBe(4 * 128 + 8 * 64);
  });

  it('activation bytes round up to whole bytes', () => {
    expect(activationBytes(T.scalar(3), 1, 2).item()).toBe(1);
  });
});

describe('straight-through ceil / floor', () => {
  it('forward rounds, backward passes the gradient unchanged', () => {
    const x = T.tensor([0.2, 1.5, -0.5], { dtype: 'float64', requiresGrad: true });
    expect(ceilSte(x).toFlatArray()).toEqual([1, 2, -0]);
    expect(floorSte(x).toFlatArray()).toEqual([0, 1, -1]);
    T.backward(T.sum(T.mul(ceilSte(x), T.tensor([1, 2, 3], { dtype: 'float64' }))));
    expect(x.grad?.toFlatArray()).toEqual([1, 2, 3]);
  });

  it('gradcheck: the STE gradient is the derivative of its surrogate x + (round(x) − x) held constant', () => {
    for (const op of [ceilSte, floorSte]) {
      const f = (x: T.Tensor) => T.sub(op(x), T.noGrad(() => T.sub(op(x), x)));
      const r = T.gradcheck(f, [T.tensor([0.3, 1.7, -2.2, 4.5], { dtype: 'float64' })]);
      expect(r.ok).toBe(true);
    }
  });

  it('relaxed rounding is the identity and restores itself', () => {
    const x = T.scalar(1.25);
    expect(withRelaxedRounding(() => ceilSte(x).item())).toBe(1.25);
    expect(ceilSte(x).item()).toBe(2);
  });
});
