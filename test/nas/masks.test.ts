/** PIT maskers: initialisation, keep-alive, cumulative receptive-field and dilation masks, STE gradients. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { ChannelMasker, TimeMasker, ConcatMask, ConstantMask, heavisideSte, v2, dilationGates, PitConv1d } from '../../src/nas/index.js';

const set = (t: T.Tensor, v: number[]) => v.forEach((x, i) => (t.data[i] = x));
const vals = (t: T.Tensor | null) => (t === null ? null : Array.from(t.values()));

describe('heaviside STE', () => {
  it('binarises at 0.5 and passes the gradient unchanged', () => {
    const th = T.tensor([0.2, 0.5, 0.51, 3], { requiresGrad: true });
    const h = heavisideSte(th);
    expect(vals(h)).toEqual([0, 0, 1, 1]);
    T.backward(T.sum(T.mul(h, T.tensor([1, 2, 3, 4]))));
    expect(vals(th.grad)).toEqual([1, 2, 3, 4]);
  });
});

describe('ChannelMasker', () => {
  it('starts at 1 with every channel alive', () => {
    const m = new ChannelMasker(5);
    expect(vals(m.alpha)).toEqual([1, 1, 1, 1, 1]);
    expect(m.alive()).toEqual([true, true, true, true, true]);
    expect(T.noGrad(() => m.effective(true).item())).toBe(5);
    expect(T.noGrad(() => m.effective(false).item())).toBe(5);
  });

  it('θ = |α| with the last channel kept alive at 1', () => {
    const m = new ChannelMasker(4);
    set(m.alpha, [-0.7, 0.2, 0.6, 0.0]);
    expect(vals(T.noGrad(() => m.theta()))?.map((v) => +v.toFixed(6))).toEqual([0.7, 0.2, 0.6, 1]);
    expect(m.alive()).toEqual([true, false, true, true]);
    expect(T.noGrad(() => m.effective(true).item())).toBe(3);
    expect(T.noGrad(() => m.effective(false).item())).toBeCloseTo(2.5, 6);
  });

  it('STE: d Σ H(θα) / dα = sign(α), 0 for the keep-alive channel', () => {
    const m = new ChannelMasker(4);
    set(m.alpha, [-0.7, 0.2, 0.6, 0.3]);
    T.backward(m.effective(true));
    expect(vals(m.alpha.grad)).toEqual([-1, 1, 1, 0]);
  });

  it('frozen: no mask, constant size', () => {
    const m = new ChannelMasker(3);
    m.frozen = true;
    set(m.alpha, [0, 0, 0]);
    expect(m.hard()).toBeNull();
    expect(m.alive()).toEqual([true, true, true]);
    expect(m.effective(true).requiresGrad).toBe(false);
  });

  it('concat and constant sources', () => {
    const a = new ChannelMasker(3);
    set(a.alpha, [0.1, 1, 1]);
    const c = new ConcatMask([a, new ConstantMask(2)]);
    expect(c.size).toBe(5);
    expect(c.alive()).toEqual([false, true, true, true, true]);
    expect(vals(T.noGrad(() => c.hard()))).toEqual([0, 1, 1, 1, 1]);
    expect(T.noGrad(() => c.effective(true).item())).toBe(4);
  });
});

describe('TimeMasker', () => {
  it('v2 and the number of dilation gates', () => {
    expect([0, 1, 2, 4, 6, 8, 12].map(v2)).toEqual([Infinity, 0, 1, 2, 1, 3, 2]);
    expect([2, 3, 5, 9, 17, 4, 7].map(dilationGates)).toEqual([1, 2, 3, 4, 5, 2, 3]);
  });

  it('starts with every tap alive (θ normalised to 1)', () => {
    const t = new TimeMasker(9);
    expect(vals(t.beta)).toEqual(new Array(9).fill(1));
    expect(vals(t.gamma)).toEqual([1, 1, 1, 1]);
    expect(t.keptTaps()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(T.noGrad(() => t.effective(true).item())).toBe(9);
    expect(T.noGrad(() => t.effective(false).item())).toBeCloseTo(9, 5);
  });

  it('receptive field: cumulative θβ keeps a contiguous run of the most recent taps (K = 9)', () => {
    const t = new TimeMasker(9, { dilation: false });
    set(t.beta as T.Tensor, [0, 0, 0, 0, 0.2, 0.2, 0.2, 0.05, 0]);
    expect(vals(T.noGrad(() => t.thetaBeta()))?.map((v) => +v.toFixed(5))).toEqual([0, 0, 0, 0, 0.2, 0.4, 0.6, 0.65, 1.65]);
    expect(t.keptTaps()).toEqual([6, 7, 8]);
    // Keep-alive: the most recent tap survives whatever β is.
    set(t.beta as T.Tensor, new Array(9).fill(0));
    expect(t.keptTaps()).toEqual([8]);
  });

  it('dilation: the kept taps are those with v2(K−1−j) ≥ D, anchored at the most recent tap (K = 9)', () => {
    const t = new TimeMasker(9, { receptiveField: false });
    const cases: [number[], number[]][] = [
      [[1, 1, 1, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8]],
      [[0.2, 1, 1, 1], [0, 2, 4, 6, 8]],
      [[0.1, 0.1, 1, 1], [0, 4, 8]],
      [[0.1, 0.1, 0.1, 0], [0, 8]],
      [[0.1, 0.3, 0.05, 0], [0, 8]],
      [[0.1, 0.3, 0.2, 0], [0, 4, 8]],
    ];
    for (const [g, taps] of cases) {
      set(t.gamma as T.Tensor, g);
      expect(t.keptTaps()).toEqual(taps);
    }
  });

  it('receptive field and dilation together; K = 5 and K = 3', () => {
    const t = new TimeMasker(9);
    set(t.beta as T.Tensor, [0, 0, 0, 0, 0.2, 0.2, 0.2, 0.05, 1]);
    set(t.gamma as T.Tensor, [0.1, 1, 1, 1]);
    expect(t.keptTaps()).toEqual([6, 8]);
    expect(T.noGrad(() => t.effective(true).item())).toBe(2);
    const t5 = new TimeMasker(5);
    set(t5.gamma as T.Tensor, [0.1, 0.1, 1]);
    expect(t5.keptTaps()).toEqual([0, 4]);
    const t3 = new TimeMasker(3);
    set(t3.beta as T.Tensor, [0.2, 0.6, 0.7]);
    expect(t3.keptTaps()).toEqual([1, 2]);
  });

  it('continuous k_eff normalises each cumulative θ by its number of terms', () => {
    const t = new TimeMasker(3);
    set(t.beta as T.Tensor, [0.5, 1, 1]);
    set(t.gamma as T.Tensor, [0.5, 1]);
    // θβ = [0.5, 1.5, 2.5] / [1, 2, 3]; θγ (j' = 2, 1, 0) = [1.5, 0.5, 1.5] / [2, 1, 2]
    const expected = 0.5 * 0.75 + 0.75 * 0.5 + (2.5 / 3) * 0.75;
    expect(T.noGrad(() => t.effective(false).item())).toBeCloseTo(expected, 5);
  });

  it('STE: gradients of k_eff reach β and γ (identity through H), not the keep-alive entries', () => {
    const t = new TimeMasker(3);
    T.backward(t.effective(true));
    // d k_eff / dβ_i = Σ_{j ≥ i} H(θγ_j)·sign(β_i); β_2 kept alive. d/dγ_0 = Σ_j H(θβ_j) over taps using γ_0 (all).
    expect(vals(t.beta?.grad ?? null)).toEqual([3, 2, 0]);
    expect(vals(t.gamma?.grad ?? null)).toEqual([3, 0]);
  });

  it('a PitConv1d multiplies its weight taps by the time mask and its outputs by the channel mask', () => {
    const conv = new T.Conv1d(2, 3, 3, { padding: 'causal', rng: new T.Rng(1) });
    const p = new PitConv1d(conv);
    set((p.timeMask as TimeMasker).beta as T.Tensor, [0.1, 1, 1]);
    set((p.outMask as ChannelMasker).alpha, [1, 0.1, 1]);
    const x = T.randn([1, 2, 6], { rng: new T.Rng(2) });
    const y = T.noGrad(() => p.call(x));
    for (let t = 0; t < 6; t++) expect(y.get(0, 1, t)).toBe(0);
    const w = conv.weight.toTypedArray();
    for (let o = 0; o < 3; o++) for (let i = 0; i < 2; i++) w[(o * 2 + i) * 3] = 0;
    const ref = T.noGrad(() => T.conv1d(x, T.tensor(w, [3, 2, 3]), conv.bias, { padding: 'causal' }));
    expect(y.get(0, 0, 4)).toBeCloseTo(ref.get(0, 0, 4), 6);
    expect(y.get(0, 2, 5)).toBeCloseTo(ref.get(0, 2, 5), 6);
  });
});
