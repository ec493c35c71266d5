/**
 * The PLiNIO-style loop of docs/api.md with default settings prunes: pit(), one optimiser from
 * searchOptimizers (masks at their own rate), loss = task + λ·params on every batch, export.
 * And the contrast that motivates the helper: one plain Adam at the weights' rate prunes nothing.
 */

import { describe, expect, it } from 'vitest';
import {
  Adam, Rng, add, backward, batches, buildSeed, crossEntropy, evaluateModel, loadDataset, manualSeed, mul, pit, searchOptimizers,
  tensor, LOOP_MASK_LR, type Module, type PitModel,
} from '../../src/index.js';

const data = loadDataset('mnist', { layout: 'sequence', limit: 2000 });
const shape = data.info.sampleShape;
const lambda = 1e-5;

function loop(pm: PitModel, opt: { zeroGrad(): void; step(): void }, epochs: number): void {
  const rng = new Rng(1);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const b of batches(data.train, 32, { rng, dropLast: true })) {
      const out = pm.model.call(tensor(b.x, [b.n, ...shape]));
      const loss = add(crossEntropy(out, b.y), mul(pm.cost('params'), lambda));
      opt.zeroGrad();
      backward(loss);
      opt.step();
    }
  }
}

function seed(): Module {
  manualSeed(0);
  return buildSeed('tcn-mnist', { inputShape: shape, outputs: 10, rng: new Rng(0) });
}

// 4 epochs of 62 steps on the default backend: about 40 s on a quiet machine, over 60 s at load 5 on two cores.
describe('PLiNIO-style loop', () => {
  it('prunes with searchOptimizers defaults and keeps accuracy well above chance', () => {
    const model = seed();
    const seedParams = model.numParameters();
    const pm = pit(model, { inputShape: shape });
    const opt = searchOptimizers(pm);
    expect(opt.paramGroups.map((g) => [g.name, g.lr])).toEqual([['weights', 1e-3], ['masks', LOOP_MASK_LR]]);
    loop(pm, opt, 4);
    const found = pm.export();
    const r = evaluateModel(found, data.test);
    expect(found.numParameters()).toBeLessThan(0.8 * seedParams);
    expect(r.metric).toBeGreaterThan(0.6);
  }, 180_000);

  it('one Adam over weights and masks at the weights rate prunes nothing (why the helper exists)', () => {
    const model = seed();
    const seedParams = model.numParameters();
    const pm = pit(model, { inputShape: shape });
    loop(pm, new Adam(pm.model.parameters(), { lr: 1e-3 }), 2);
    expect(pm.export().numParameters()).toBe(seedParams);
  }, 180_000);

  it('refuses a model without masks and bad rates, naming the option', () => {
    const pm = pit(seed(), { inputShape: shape });
    expect(() => searchOptimizers({ weightParameters: () => pm.weightParameters(), maskParameters: () => [] })).toThrow(/no mask parameters; convert it with pit/);
    expect(() => searchOptimizers(pm, { maskLr: -1 })).toThrow(/maskLr must be a number ≥ 0/);
    expect(() => searchOptimizers(pm, { steps: 0 })).toThrow(/steps must be a positive integer/);
    expect(searchOptimizers(pm, { steps: 200 }).paramGroups[1].lr).toBeCloseTo(0.01);
  });
});
