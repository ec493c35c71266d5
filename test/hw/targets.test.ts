/** Hardware targets: the test vectors of docs/design.md#reference-values, monotonicity in every searched size, gradients, per-call counting, user targets. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import {
  BUILTIN_TARGETS, fullSizes, gap8, mpic, stm32h7, dianaDigital, dianaAnalog, targetCosts, totalCost, macCount,
  withRelaxedRounding, type EffectiveSizes, type HardwareTarget, type LayerSpec,
} from '../../src/hw/index.js';

const conv16: LayerSpec = { name: 'c', kind: 'conv2d', cin: 16, cout: 16, kernel: [3, 3], groups: 1, depthwise: false, bias: false, outShape: [32, 32], inShape: [32, 32] };
const cycles = (t: HardwareTarget, s: LayerSpec, e: EffectiveSizes = fullSizes(s)) => t.cycles(s, e).item();
const bits = (a: number, w: number, s: LayerSpec = conv16): EffectiveSizes => ({ ...fullSizes(s), inBits: T.scalar(a), wBitsSum: T.scalar(w * s.cout) });

describe('docs/design.md test vectors (Conv2d 16→16, 3×3, 32×32, 2,359,296 MACs)', () => {
  it('MPIC: a8/w8 1,123,474 cycles, a2/w2 362,969 cycles, w0 0 cycles', () => {
    expect(macCount(conv16, fullSizes(conv16), false).item()).toBe(2_359_296);
    expect(Math.round(cycles(mpic, conv16))).toBe(1_123_474);
    expect(Math.round(mpic.cycles(conv16, bits(8, 8)).item())).toBe(1_123_474);
    expect(Math.round(mpic.cycles(conv16, bits(2, 2)).item())).toBe(362_969);
    expect(mpic.cycles(conv16, bits(4, 0)).item()).toBe(0);
    // every table entry is hit exactly
    expect(mpic.cycles(conv16, bits(4, 8)).item()).toBeCloseTo(2_359_296 / 2.1, 0);
    expect(mpic.cycles(conv16, bits(2, 4)).item()).toBeCloseTo(2_359_296 / 4.0, 0);
  });

  it('MPIC energy at 250 MHz, 5.3825 mW', () => {
    const e = targetCosts(mpic).energy.fn(conv16, fullSizes(conv16)).item();
    expect(Math.abs(e / ((2_359_296 / 2.1 / 250e6) * 5.3825) - 1)).toBeLessThan(1e-6);
  });

  it('GAP8: 151,296 cycles (15.6 MAC/cycle)', () => {
    expect(cycles(gap8, conv16)).toBe(151_296);
  });

  it('DIANA digital: 13,312 cycles', () => {
    expect(cycles(dianaDigital, conv16)).toBe(13_312);
  });

  it('STM32H7: ≈0.8 MAC/cycle, ≈19.6× the GAP8 cycles', () => {
    const c = cycles(stm32h7, conv16);
    expect(c).toBe(2_966_504);
    expect(2_359_296 / c).toBeCloseTo(0.8, 1);
    expect(c / 151_296).toBeCloseTo(19.6, 1);
  });

  it('DIANA analog: weight loading + array passes', () => {
    // u = 1: (1 + 3 − 1)·max(64, 16)·3 = 576 ≤ 1152 and 16 ≤ 512 allow u = 8 → 8·16 = 128 ≤ 512, (8 + 2)·64·3 = 1920 > 1152 → u = 4 ((4+2)·64·3 = 1152)
    const expected = 8 * 16 * 9 + ((32 * 32) / 4) * 70e-9 * 260e6;
    expect(cycles(dianaAnalog, conv16)).toBeCloseTo(expected, 1);
    const dw: LayerSpec = { ...conv16, groups: 16, depthwise: true };
    expect(() => cycles(dianaAnalog, dw)).toThrow(/groups = 16.*diana-digital/);
  });
});

const conv1: LayerSpec = { name: 't', kind: 'conv1d', cin: 12, cout: 20, kernel: [9], groups: 1, depthwise: false, bias: true, outShape: [50], inShape: [50] };
const dw2: LayerSpec = { name: 'd', kind: 'conv2d', cin: 24, cout: 24, kernel: [3, 3], groups: 24, depthwise: true, bias: false, outShape: [10, 10], inShape: [10, 10] };
const fc: LayerSpec = { name: 'f', kind: 'linear', cin: 140, cout: 10, kernel: [], groups: 1, depthwise: false, bias: true, outShape: [], inShape: [] };
const SPECS = [conv16, conv1, dw2, fc];

function sizes(s: LayerSpec, d: { cin?: number; cout?: number; k?: number } = {}): EffectiveSizes {
  const f = fullSizes(s);
  const cout = T.scalar(f.cout.item() + (d.cout ?? 0));
  return { cin: s.depthwise ? cout : T.scalar(f.cin.item() + (d.cin ?? 0)), cout, k: T.scalar(f.k.item() + (d.k ?? 0)) };
}

describe('every target and cost is monotone in every searched size', () => {
  const targets = Object.values(BUILTIN_TARGETS).filter((t) => t !== dianaAnalog);
  for (const t of targets) {
    for (const [name, cm] of Object.entries(targetCosts(t))) {
      it(`${t.name} ${name}`, () => {
        for (const s of SPECS) {
          const axes: ('cin' | 'cout' | 'k')[] = s.depthwise ? ['cout', 'k'] : s.kind === 'linear' ? ['cin', 'cout'] : ['cin', 'cout', 'k'];
          for (const axis of axes) {
            let prev = -Infinity;
            for (let d = -8; d <= 0; d++) {
              if ((axis === 'k' && fullSizes(s).k.item() + d < 1) || (axis !== 'k' && fullSizes(s)[axis].item() + d < 1)) continue;
              const v = cm.fn(s, sizes(s, { [axis]: d })).item();
              expect(v, `${s.name} ${axis} ${d}`).toBeGreaterThanOrEqual(prev);
              prev = v;
            }
          }
        }
      });
    }
  }
});

describe('gradients flow to every searched size', () => {
  for (const t of Object.values(BUILTIN_TARGETS).filter((x) => x !== dianaAnalog)) {
    it(`${t.name}: latency, energy, flash and RAM have positive gradients`, () => {
      for (const s of SPECS) {
        for (const [name, cm] of Object.entries(targetCosts(t))) {
          const cin = T.scalar(s.cin, { requiresGrad: true });
          const cout = T.scalar(s.cout, { requiresGrad: true });
          const k = T.scalar(fullSizes(s).k.item(), { requiresGrad: true });
          T.backward(cm.fn(s, { cin: s.depthwise ? cout : cin, cout, k }));
          expect(cout.grad?.item() ?? 0, `${t.name} ${name} ${s.name} cout`).toBeGreaterThan(0);
          if (s.kind !== 'linear' && name !== 'ram') expect(k.grad?.item() ?? 0, `${t.name} ${name} ${s.name} k`).toBeGreaterThan(0);
          if (!s.depthwise) expect(cin.grad?.item() ?? 0, `${t.name} ${name} ${s.name} cin`).toBeGreaterThan(0);
        }
      }
    });
  }

  it('the straight-through gradient is the gradient of the relaxed cost (gradcheck at aligned sizes)', () => {
    // At sizes where every ⌈x/n⌉ is exact, the STE gradient equals the relaxed function's derivative,
    // which a float64 finite-difference check validates.
    for (const t of [gap8, stm32h7, mpic, dianaDigital]) {
      for (const s of [conv16, { ...fc, cout: 16 }, { ...conv1, cin: 16, cout: 32, kernel: [8], outShape: [48] }]) {
        const f = (cin: T.Tensor, cout: T.Tensor, k: T.Tensor) => withRelaxedRounding(() => t.cycles(s, { cin, cout, k }));
        const x = [T.scalar(s.cin, { dtype: 'float64' }), T.scalar(s.cout, { dtype: 'float64' }), T.scalar(fullSizes(s).k.item(), { dtype: 'float64' })];
        expect(T.gradcheck(f, x, { eps: 1e-4, rtol: 1e-6, atol: 1e-6 }).ok, `${t.name} ${s.name}`).toBe(true);
        const leaves = x.map((v) => T.scalar(v.item(), { dtype: 'float64', requiresGrad: true }));
        const leavesRelaxed = x.map((v) => T.scalar(v.item(), { dtype: 'float64', requiresGrad: true }));
        T.withDefaultDtype('float64', () => {
          T.backward(t.cycles(s, { cin: leaves[0], cout: leaves[1], k: leaves[2] }));
          T.backward(f(leavesRelaxed[0], leavesRelaxed[1], leavesRelaxed[2]));
        });
        leaves.forEach((l, i) => expect(l.grad?.item() ?? 0).toBeCloseTo(leavesRelaxed[i].grad?.item() ?? 0, 6));
      }
    }
  });

  it('MPIC interpolates between table widths with a gradient in the bit-widths', () => {
    const a = T.scalar(6, { dtype: 'float64' });
    const w = T.scalar(3 * 16, { dtype: 'float64' });
    const f = (ab: T.Tensor, wb: T.Tensor) => mpic.cycles(conv16, { ...fullSizes(conv16), inBits: ab, wBitsSum: wb });
    expect(T.gradcheck(f, [a, w], { eps: 1e-5, rtol: 1e-5 }).ok).toBe(true);
    const mid = f(T.scalar(6), T.scalar(3 * 16)).item();
    expect(mid).toBeGreaterThan(f(T.scalar(4), T.scalar(2 * 16)).item());
    expect(mid).toBeLessThan(f(T.scalar(8), T.scalar(4 * 16)).item());
  });
});

describe('latency counts every call; RAM is a peak, flash counts each layer once', () => {
  it('per call vs shared vs max', () => {
    const c = targetCosts(gap8);
    const calls = [
      { spec: conv16, eff: fullSizes(conv16), firstCall: true },
      { spec: conv16, eff: fullSizes(conv16), firstCall: false },
      { spec: fc, eff: fullSizes(fc), firstCall: true },
    ];
    expect(totalCost(c.cycles, calls).item()).toBe(2 * 151_296 + Math.ceil(140 / 2) * Math.ceil(10 / 4));
    const flashConv = c.flash.fn(conv16, fullSizes(conv16)).item();
    expect(totalCost(c.flash, calls).item()).toBe(flashConv + c.flash.fn(fc, fullSizes(fc)).item());
    expect(totalCost(c.ram, calls).item()).toBe(Math.max(c.ram.fn(conv16, fullSizes(conv16)).item(), c.ram.fn(fc, fullSizes(fc)).item()));
  });

  it('a max-reduced cost sends its gradient to the layer at the peak', () => {
    const small = T.scalar(4, { requiresGrad: true });
    const big = T.scalar(16, { requiresGrad: true });
    const c = targetCosts(gap8).ram;
    const a = { spec: conv16, eff: { cin: T.scalar(16), cout: big, k: T.scalar(9) }, firstCall: true };
    const b = { spec: fc, eff: { cin: T.scalar(140), cout: small, k: T.scalar(1) }, firstCall: true };
    T.backward(totalCost(c, [a, b]));
    expect(big.grad?.item()).toBeGreaterThan(0);
    expect(small.grad?.item() ?? 0).toBe(0);
  });
});
