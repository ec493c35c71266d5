/** PIT conversion: reference costs (ToyAdd, seed networks), sharing groups, frozen groups, options, gradients. */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { buildSeed } from '../../src/models/seeds.js';
import { pit, ChannelMasker, TimeMasker, PitConv1d, PitConv2d, PitLinear, MaskedLayer, type PitModel } from '../../src/nas/index.js';
import { ToyAdd, ToyBranches, ToyConcat, ToyUnknown } from './toys.js';

const set = (t: T.Tensor, v: number[]) => v.forEach((x, i) => (t.data[i] = x));
const costOf = (p: PitModel, name: string, discrete = true) => T.noGrad(() => p.cost(name, { discrete }).item());
const seed = (name: string, input: number[], outputs: number) => buildSeed(name, { inputShape: input, outputs, rng: new T.Rng(1) });
const layerNames = (p: PitModel) => [...new Set(p.layers.map((l) => l.path))];
const live = (p: PitModel) => p.groups().filter((g) => !g.frozen);

describe('ToyAdd (reference values)', () => {
  it('converts: conv0 and conv1 share one masker, conv2 has its own, the classifier is frozen', () => {
    const m = new ToyAdd();
    const p = pit(m, { inputShape: [3, 15] });
    expect(m.conv0).toBeInstanceOf(PitConv1d);
    expect(m.fc).toBeInstanceOf(PitLinear);
    expect((m.conv0 as PitConv1d).outMask).toBe((m.conv1 as PitConv1d).outMask);
    expect((m.conv2 as PitConv1d).outMask).toBeInstanceOf(ChannelMasker);
    expect((m.fc as PitLinear).outMask).toBeNull();
    expect(live(p).map((g) => g.roots)).toEqual([['conv0', 'conv1'], ['conv2']]);
    expect(p.groups().filter((g) => g.frozen).map((g) => g.reasons[0])).toEqual(['touches the graph input', 'reaches the graph output']);
  });

  it('params = 1502 and MACs = 10422 at initialisation (discrete and continuous)', () => {
    const p = pit(new ToyAdd(), { inputShape: [3, 15] });
    expect(costOf(p, 'params')).toBe(1502);
    expect(costOf(p, 'macs')).toBe(10422);
    expect(costOf(p, 'params', false)).toBeCloseTo(1502, 2);
    expect(costOf(p, 'macs', false)).toBeCloseTo(10422, 1);
  });

  it("conv1's α (5 alive) and β (2 taps): conv1 = (3·2+1)·5, conv0 = (3·3+1)·5, conv2 = (5·5+1)·20, linear follows", () => {
    const m = new ToyAdd();
    const p = pit(m, { inputShape: [3, 15] });
    const c1 = m.conv1 as PitConv1d;
    set((c1.outMask as ChannelMasker).alpha, [0.7, 0.2, 0.6, 0.4, 0.9, 0.1, 0.3, 0.3, 0.95, 1.0]);
    set((c1.timeMask as TimeMasker).beta as T.Tensor, [0.2, 0.6, 0.7]);
    const rows = new Map(p.summary().map((r) => [r.name, r]));
    expect(rows.get('conv1')?.params).toBe((3 * 2 + 1) * 5);
    expect(rows.get('conv0')?.params).toBe((3 * 3 + 1) * 5);
    expect(rows.get('conv2')?.params).toBe((5 * 5 + 1) * 20);
    expect(rows.get('fc')?.params).toBe(140 * 2 + 2);
    expect(rows.get('conv1')).toMatchObject({ cinAlive: 3, coutAlive: 5, kAlive: 2, k: 3 });
    expect(costOf(p, 'params')).toBe(35 + 50 + 520 + 282);
    expect(costOf(p, 'macs')).toBe(35 * 15 + 50 * 15 + 520 * 7 + 282);
    // Linear after flatten follows the pruned channels of conv2.
    set((m.conv2 as PitConv1d).outMask instanceof ChannelMasker ? ((m.conv2 as PitConv1d).outMask as ChannelMasker).alpha : T.zeros([1]), [...new Array(10).fill(0), ...new Array(10).fill(1)]);
    expect(new Map(p.summary().map((r) => [r.name, r])).get('fc')).toMatchObject({ cinAlive: 70, params: 70 * 2 + 2 });
  });

  it('cost gradients flow to α, β, γ through the STE (bilinear coupling with the next layer)', () => {
    const m = new ToyAdd();
    const p = pit(m, { inputShape: [3, 15] });
    T.backward(p.cost('params'));
    const a01 = ((m.conv0 as PitConv1d).outMask as ChannelMasker).alpha.grad as T.Tensor;
    const a2 = ((m.conv2 as PitConv1d).outMask as ChannelMasker).alpha.grad as T.Tensor;
    // shared α: conv0 (3·3+1) + conv1 (3·3+1) + conv2 (5·20) per channel; keep-alive channel 0.
    expect(Array.from(a01.values())).toEqual([...new Array(9).fill(120), 0]);
    // conv2's α: its own (10·5 + 1) + the linear's 7 features · 2 outputs.
    expect(Array.from(a2.values())).toEqual([...new Array(19).fill(65), 0]);
    const tm = (m.conv0 as PitConv1d).timeMask as TimeMasker;
    expect(Array.from((tm.beta?.grad as T.Tensor).values())).toEqual([90, 60, 0]);
    expect(Array.from((tm.gamma?.grad as T.Tensor).values())).toEqual([90, 0]);
  });

  it('mask and weight parameters are disjoint and cover the model', () => {
    const m = new ToyAdd();
    const p = pit(m, { inputShape: [3, 15] });
    const masks = p.maskParameters();
    const weights = p.weightParameters();
    expect(masks.length).toBe(2 + 3 * 2);
    expect(weights.length).toBe(8);
    expect(new Set([...masks, ...weights]).size).toBe(m.parameters().length);
    const names = new Map(m.namedParameters().map(([n, t]) => [t, n]));
    expect(masks.every((t) => /\.(alpha|beta|gamma)$/.test(names.get(t) as string))).toBe(true);
    // Weights keep their seed names.
    expect(m.namedParameters().map(([n]) => n)).toContain('conv0.weight');
  });
});

