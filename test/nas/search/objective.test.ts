import { describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import { searchMasks } from '../../../src/search/protocol.js';
import { plainRegularizer } from '../../../src/search/regularizers.js';
import { pitConverter } from '../../../src/nas/pit/convert.js';
import { taskContext } from '../../../src/search/train/fit.js';
import { config, seedNet, toySplits } from './toyTask.js';

const convert = pitConverter({ inputShape: [2, 16] });

function search(values: Record<string, unknown>) {
  T.setBackend('js');
  T.manualSeed(0);
  const splits = toySplits(48, 5);
  const target = convert(seedNet(6));
  const cfg = config({ searchEpochs: 6, batchSize: 16, seed: 0, ...values });
  const ctx = taskContext(splits, { ...cfg, epochs: cfg.searchEpochs, patience: 0 } as never);
  return searchMasks(target, splits, ctx, cfg, plainRegularizer('params', 1e-4));
}

describe('search objective, validation order and kept epoch', () => {
  it("'mask-pass' (default) compares epochs by the mask pass's mean loss + cost term; 'validation' by the eval-mode loss + cost term", () => {
    const m = search({});
    for (const e of m.history) expect(e.objective).toBeGreaterThan(e.maskLoss as number);
    const best = m.history.reduce((a, e) => (e.objective < a.objective ? e : a));
    expect(m.bestEpoch).toBe(best.epoch);
    const v = search({ searchObjective: 'validation' });
    for (const e of v.history) expect(e.objective).toBeCloseTo(e.valLoss + e.regTerm, 10);
  });

  it('the fixed validation order makes the search independent of the order draw; shuffled changes it', () => {
    const a = search({});
    const b = search({});
    expect(b.history.map((e) => e.objective)).toEqual(a.history.map((e) => e.objective));
    const s = search({ valOrder: 'shuffled' });
    expect(s.history.map((e) => e.maskLoss)).not.toEqual(a.history.map((e) => e.maskLoss));
  });

  it("'last' keeps the last epoch; a split of 12 samples in batches of 16 is passed over 8 times per epoch", () => {
    const r = search({ searchSelect: 'last' });
    expect(r.bestEpoch).toBe(6);
    expect(r.maskStepsPerEpoch).toBe(8);
    expect(search({ minMaskSteps: 1 }).maskStepsPerEpoch).toBe(1);
  });

  it('patience counts only once a mask can have crossed 0.5', () => {
    // 1 update per epoch at lr 0.01: 50 epochs before any mask can cross, so patience 2 cannot stop a 6-epoch search.
    const r = search({ maskLr: 0.01, minMaskSteps: 1, searchPatience: 2 });
    expect(r.history).toHaveLength(6);
  });
});
