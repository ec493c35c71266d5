/**
 * The joint architecture + precision search model (src/joint): costs that see masks and bits
 * (the discrete weight bytes equal the integer engine's packed bytes of the exported model), the
 * parameter split, the plan of the exported dense model, and a whole search point that is
 * deterministic for a seed. Synthetic data only: runs without the benchmark files.
 */

import { describe, expect, it } from 'vitest';
import * as T from '../../src/index.js';
import { MPS_SCHEMA, type MpsConfig } from '../../src/quant/mps/config.js';
import { resolveConfig } from '../../src/util/schema.js';
import { validatePlan } from '../../src/quant/plan.js';
import { foldBatchNorms } from '../../src/quant/mps/fold.js';
import { seedModel } from '../quant/helpers.js';
import { toySplits, seedNet } from '../nas/search/toyTask.js';

const { joint, jointSearchKind, integerize, quantize, Rng } = T;

/** Random masks (≈ `pDead` of the channels and some taps pruned) and random precision logits. */
function randomize(j: T.JointModel, seed: number, pDead = 0.35): void {
  const rng = new Rng(seed);
  for (const p of j.pit.maskParameters()) for (let i = 0; i < p.size; i++) p.data[i] = rng.next() < pDead ? 0.2 : 0.9;
  for (const r of j.layers) {
    const l = r.wq.selector.logits;
    for (let i = 0; i < l.size; i++) l.data[i] = rng.normal();
  }
  for (const q of j.quantizers) for (let i = 0; i < q.selector.logits.size; i++) q.selector.logits.data[i] = rng.normal();
}

const packedBytes = (dense: T.Module, plan: T.QuantPlan, shape: number[]) => integerize(quantize(dense, plan, { inputShape: shape })).memory().reduce((s, m) => s + m.weightBytes, 0);

describe('joint model', () => {
  const cases: [string, number[], boolean][] = [
    ['tcn-ecg', [1, 96], false], ['tcn-ecg', [1, 96], true], ['cnn-small', [1, 28, 28], false], ['ds-cnn', [1, 49, 10], true], ['mini-resnet', [3, 16, 16], false],
  ];
  for (const [name, shape, fold] of cases) {
    it(`${name}${fold ? ' (BatchNorm folded)' : ''}: discrete weight bytes = the exported integer model's packed bytes; the plan fits the dense model`, () => {
      const m = seedModel(name);
      if (fold) foldBatchNorms(m, shape);
      const j = joint(m, { inputShape: shape, seed: 2 });
      randomize(j, 7);
      const size = T.noGrad(() => j.costs({ discrete: true }).size.item());
      const dense = j.exportDense();
      const plan = j.plan();
      validatePlan(plan, T.mps.mps(T.cloneModel(dense), { inputShape: shape, perChannel: true }).planLayers(), 'test');
      expect(Object.values(plan.layers).every((l) => l.wBits.every((b) => b === 2 || b === 4 || b === 8))).toBe(true);
      // Packing rounds each output channel's row up to whole bytes; the cost counts bits exactly.
      const packed = packedBytes(dense, plan, shape);
      const rows = Object.values(plan.layers).reduce((s, l) => s + l.wBits.length, 0);
      expect(packed).toBeGreaterThanOrEqual(size - 1e-9);
      expect(packed - size).toBeLessThan(rows);
      // The architecture costs are PIT's own: params of the dense export.
      expect(T.noGrad(() => j.costs({ discrete: true }).params.item())).toBe(T.pit(T.cloneModel(dense), { inputShape: shape }).costs({ discrete: true }).params.item());
    });
  }

  it('weights and searched parameters split every parameter once; the size cost has gradients on masks and logits', () => {
    const j = joint(seedNet(1), { inputShape: [2, 16] });
    const masks = j.maskParameters();
    const weights = j.weightParameters();
    expect(masks.filter((p) => weights.includes(p))).toEqual([]);
    // The fixed-precision input quantiser's single logit is neither searched nor trained.
    expect(new Set([...masks, ...weights, j.inputQuant.selector.logits]).size).toBe(j.model.parameters().length);
    const size = j.costs({ discrete: true }).size;
    T.backward(size);
    const alpha = j.pit.maskParameters()[0];
    expect(alpha.grad?.values().some((v) => v !== 0)).toBe(true);
    expect(j.layers[0].wq.selector.logits.grad?.values().some((v) => v !== 0)).toBe(true);
  });

  it('a pruned channel reads 0 bits in the summary and costs nothing', () => {
    const j = joint(seedNet(1), { inputShape: [2, 16] });
    const before = T.noGrad(() => j.costs({ discrete: true }).size.item());
    const alpha = j.pit.maskParameters()[0];
    alpha.data[0] = 0.1;
    alpha.data[1] = 0.1;
    const after = T.noGrad(() => j.costs({ discrete: true }).size.item());
    expect(after).toBeLessThan(before);
    const bits = j.channelBits().get(j.layers[0].pit.path) as number[];
    expect(bits.slice(0, 2)).toEqual([0, 0]);
    expect(bits.slice(2).every((b) => b > 0)).toBe(true);
    expect(j.summary()[0].wBits).toBeCloseTo(bits.reduce((a, b) => a + b, 0) / bits.length, 9);
  });

  it('refuses 0 bits among the weight candidates and says why', () => {
    expect(() => joint(seedNet(1), { inputShape: [2, 16], weightPrecisions: [0, 2, 4, 8] })).toThrow(/0 bits is not a candidate of the joint search — channels are pruned by the PIT channel masks/);
  });
});

describe('joint search point', () => {
  const cfg = (values: Record<string, unknown>): MpsConfig => resolveConfig(MPS_SCHEMA, [{ values, where: 'test' }]);
  const run = () => {
    const splits = toySplits(48, 3);
    const c = cfg({ warmupEpochs: 2, searchEpochs: 3, finetuneEpochs: 1, batchSize: 16, runBaselines: false, seed: 4 });
    return T.runMps(seedNet(2), splits, c, [jointSearchKind()], [1e-3]);
  };

  it('runs the protocol (search, export, plan, QAT) and gives the same bits for the same seed', () => {
    const a = run();
    const b = run();
    expect(a.points).toHaveLength(1);
    const p = a.points[0];
    expect(p.kind).toBe('joint');
    expect(p.searchHistory).toHaveLength(3);
    expect(p.sizeBytes).toBeGreaterThan(0);
    expect(p.sizeBytes).toBeGreaterThanOrEqual(p.costs.size - 1e-9);
    expect(b.points[0].plan).toEqual(p.plan);
    const sa = p.model.stateDict();
    const sb = b.points[0].model.stateDict();
    for (const [k, t] of sa) expect(Array.from((sb.get(k) as T.Tensor).data), k).toEqual(Array.from(t.data));
    expect(b.points[0].testMetric).toBe(p.testMetric);
  });
});
