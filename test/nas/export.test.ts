/**
 * PIT export: the dense model gives the masked model's outputs in eval mode (every seed network
 * and toy residual / concat / depthwise / multi-branch models, after random forced masks), its
 * conv / linear parameter count is the discrete params cost, BatchNorm statistics are kept, and
 * time masks become kernel size, dilation and padding.
 */

import { describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { SEED_MODELS, buildSeed } from '../../src/models/seeds.js';
import { describeArchitecture } from '../../src/nn/serialize.js';
import { pit, ChannelMasker, TimeMasker, PitConv1d, PitConv2d, PitLinear, MaskedLayer, type PitModel } from '../../src/nas/index.js';
import { ToyAdd, ToyBranches, ToyConcat, ToyUnknown } from './toys.js';

const SHAPES: Record<string, { input: number[]; outputs: number }> = {
  'tcn-mnist': { input: [28, 28], outputs: 10 },
  'tcn-ecg': { input: [1, 96], outputs: 2 },
  temponet: { input: [4, 64], outputs: 1 },
  'temponet-seed': { input: [4, 64], outputs: 1 },
  'cnn-small': { input: [1, 16, 16], outputs: 10 },
  'ds-cnn': { input: [1, 49, 10], outputs: 12 },
  'mini-resnet': { input: [3, 16, 16], outputs: 10 },
  resnet8: { input: [3, 32, 32], outputs: 10 },
  'mobilenet-v1-0.25': { input: [3, 32, 32], outputs: 2 },
};

/** Random masks (about half the channels, random receptive fields and dilations) and BatchNorm state. */
function randomise(p: PitModel, rng: T.Rng): void {
  for (const [, m] of p.model.namedModules()) {
    if (m instanceof ChannelMasker) for (let i = 0; i < m.size; i++) m.alpha.data[i] = rng.next();
    if (m instanceof TimeMasker) {
      if (m.beta) for (let i = 0; i < m.beta.size; i++) m.beta.data[i] = rng.next() * 0.4;
      if (m.gamma) for (let i = 0; i < m.gamma.size; i++) m.gamma.data[i] = rng.next();
    }
    if (m instanceof T.BatchNorm) {
      for (let i = 0; i < m.numFeatures; i++) {
        m.runningMean.data[i] = rng.next() - 0.5;
        m.runningVar.data[i] = 0.5 + rng.next();
        if (m.weight) m.weight.data[i] = 0.5 + rng.next();
        if (m.bias) m.bias.data[i] = rng.next() - 0.5;
      }
    }
  }
}

function convLinearParams(m: T.Module): number {
  let n = 0;
  for (const [, x] of m.namedModules()) {
    if (x instanceof T.Conv1d || x instanceof T.Conv2d || x instanceof T.Linear) n += x.weight.size + (x.bias?.size ?? 0);
  }
  return n;
}

/** Export, then compare outputs on a random batch in eval mode; returns the exported model. */
/**
 * `exactCount`: the exported conv / linear weights equal the discrete params cost. A non-causal
 * conv whose pruned past exceeds its left padding keeps zero taps in the export (so that the
 * padding stays non-negative): there the export may be larger than the cost.
 */
function checkEquivalent(p: PitModel, input: number[], seed = 3, libraryOnly = true, exactCount = true): T.Module {
  p.model.eval();
  const x = T.randn([2, ...input], { rng: new T.Rng(seed) });
  const y = T.noGrad(() => p.model.call(x));
  const before = p.model.parameters().map((t) => t.toTypedArray());
  const e = p.export().eval();
  const z = T.noGrad(() => e.call(x));
  expect(z.shape).toEqual(y.shape);
  const a = y.values();
  const b = z.values();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(a[i])));
  expect(worst).toBeLessThanOrEqual(1e-5);
  expect(a.some((v) => v !== 0)).toBe(true);
  // Only library layers, the discrete params cost counts exactly the exported weights, the source is untouched.
  if (libraryOnly) expect(() => describeArchitecture(e)).not.toThrow();
  const cost = T.noGrad(() => p.cost('params').item());
  if (exactCount) expect(convLinearParams(e)).toBe(cost);
  else expect(convLinearParams(e)).toBeGreaterThanOrEqual(cost);
  p.model.parameters().forEach((t, i) => expect(t.toTypedArray()).toEqual(before[i]));
  return e;
}

describe('export equivalence on the seed networks (random forced masks)', () => {
  for (const name of Object.keys(SEED_MODELS)) {
    it(name, () => {
      const s = SHAPES[name];
      const m = buildSeed(name, { inputShape: s.input, outputs: s.outputs, rng: new T.Rng(1) });
      const full = convLinearParams(m);
      const p = pit(m, { inputShape: s.input });
      randomise(p, new T.Rng(7));
      const e = checkEquivalent(p, s.input);
      expect(convLinearParams(e)).toBeLessThan(full);
    });
  }

  it('the seed table covers SEED_MODELS', () => {
    expect(Object.keys(SHAPES).sort()).toEqual(Object.keys(SEED_MODELS).sort());
  });

  it('at initialisation the export is the seed itself', () => {
    const m = buildSeed('tcn-ecg', { inputShape: [1, 96], outputs: 2, rng: new T.Rng(1) });
    const arch = JSON.stringify(describeArchitecture(m));
    const p = pit(m, { inputShape: [1, 96] });
    const e = checkEquivalent(p, [1, 96]);
    expect(JSON.stringify(describeArchitecture(e))).toBe(arch);
  });
});