describe('search options and exclusions', () => {
  it('channels only / receptive field only', () => {
    const a = pit(new ToyAdd(), { inputShape: [3, 15], search: { receptiveField: false, dilation: false } });
    expect(a.maskParameters().length).toBe(2);
    const b = pit(new ToyAdd(), { inputShape: [3, 15], search: { channels: false, dilation: false } });
    expect(b.maskParameters().length).toBe(3);
    expect(live(b)).toEqual([]);
    expect(costOf(b, 'params')).toBe(1502);
  });

  it('exclude by path or by class freezes the layer and its group', () => {
    const m = new ToyAdd();
    const p = pit(m, { inputShape: [3, 15], exclude: ['conv2'] });
    expect(m.conv2).toBeInstanceOf(T.Conv1d);
    expect(live(p).map((g) => g.roots)).toEqual([['conv0', 'conv1']]);
    expect(costOf(p, 'params')).toBe(1502);
    const q = pit(new ToyAdd(), { inputShape: [3, 15], exclude: [T.Conv1d] });
    expect(live(q)).toEqual([]);
    expect(q.maskParameters()).toEqual([]);
  });

  it('several named costs, pluggable', () => {
    const p = pit(new ToyAdd(), { inputShape: [3, 15], costs: { outputs: { name: 'outputs', perCall: true, fn: (s, e) => T.mul(e.cout, s.outShape.reduce((x, y) => x * y, 1)) } } });
    const c = T.noGrad(() => p.costs());
    expect(Object.keys(c).sort()).toEqual(['macs', 'outputs', 'params']);
    expect(c.outputs.item()).toBe(10 * 15 * 2 + 20 * 7 + 2);
  });
});

