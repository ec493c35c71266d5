// The demo's step loop in Node: the two gradient parts of each mask and pruning under a large λ.
import { describe, expect, it } from 'vitest';
import { cutMnistSubset } from '../../demo/mnistSubset.js';
import { subsetSplits } from '../../demo/src/digits.js';
import { LiveSearch, DEFAULT_OPTIONS } from '../../demo/src/liveSearch.js';
import { add, backward, crossEntropy, tensor } from '../../src/browser.js';

function splits(perClass: number) {
  const s = cutMnistSubset(perClass);
  const b64 = (a: Uint8Array) => Buffer.from(a).toString('base64');
  return subsetSplits({ perClass, pixels: b64(s.pixels), labels: b64(s.labels), source: 'test' });
}

describe('demo live search', () => {
  it('splits the subset 80/20 per class in the MNIST rows layout', () => {
    const { train, val } = splits(10);
    expect(train.length).toBe(80);
    expect(val.length).toBe(20);
    expect(train.sampleShape).toEqual([28, 28]);
    expect(Array.from(val.y.slice(0, 3))).toEqual([0, 0, 1]);
  });

  it('the cost part of a mask gradient is the same for every free channel of a group; a large λ prunes', () => {
    const { train, val } = splits(10);
    const live = new LiveSearch(train, val, { ...DEFAULT_OPTIONS, lambda: 50, maskLr: 0.1, warmupSteps: 0, batchSize: 16 });
    const first = live.step();
    expect(first.alive).toBe(first.channels);
    for (const g of live.masks()) {
      const free = g.costGrad.filter((_, i) => i !== g.keepIndex);
      expect(free.every((v) => v > 0)).toBe(true);
      for (const v of free) expect(v).toBeCloseTo(free[0], 6);
      expect(g.costGrad[g.keepIndex]).toBe(0);
      expect(g.taskGrad.some((v) => v !== 0)).toBe(true);
    }
    for (let i = 0; i < 9; i++) live.step();
    const last = live.history[live.history.length - 1];
    expect(last.alive).toBeLessThan(first.alive);
    expect(last.costs.params).toBeLessThan(first.costs.params);
    const arch = live.architecture();
    expect(arch.map((l) => l.name)).toContain('6');
  });

  it('the two backward passes add up to the gradient of the whole objective (one pass)', () => {
    const { train, val } = splits(10);
    const live = new LiveSearch(train, val, { ...DEFAULT_OPTIONS, lambda: 3, warmupSteps: 0, batchSize: 16 });
    for (let i = 0; i < 3; i++) live.step();
    const b = live.validationBatch(16);
    const parts = live.gradientParts(b);
    const logits = live.pm.model.call(tensor(b.x, [b.n, ...train.sampleShape]));
    const loss = crossEntropy(logits, b.y);
    for (const p of live.pm.model.parameters()) p.grad = null;
    backward(add(loss, live.objectiveTerm(loss.item())));
    live.groups.forEach((g, i) => {
      const whole = g.masker.alpha.grad!.values();
      for (let c = 0; c < g.masker.size; c++) {
        expect(parts.task[i][c] + parts.cost[i][c]).toBeCloseTo(whole[c], 6);
      }
    });
  });
});