describe('export equivalence on toy models', () => {
  const toys: [string, () => T.Module, number[], boolean][] = [
    ['ToyAdd (residual-style add, same padding, flatten + linear)', () => new ToyAdd(), [3, 15], false],
    ['ToyConcat (channel concat, BatchNorm and Sigmoid after it)', () => new ToyConcat(), [2, 12], true],
    ['ToyBranches (depthwise + pointwise added, weight-shared conv called twice)', () => new ToyBranches(), [3, 8, 8], true],
    ['ToyUnknown (an unknown module in the middle)', () => new ToyUnknown(), [2, 8], true],
  ];
  for (const [name, build, input, exact] of toys) {
    for (const seed of [7, 8, 9]) {
      it(`${name}, masks seed ${seed}`, () => {
        const p = pit(build(), { inputShape: input });
        randomise(p, new T.Rng(seed));
        checkEquivalent(p, input, seed, false, exact);
      });
    }
  }
});

describe('manual use', () => {
  it('a hand-built depthwise-separable model: the depthwise layer takes its group mask from pit(), export is exact', () => {
    const rng = new T.Rng(4);
    const c0 = new PitConv2d(new T.Conv2d(3, 8, 3, { padding: 1, rng }));
    const dw = new PitConv2d(new T.Conv2d(8, 8, 3, { padding: 1, groups: 8, rng }));
    expect(dw.outMask).toBeNull();
    const net = new T.Sequential(
      c0, new T.BatchNorm2d(8), new T.ReLU(), dw, new T.BatchNorm2d(8), new T.ReLU(),
      new PitConv2d(new T.Conv2d(8, 4, 1, { rng })), new T.GlobalAvgPool(), new PitLinear(new T.Linear(4, 2, { rng })),
    );
    const p = pit(net, { inputShape: [3, 6, 6] });
    expect(dw.outMask).toBe(c0.outMask);
    expect(p.groups().filter((g) => !g.frozen).map((g) => g.roots)).toEqual([['0'], ['6']]);
    randomise(p, new T.Rng(5));
    checkEquivalent(p, [3, 6, 6]);
  });
});

describe('export geometry', () => {
  it('a causal k9 conv with taps {6, 8} becomes k2, dilation 2, causal padding 2', () => {
    const net = new T.Sequential(new T.Conv1d(1, 4, 9, { padding: 'causal', rng: new T.Rng(1) }), new T.ReLU(), new T.Conv1d(4, 2, 1, { rng: new T.Rng(2) }));
    const p = pit(net, { inputShape: [1, 20] });
    const c = net.layers[0] as PitConv1d;
    const tm = c.timeMask as TimeMasker;
    (tm.beta as T.Tensor).data.set([0, 0, 0, 0, 0.2, 0.2, 0.2, 0.05, 1]);
    (tm.gamma as T.Tensor).data.set([0.1, 1, 1, 1]);
    expect(p.summary()[0]).toMatchObject({ kAlive: 2, dilation: 2 });
    const e = checkEquivalent(p, [1, 20]) as T.Sequential;
    const c0 = e.layers[0] as T.Conv1d;
    expect([c0.kernelSize, c0.dilation, c0.padding]).toEqual([2, 2, 'causal']);
  });

  it("a 'same' conv keeping only its most recent tap stays exact (zero taps absorb the negative padding)", () => {
    const net = new T.Sequential(new T.Conv1d(2, 3, 3, { padding: 'same', rng: new T.Rng(1) }), new T.Conv1d(3, 2, 1, { rng: new T.Rng(2) }));
    const p = pit(net, { inputShape: [2, 9] });
    ((net.layers[0] as PitConv1d).timeMask?.beta as T.Tensor).data.set([0, 0, 1]);
    const e = checkEquivalent(p, [2, 9], 3, true, false) as T.Sequential;
    // 'same' k3 has left padding 1: the grid keeps tap 1 (zero weight) and tap 2.
    const c0 = e.layers[0] as T.Conv1d;
    expect([c0.kernelSize, c0.padding]).toEqual([2, [0, 1]]);
  });

  it('BatchNorm statistics and affine parameters of the surviving channels are kept, not re-initialised', () => {
    const m = buildSeed('tcn-ecg', { inputShape: [1, 32], outputs: 2, rng: new T.Rng(1) });
    const p = pit(m, { inputShape: [1, 32] });
    randomise(p, new T.Rng(11));
    const bn = (m.namedModules().find(([n]) => n === '0.1')?.[1] as MaskedLayer).inner as T.BatchNorm;
    const alive = ((m.namedModules().find(([n]) => n === '0.0')?.[1] as PitConv1d).outMask as ChannelMasker).alive();
    const keep = alive.flatMap((a, i) => (a ? [i] : []));
    const e = p.export();
    const ebn = e.namedModules().find(([n]) => n === '0.1')?.[1] as T.BatchNorm;
    expect(ebn.numFeatures).toBe(keep.length);
    expect(Array.from(ebn.runningMean.values())).toEqual(keep.map((i) => bn.runningMean.data[i]));
    expect(Array.from(ebn.runningVar.values())).toEqual(keep.map((i) => bn.runningVar.data[i]));
    expect(Array.from((ebn.weight as T.Tensor).values())).toEqual(keep.map((i) => (bn.weight as T.Tensor).data[i]));
  });

  it('all α at 0: the keep-alive channel survives in every group, the export still runs', () => {
    const m = buildSeed('mini-resnet', { inputShape: [3, 8, 8], outputs: 10, rng: new T.Rng(1) });
    const p = pit(m, { inputShape: [3, 8, 8] });
    for (const t of p.maskParameters()) t.data.fill(0);
    expect(p.groups().filter((g) => !g.frozen).every((g) => g.alive === 1)).toBe(true);
    checkEquivalent(p, [3, 8, 8]);
  });
});