describe('sharing groups', () => {
  it('concat: a group with the concatenated mask; BatchNorm and Sigmoid after it re-masked', () => {
    const m = new ToyConcat();
    const p = pit(m, { inputShape: [2, 12] });
    expect(m.bn).toBeInstanceOf(MaskedLayer);
    expect(m.act).toBeInstanceOf(MaskedLayer);
    expect(live(p).map((g) => g.roots)).toEqual([['a.0'], ['b.0'], ['<root>/concat'], ['c']]);
    const a = (m.a as T.Sequential).layers[0] as PitConv1d;
    set((a.outMask as ChannelMasker).alpha, [0, 0, 1, 1, 1, 1]);
    expect(new Map(p.summary().map((r) => [r.name, r])).get('c')).toMatchObject({ cinAlive: 8 });
  });

  it('depthwise conv and residual add propagate; a conv called twice shares its masker and counts MACs per call', () => {
    const m = new ToyBranches();
    const p = pit(m, { inputShape: [3, 8, 8] });
    expect(live(p).map((g) => g.roots)).toEqual([['stem.0', 'pw'], ['shared']]);
    const rows = new Map(p.summary().map((r) => [r.name, r]));
    expect(rows.get('dw.0')).toMatchObject({ params: 8 * 9 + 8, macs: (8 * 9 + 8) * 64 });
    expect(rows.get('shared')).toMatchObject({ params: 8 * 9 * 6 + 6, macs: 2 * (8 * 9 * 6 + 6) * 64 });
    expect(p.layers.filter((l) => l.path === 'shared').length).toBe(2);
  });

  it('an unknown module freezes its neighbourhood and is reported', () => {
    const p = pit(new ToyUnknown(), { inputShape: [2, 8] });
    expect(p.report[0]).toMatch(/module 'odd' of type Swish is not known to PIT/);
    expect(live(p).map((g) => g.roots)).toEqual([['c2'], ['c3']]);
    expect(p.groups().find((g) => g.roots[0] === 'c1')?.reasons[0]).toMatch(/feeds an unknown op/);
  });
});

describe('masked forward', () => {
  it('the task loss reaches α, β and γ in training mode (through BatchNorm and the STE)', () => {
    const m = seed('tcn-ecg', [1, 32], 2);
    const p = pit(m, { inputShape: [1, 32] });
    m.train();
    const y = m.call(T.randn([4, 1, 32], { rng: new T.Rng(2) }));
    T.backward(T.sum(T.mul(y, y)));
    for (const t of p.maskParameters()) {
      const g = Array.from((t.grad as T.Tensor).values());
      expect(g.slice(0, -1).some((v) => v !== 0)).toBe(true);
      expect(g.every(Number.isFinite)).toBe(true);
    }
  });

  it('an unknown op run by a container (not a module) freezes its neighbourhood too', () => {
    class Gate extends T.Module {
      c1: T.Module;
      c2: T.Module;
      fc: T.Module;
      constructor() {
        super();
        const rng = new T.Rng(1);
        this.c1 = this.registerModule('c1', new T.Conv1d(2, 4, 3, { padding: 'causal', rng }));
        this.c2 = this.registerModule('c2', new T.Conv1d(4, 4, 3, { padding: 'causal', rng }));
        this.fc = this.registerModule('fc', new T.Linear(4, 2, { rng }));
      }
      forward(x: T.Tensor): T.Tensor {
        const h = T.exp(this.c1.call(x));
        return this.fc.call(T.mean(this.c2.call(h), [2]));
      }
    }
    const p = pit(new Gate(), { inputShape: [2, 6] });
    expect(p.report[0]).toMatch(/op 'exp' \(<root>\/exp\) is not known to PIT/);
    expect(live(p).map((g) => g.roots)).toEqual([['c2']]);
  });
});

