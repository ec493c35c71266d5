import { describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import {
  mps, fixedPrecision, softTheta, mixWeight, mixActivation, initialLogits, PrecisionSelector, MpsLayer, sizeBytesCost, bitopsCost,
  compareChannelToLayer, mpsFronts,
} from '../../../src/quant/mps/index.js';
import { validatePlan } from '../../../src/quant/plan.js';
import { totalCost } from '../../../src/hw/index.js';
import { buildSeed } from '../../../src/models/seeds.js';
import { mpic, targetCosts } from '../../../src/hw/targets/index.js';

const { Sequential, Conv1d, Linear, ReLU, Flatten, BatchNorm1d, Module } = T;
type Tensor = T.Tensor;

const f64 = (v: number[], shape: number[], grad = false) => {
  const t = T.tensor(Float64Array.from(v), shape);
  t.requiresGrad = grad;
  return t;
};
const rand = (shape: number[], seed: number) => T.randn(shape, { rng: new T.Rng(seed) } as never);

/** Conv1d(2→4, k3, same) + ReLU + Flatten + Linear(32→3) on inputs [2, 8]. */
function tiny(seed = 1): T.Module {
  const rng = new T.Rng(seed);
  return new Sequential(new Conv1d(2, 4, 3, { padding: 'same', rng }), new ReLU(), new Flatten(), new Linear(32, 3, { rng }));
}

const E248 = (() => {
  const e = [2, 4, 8].map((p) => Math.exp(p / 8));
  const z = e.reduce((a, b) => a + b, 0);
  return { theta: e.map((v) => v / z), bits: e.reduce((s, v, i) => s + (v / z) * [2, 4, 8][i], 0) };
})();

describe('mps: initial precision distribution', () => {
  it('for {2,4,8} the logits p/max(p) give θ = 0.2272 / 0.2918 / 0.4810 and 5.4697 expected bits', () => {
    expect(initialLogits([2, 4, 8])).toEqual([0.25, 0.5, 1]);
    const theta = softTheta(T.tensor(initialLogits([2, 4, 8])), 1).toFlatArray();
    expect(theta[0]).toBeCloseTo(0.2272, 4);
    expect(theta[1]).toBeCloseTo(0.2918, 4);
    expect(theta[2]).toBeCloseTo(0.481, 4);
    const sel = new PrecisionSelector([2, 4, 8], 5, { temperature: 1, mode: 'softmax', rng: new T.Rng(0) });
    const bits = sel.expectedBits(sel.costTheta(false)).toFlatArray();
    expect(bits).toHaveLength(5);
    for (const b of bits) expect(b).toBeCloseTo(5.4697, 4);
  });

  it('anneals the temperature by e^(−0.045) per epoch and sharpens θ', () => {
    const m = tiny();
    const t = mps(m, { inputShape: [2, 8], t0: 5 });
    const sel = t.layers[0].layer.wq.selector;
    const before = sel.soft().toFlatArray()[8]; // θ of 8 bits, channel 0 (logits [3, 4])
    for (let e = 0; e < 3; e++) t.anneal();
    expect(t.temperature).toBeCloseTo(5 * Math.exp(-0.135), 12);
    expect(sel.soft().toFlatArray()[8]).toBeGreaterThan(before);
  });
});

describe('mps: exact expected costs', () => {
  it('per channel {2,4,8}: weight bytes and BitOps at initialisation (hand-computed)', () => {
    const t = mps(tiny(), { inputShape: [2, 8] });
    const e = E248.bits;
    const c = T.noGrad(() => t.costs({ discrete: false }));
    // conv: 2·3 weights per channel × 4 channels; linear: 32 per channel × 3 channels.
    expect(c.size.item()).toBeCloseTo(((2 * 3 * 4 + 32 * 3) * e) / 8, 3);
    // conv: 8 positions · 6 · 4·E[b_w] · 8 input bits; linear: 32 · 3·E[b_w] · E[b_a].
    expect(c.bitops.item() / (8 * 6 * 4 * e * 8 + 32 * 3 * e * e)).toBeCloseTo(1, 5);
  });

  it('with 0 in P: pruning counted once, the consumer loses the pruned inputs (Cin_eff), the keep-alive channel never takes 0', () => {
    const t = mps(tiny(), { inputShape: [2, 8], weightPrecisions: [0, 2, 4, 8] });
    expect(t.layers[1].layer.wq.precisions).toEqual([2, 4, 8]); // the classifier never takes 0 bits
    const conv = softTheta(T.tensor(initialLogits([0, 2, 4, 8])), 1).toFlatArray();
    const eConv = conv.reduce((s, v, i) => s + v * [0, 2, 4, 8][i], 0);
    const alive = 1 - conv[0];
    const e = E248.bits;
    const c = T.noGrad(() => t.costs({ discrete: false }));
    // Channels 0–2 choose among {0,2,4,8}; channel 3 (keep-alive) among {2,4,8}.
    const wSum = 3 * eConv + e;
    const cinEff = 3 * alive + 1;
    expect(c.size.item()).toBeCloseTo((2 * 3 * wSum + cinEff * 8 * 3 * e) / 8, 3);
    // The reference library's extra ×Cout_eff/Cout would shrink the conv term a second time.
    expect(c.size.item()).not.toBeCloseTo((2 * 3 * wSum * (cinEff / 4) + cinEff * 8 * 3 * e) / 8, 1);
  });

  it('per layer: BitOps = MACs·E[b_a]·E[b_w], through any CostModel', () => {
    const t = mps(tiny(), { inputShape: [2, 8], perChannel: false });
    const e = E248.bits;
    const calls = T.noGrad(() => t.layerCalls(false));
    const macsNoBias = [8 * 6 * 4, 32 * 3];
    const inBits = [8, e];
    calls.forEach((c, i) => expect(bitopsCost.fn(c.spec, c.eff).item() / (macsNoBias[i] * inBits[i] * e)).toBeCloseTo(1, 5));
    // A plain CostModel plugs in and sees the same sizes (here: params from basic.ts).
    t.addCost({ name: 'wbits', perCall: false, fn: (s, eff) => T.mul(sizeBytesCost.fn(s, eff), 8) });
    expect(T.noGrad(() => t.cost('wbits', { discrete: false })).item()).toBeCloseTo((24 + 96) * e, 3);
    expect(T.noGrad(() => totalCost(sizeBytesCost, calls)).item()).toBeCloseTo(((24 + 96) * e) / 8, 3);
  });

  it('a hardware target\'s precision-aware costs plug in and are differentiable in the logits (MPIC)', () => {
    const t = mps(tiny(), { inputShape: [2, 8], costs: targetCosts(mpic) });
    const cyc = t.cost('cycles', { discrete: false });
    T.backward(cyc);
    for (const p of t.maskParameters()) expect(Array.from((p.grad as Tensor).values()).some((g) => g !== 0)).toBe(true);
    // At the argmax (w8 everywhere, a8 input): conv MACs / 2.1 MAC per cycle (MPIC a8/w8) + the linear's.
    const disc = T.noGrad(() => t.cost('cycles', { discrete: true })).item();
    expect(disc).toBeGreaterThan(0);
    expect(T.noGrad(() => t.cost('cycles', { discrete: false })).item()).toBeLessThan(disc);
  });

  it('discrete costs are the argmax assignment', () => {
    const t = mps(tiny(), { inputShape: [2, 8] });
    const c = T.noGrad(() => t.costs({ discrete: true }));
    expect(c.size.item()).toBeCloseTo(((24 + 96) * 8) / 8, 6);
  });
});

describe('mps: gradients', () => {
  it('flow to the weight logits (per channel, float64 gradcheck)', () => {
    const w = rand([3, 2, 2], 4);
    const wd = T.tensor(Float64Array.from(w.values()), [3, 2, 2]);
    const r = T.tensor(Float64Array.from(rand([3, 2, 2], 5).values()), [3, 2, 2]);
    const res = T.gradcheck((l: Tensor) => T.sum(T.mul(mixWeight(wd, softTheta(l, 0.7), [0, 2, 4, 8], true), r)), [f64([0, 0, 0, 0.25, 0.25, 0.25, 0.5, 0.4, 0.6, 1, 1.2, 0.9], [4, 3], true)]);
    expect(res.ok).toBe(true);
  });

  it('flow to the activation logits (per layer, float64 gradcheck)', () => {
    const x = T.tensor(Float64Array.from(rand([2, 3, 5], 6).values()), [2, 3, 5]);
    const r = T.tensor(Float64Array.from(rand([2, 3, 5], 7).values()), [2, 3, 5]);
    const clip = f64([1.5], [1]);
    const res = T.gradcheck((l: Tensor) => T.sum(T.mul(mixActivation(x, clip, softTheta(l, 1), [2, 4, 8], false), r)), [f64([0.25, 0.5, 1], [3], true)]);
    expect(res.ok).toBe(true);
  });

  it('flow to the logits through the expected cost (float64 gradcheck)', () => {
    const sel = new PrecisionSelector([0, 2, 4, 8], 3, { temperature: 1, mode: 'softmax', rng: new T.Rng(0) });
    const res = T.gradcheck((l: Tensor) => T.sum(sel.expectedBits(softTheta(l, 1))), [f64([0, 0, 0, 0.25, 0.25, 0.25, 0.5, 0.5, 0.5, 1, 1, 1], [4, 3], true)]);
    expect(res.ok).toBe(true);
  });

  it('reach every searched logit from the task loss in a model, in every sampling mode; hard mode uses the softmax gradient', () => {
    const grads: Record<string, number[]> = {};
    for (const mode of ['softmax', 'gumbel', 'hard'] as const) {
      const m = tiny();
      const x = rand([4, 2, 8], 2);
      const t = mps(m, { inputShape: [2, 8], sampling: mode, calibration: x });
      m.train();
      T.backward(T.sum(T.square(m.call(x))));
      const ps = t.maskParameters();
      expect(ps.length).toBe(3); // conv weights, linear weights, the shared activation between them
      for (const p of ps) expect(p.grad).not.toBeNull();
      grads[mode] = ps.flatMap((p) => Array.from((p.grad as Tensor).values()));
      expect(grads[mode].some((g) => g !== 0)).toBe(true);
    }
    expect(grads.hard).not.toEqual(grads.softmax);
  });
});

describe('mps: evaluation and export', () => {
  it('eval uses the argmax: outputs equal the fixed-precision model of the exported plan', () => {
    const m = tiny(3);
    const x = rand([5, 2, 8], 8);
    const t = mps(m, { inputShape: [2, 8], weightPrecisions: [0, 2, 4, 8], calibration: x });
    // Push some choices: conv channel 0 → 0 bits, channel 1 → 2 bits; the activation → 4 bits.
    const wl = t.layers[0].layer.wq.selector.logits;
    wl.data[0 * 4 + 0] = 5;
    wl.data[1 * 4 + 1] = 5;
    const al = (t.layers[1].inQuant as NonNullable<typeof t.layers[1]['inQuant']>).selector.logits;
    al.data[1] = 5;
    const plan = t.plan();
    expect(plan.layers['0'].wBits).toEqual([0, 2, 8, 8]);
    expect(plan.layers['0'].aBits).toBe(4);
    validatePlan(plan, t.planLayers());
    m.eval();
    const y = T.noGrad(() => m.call(x)).toFlatArray();
    const f = t.exportFloat();
    const fixed = fixedPrecision(f, plan, { inputShape: [2, 8] });
    for (const q of fixed.quantizers) q.clip.data[0] = t.quantizers[fixed.quantizers.indexOf(q)].clip.item();
    f.eval();
    const y2 = T.noGrad(() => f.call(x)).toFlatArray();
    y.forEach((v, i) => expect(y2[i]).toBeCloseTo(v, 5));
    expect(fixed.maskParameters()).toHaveLength(0);
    // The plan's exact costs: conv 6·(0+2+8+8) bits, linear reads 3 live channels of 4.
    const c = T.noGrad(() => fixed.costs({ discrete: true }));
    expect(c.size.item()).toBeCloseTo((6 * 18 + 3 * 8 * 3 * 8) / 8, 6);
  });

  it('branches meeting in an add share one activation quantiser; a layer reads its predecessor\'s', () => {
    class AddNet extends Module {
      a = this.registerModule('a', new Conv1d(2, 4, 3, { padding: 'same', rng: new T.Rng(1) }));
      b = this.registerModule('b', new Conv1d(2, 4, 3, { padding: 'same', rng: new T.Rng(2) }));
      act = this.registerModule('act', new ReLU());
      c = this.registerModule('c', new Conv1d(4, 4, 3, { padding: 'same', rng: new T.Rng(3) }));
      bn = this.registerModule('bn', new BatchNorm1d(4));
      flat = this.registerModule('flat', new Flatten());
      fc = this.registerModule('fc', new Linear(32, 2, { rng: new T.Rng(4) }));
      forward(x: Tensor): Tensor {
        return this.fc.call(this.flat.call(T.relu(this.bn.call(this.c.call(this.act.call(T.add(this.a.call(x), this.b.call(x))))))));
      }
    }
    const t = mps(new AddNet(), { inputShape: [2, 8], weightPrecisions: [0, 2, 4, 8] });
    const by = Object.fromEntries(t.layers.map((r) => [r.path, r]));
    expect(by.a.outQuant).toBe(by.b.outQuant);
    expect(by.c.inQuant).toBe(by.a.outQuant);
    expect(by.fc.inQuant).toBe(by.c.outQuant);
    expect(by.a.inQuant).toBe(t.inputQuant);
    expect(t.inputQuant.signed).toBe(true);
    expect(by.c.inQuant?.signed).toBe(false);
    expect(by.fc.outQuant).toBeNull();
    expect(by.c.inProducers.map((l) => l.layer.describe()).sort()).toEqual(['Conv1d(2→4, k=3, pad="same")', 'Conv1d(2→4, k=3, pad="same")']);
    expect(t.plan().layers.a.aBits).toBe(t.plan().layers.b.aBits);
    expect(t.model.namedModules().filter(([, m]) => m instanceof MpsLayer)).toHaveLength(4);
  });

  it('converts the seed networks (residual, depthwise, TCN) and their plans validate', () => {
    for (const [name, shape] of [['tcn-ecg', [1, 96]], ['mini-resnet', [3, 16, 16]], ['ds-cnn', [1, 49, 10]]] as const) {
      const t = mps(buildSeed(name, { inputShape: shape, outputs: 3, rng: new T.Rng(0) }), { inputShape: shape, weightPrecisions: [0, 2, 4, 8] });
      validatePlan(t.plan(), t.planLayers());
      expect(t.maskParameters().length).toBeGreaterThan(t.layers.length);
    }
  });
});

describe('mps: bad configurations', () => {
  const opts = { inputShape: [2, 8] as const };
  it('rejects unknown precisions, empty sets, 0 per layer, 0 alone, bad sampling or temperature', () => {
    expect(() => mps(tiny(), { ...opts, weightPrecisions: [1, 4] })).toThrow(/unknown weight precision 1/);
    expect(() => mps(tiny(), { ...opts, weightPrecisions: [] })).toThrow(/empty/);
    expect(() => mps(tiny(), { ...opts, activationPrecisions: [0, 8] })).toThrow(/unknown activation precision 0/);
    expect(() => mps(tiny(), { ...opts, weightPrecisions: [0, 4], perChannel: false })).toThrow(/per-channel search only/);
    expect(() => mps(tiny(), { ...opts, weightPrecisions: [0] })).toThrow(/prune every channel/);
    expect(() => mps(tiny(), { ...opts, weightPrecisions: [4, 4] })).toThrow(/duplicate/);
    expect(() => mps(tiny(), { ...opts, sampling: 'argmax' as never })).toThrow(/unknown sampling 'argmax'/);
    expect(() => mps(tiny(), { ...opts, t0: 0 })).toThrow(/t0 must be > 0/);
  });
  it('a fixed plan that prunes the classifier is rejected', () => {
    const t = mps(tiny(), opts);
    const plan = t.plan();
    plan.layers['3'].wBits[0] = 0;
    expect(() => fixedPrecision(tiny(), plan, opts)).toThrow(/network output/);
  });
});

describe('mps: fronts and the per-channel vs per-layer comparison', () => {
  const pts = [
    { kind: 'uniform', testMetric: 0.9, sizeBytes: 1000, bitops: 10 },
    { kind: 'mps-layer', testMetric: 0.88, sizeBytes: 600, bitops: 6 },
    { kind: 'mps-channel', testMetric: 0.877, sizeBytes: 300, bitops: 7 },
    { kind: 'mps-channel', testMetric: 0.86, sizeBytes: 200, bitops: 3 },
    { kind: 'mps-channel', testMetric: 0.9, sizeBytes: 700, bitops: 9 },
  ];
  it('takes the smallest per-channel point within 0.5 points of each per-layer or uniform assignment', () => {
    const c = compareChannelToLayer(pts, 'accuracy');
    expect(c.map((r) => [r.layerPoint, r.layerKind, r.channelPoint])).toEqual([[0, 'uniform', 4], [1, 'mps-layer', 2]]);
    expect(c[0].saving).toBeCloseTo(0.3, 12);
    expect(c[1].saving).toBeCloseTo(0.5, 12);
  });
  it('keeps the non-dominated points per cost', () => {
    const f = mpsFronts(pts, 'accuracy');
    expect(f.frontSize).toEqual([1, 2, 3, 4]);
    expect(f.frontBitops).toEqual([1, 3, 4]);
  });
});
