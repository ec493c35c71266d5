import { describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import { mps, fixedPrecision, type MpsModel } from '../../../src/quant/mps/index.js';
import { foldBatchNorms } from '../../../src/quant/mps/fold.js';
import type { QuantPlan } from '../../../src/quant/plan.js';
import { buildSeed } from '../../../src/models/seeds.js';
import { randomPrunedPlan, randomizeBatchNorms } from '../helpers.js';

const { Sequential, Conv1d, Linear, ReLU, Flatten, BatchNorm1d, Module } = T;
type Tensor = T.Tensor;
const rand = (shape: number[], seed: number) => T.randn(shape, { rng: new T.Rng(seed) } as never);


/** Record the input each searched layer call receives. */
function recordInputs(t: MpsModel): Map<string, Tensor[]> {
  const seen = new Map<string, Tensor[]>();
  for (const r of t.layers) {
    if (!r.firstCall) continue;
    const l = r.layer;
    const fwd = l.forward.bind(l);
    l.forward = (x: Tensor) => {
      seen.set(r.path, [...(seen.get(r.path) ?? []), x]);
      return fwd(x);
    };
  }
  return seen;
}

/** Input channels (axis 1; `repeat` consecutive features each after a flatten) that are zero on every sample. */
function zeroChannels(x: Tensor, repeat = 1): number {
  const v = x.values();
  const n = x.shape[0];
  const row = x.size / n;
  const len = repeat * (x.ndim === 2 ? 1 : row / x.shape[1]);
  let zero = 0;
  for (let u = 0; u < row / len; u++) {
    let all = true;
    for (let b = 0; b < n && all; b++) for (let j = 0; j < len && all; j++) all = v[b * row + u * len + j] === 0;
    if (all) zero++;
  }
  return zero;
}

describe('mps: a 0-bit channel outputs exactly zero', () => {
  it('hard sampling of 0 bits zeroes the channel\'s weight and bias in training; the bias gradient reaches the 0-bit logit', () => {
    const conv = new Conv1d(2, 4, 3, { padding: 'same', rng: new T.Rng(1) });
    const m = new Sequential(conv, new ReLU(), new Flatten(), new Linear(32, 3, { rng: new T.Rng(2) }));
    (conv.bias as Tensor).data.set([0.5, -0.3, 0.7, 0.2]);
    const x = rand([3, 2, 8], 3);
    const t = mps(m, { inputShape: [2, 8], weightPrecisions: [0, 2, 4, 8], sampling: 'hard', calibration: x });
    const layer = t.layers[0].layer;
    const logits = layer.wq.selector.logits;
    logits.data[0 * 4 + 1] = 5; // channel 1 → 0 bits
    m.train();
    const y = layer.call(T.relu(x));
    const v = y.values();
    for (let b = 0; b < 3; b++) for (let j = 0; j < 8; j++) {
      expect(v[(b * 4 + 1) * 8 + j]).toBe(0);
      expect(v[(b * 4 + 0) * 8 + j]).not.toBe(0);
    }
    T.backward(T.sum(y));
    // Straight-through: the softmax gradient of 1 − θ_0 through the bias reaches the 0-bit logit of channel 1.
    expect((logits.grad as Tensor).values()[0 * 4 + 1]).not.toBe(0);
  });

  it('softmax sampling scales the bias by 1 − θ_0 (the same θ as the weight)', () => {
    const conv = new Conv1d(1, 2, 1, { rng: new T.Rng(1) });
    const m = new Sequential(conv, new ReLU(), new Flatten(), new Linear(2, 2, { rng: new T.Rng(2) }));
    conv.weight.data.fill(0);
    (conv.bias as Tensor).data.set([1, 1]);
    const t = mps(m, { inputShape: [1, 1], weightPrecisions: [0, 8], sampling: 'softmax' });
    m.train();
    const y = t.layers[0].layer.call(T.zeros([1, 1, 1])).values();
    const theta = t.layers[0].layer.wq.selector.soft().values(); // [2, 2]: row 0 = θ_0
    expect(y[0]).toBeCloseTo(1 - theta[0], 6);
    expect(y[1]).toBe(1); // the keep-alive channel never takes 0 bits
  });
});

describe('mps: which input channels are exactly zero (the consumer drops them)', () => {
  class AddNet extends Module {
    a = this.registerModule('a', new Conv1d(2, 4, 3, { padding: 'same', rng: new T.Rng(1) }));
    b = this.registerModule('b', new Conv1d(2, 4, 3, { padding: 'same', rng: new T.Rng(2) }));
    dw = this.registerModule('dw', new Conv1d(4, 4, 3, { padding: 'same', groups: 4, rng: new T.Rng(5) }));
    c = this.registerModule('c', new Conv1d(4, 4, 3, { padding: 'same', rng: new T.Rng(3) }));
    flat = this.registerModule('flat', new Flatten());
    fc = this.registerModule('fc', new Linear(32, 2, { rng: new T.Rng(4) }));
    forward(x: Tensor): Tensor {
      const s = T.relu(T.add(this.a.call(x), this.b.call(x)));
      return this.fc.call(this.flat.call(T.relu(this.c.call(T.relu(this.dw.call(s))))));
    }
  }
  const cinOf = (t: MpsModel, path: string): number => {
    const i = t.layers.findIndex((r) => r.path === path);
    return T.noGrad(() => t.layerCalls(true)[i].eff.cin.item());
  };

  it('a residual add is zero only where both branches are pruned; a depthwise conv is the writer of its outputs', () => {
    const plan: QuantPlan = {
      inputBits: 8,
      layers: {
        a: { wBits: [0, 0, 8, 8], aBits: 8 }, b: { wBits: [0, 8, 0, 8], aBits: 8 },
        dw: { wBits: [8, 8, 8, 0], aBits: 8 }, c: { wBits: [0, 8, 8, 8], aBits: 8 }, fc: { wBits: [8, 8], aBits: 8 },
      },
    };
    const net = new AddNet();
    for (const l of [net.a, net.b, net.dw, net.c]) (l.bias as Tensor).data.fill(50); // no kept channel zero by accident
    const t = fixedPrecision(net, plan, { inputShape: [2, 8] });
    const by = Object.fromEntries(t.layers.map((r) => [r.path, r]));
    expect(by.dw.inProducers).toEqual([]); // a depthwise conv reads its own channel: its cost counts its own kept channels
    expect(by.c.inProducers).toEqual([by.dw.layer]);
    // dw: own kept channels (channel 0's input is zero, but its bias keeps it alive); c: dw's channel 3 is zero.
    expect(cinOf(t, 'dw')).toBe(3);
    expect(cinOf(t, 'c')).toBe(3);
    expect(cinOf(t, 'fc')).toBe(3 * 8);
    // Measured: the inputs each layer sees.
    const seen = recordInputs(t);
    t.model.eval();
    T.noGrad(() => t.model.call(rand([4, 2, 8], 9)));
    expect(zeroChannels((seen.get('c') as Tensor[])[0])).toBe(1);
    expect(zeroChannels((seen.get('fc') as Tensor[])[0])).toBe(8);
  });

  it('an unfolded BatchNorm (f(0) ≠ 0) between writer and reader: no channel is known zero', () => {
    const m = new Sequential(new Conv1d(2, 4, 3, { padding: 'same', rng: new T.Rng(1) }), new BatchNorm1d(4), new ReLU(), new Flatten(), new Linear(32, 3, { rng: new T.Rng(2) }));
    const t = mps(m, { inputShape: [2, 8], weightPrecisions: [0, 2, 4, 8] });
    expect(t.layers[1].inProducers).toEqual([]);
    expect(cinOf(t, '4')).toBe(32);
  });

  for (const [name, shape] of [['tcn-ecg', [1, 96]], ['mini-resnet', [3, 16, 16]], ['ds-cnn', [1, 49, 10]], ['temponet', [4, 64]]] as const) {
    it(`${name}, BatchNorm folded, random plans with pruned channels: the expected live inputs are the measured non-zero inputs`, () => {
      for (const seed of [1, 2, 3]) {
        const rng = new T.Rng(seed);
        const model = buildSeed(name, { inputShape: shape, outputs: 3, rng });
        randomizeBatchNorms(model, rng);
        model.eval();
        foldBatchNorms(model, shape);
        // Large biases so no kept channel is zero by accident (a dead ReLU, a code floored to 0); pruned ones are zero by construction.
        for (const [, mod] of model.namedModules()) if ((mod instanceof Conv1d || mod instanceof T.Conv2d || mod instanceof Linear) && mod.bias !== null) (mod.bias as Tensor).data.fill(50);
        const probe = mps(buildSeed(name, { inputShape: shape, outputs: 3, rng: new T.Rng(0) }), { inputShape: shape, weightPrecisions: [0, 2, 4, 8] });
        const t = fixedPrecision(model, randomPrunedPlan(probe.planLayers(), rng), { inputShape: shape });
        const seen = recordInputs(t);
        t.model.eval();
        T.noGrad(() => t.model.call(rand([2, ...shape], seed)));
        const calls = T.noGrad(() => t.layerCalls(true));
        let pruned = 0;
        t.layers.forEach((r, i) => {
          if (!r.firstCall || r.spec.depthwise) return;
          const x = (seen.get(r.path) as Tensor[])[0];
          const live = (x.ndim === 2 ? x.shape[1] / r.inRepeat : x.shape[1]) - zeroChannels(x, r.inRepeat);
          expect(calls[i].eff.cin.item(), `${name} seed ${seed} '${r.path}'`).toBe(live * r.inRepeat);
          pruned += r.spec.cin - live * r.inRepeat;
        });
        expect(pruned).toBeGreaterThan(0);
      }
    });
  }
});