describe('seed networks', () => {
  const cases: [string, number[], number, { params: number; layers: number; live: number; shared?: string[] }][] = [
    ['tcn-ecg', [1, 96], 2, { params: 7890, layers: 4, live: 3 }],
    ['tcn-mnist', [28, 28], 10, { params: 36746, layers: 4, live: 3 }],
    ['temponet', [4, 256], 1, { params: 424577, layers: 12, live: 11 }],
    ['mini-resnet', [3, 32, 32], 10, { params: 72762, layers: 8, live: 5, shared: ['3.shortcut.0', '3.body.3'] }],
    ['resnet8', [3, 32, 32], 10, { params: 77578, layers: 10, live: 6, shared: ['0', '3.body.3'] }],
    ['ds-cnn', [1, 49, 10], 12, { params: 22604, layers: 10, live: 5 }],
    ['mobilenet-v1-0.25', [3, 32, 32], 2, { params: 208114, layers: 28, live: 14 }],
  ];
  for (const [name, input, outputs, want] of cases) {
    it(`${name}: ${want.params} parameters, ${want.layers} searchable layers, ${want.live} searchable groups`, () => {
      const m = seed(name, input, outputs);
      const p = pit(m, { inputShape: input });
      expect(costOf(p, 'params')).toBe(want.params);
      expect(layerNames(p).length).toBe(want.layers);
      expect(live(p).length).toBe(want.live);
      const frozen = p.groups().filter((g) => g.frozen);
      expect(frozen.map((g) => g.reasons[0])).toEqual(['touches the graph input', 'reaches the graph output']);
      if (want.shared) expect(live(p).some((g) => g.roots.join() === want.shared?.join())).toBe(true);
      // Every conv / linear became searchable; every BatchNorm of a searchable group is re-masked.
      for (const [, mod] of m.namedModules()) {
        expect(mod instanceof T.Conv1d || mod instanceof T.Conv2d || mod instanceof T.Linear).toBe(false);
        if (mod instanceof T.BatchNorm) throw new Error('an unmasked BatchNorm was left in a searchable group');
      }
      expect(m.namedModules().some(([, x]) => x instanceof PitConv1d || x instanceof PitConv2d)).toBe(true);
    });
  }

  it('temponet-seed: the two strided convs get no time masks, the 7 stride-1 convs do', () => {
    const m = seed('temponet-seed', [4, 64], 1);
    pit(m, { inputShape: [4, 64] });
    const convs = m.namedModules().filter(([, x]) => x instanceof PitConv1d).map(([, x]) => x as PitConv1d);
    expect(convs.filter((c) => c.timeMask !== null).length).toBe(7);
    expect(convs.filter((c) => c.stride !== 1).length).toBe(2);
    expect(convs.filter((c) => c.stride !== 1).every((c) => c.timeMask === null)).toBe(true);
  });
});

describe('manual use', () => {
  it('a model built from searchable layers keeps its maskers; a BatchNorm after them is masked automatically', () => {
    const rng = new T.Rng(5);
    const c0 = new PitConv1d(new T.Conv1d(2, 8, 3, { padding: 'causal', rng }));
    const c1 = new PitConv1d(new T.Conv1d(8, 8, 5, { padding: 'causal', rng }), { outMask: c0.outMask });
    const net = new T.Sequential(c0, new T.BatchNorm1d(8), new T.ReLU(), new T.Residual(new T.Sequential(c1)), new T.GlobalAvgPool(), new PitLinear(new T.Linear(8, 3, { rng })));
    const p = pit(net, { inputShape: [2, 10] });
    expect(live(p).map((g) => g.roots)).toEqual([['0', '3.body.0']]);
    expect(c1.outMask).toBe(c0.outMask);
    expect(net.layers[1]).toBeInstanceOf(MaskedLayer);
    // The classifier's masker is frozen (outputs never pruned) and is not a mask parameter.
    expect(p.maskParameters().length).toBe(1 + 2 * 2);
    expect(costOf(p, 'params')).toBe(2 * 3 * 8 + 8 + 8 * 5 * 8 + 8 + 8 * 3 + 3);
  });

  it('layers meeting in an add with different maskers are refused with a message', () => {
    const rng = new T.Rng(5);
    const c0 = new PitConv1d(new T.Conv1d(2, 8, 3, { padding: 'causal', rng }));
    const c1 = new PitConv1d(new T.Conv1d(8, 8, 3, { padding: 'causal', rng }));
    const net = new T.Sequential(c0, new T.Residual(c1), new T.GlobalAvgPool(), new T.Linear(8, 3, { rng }));
    expect(() => pit(net, { inputShape: [2, 10] })).toThrow(/different channel maskers/);
  });
});
