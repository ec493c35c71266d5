/**
 * fit()'s `select`: which epoch's weights are kept. 'best' = best validation metric (ties broken
 * by loss), 'best-loss' = the first epoch of lowest validation loss (PLiNIO's reference scripts),
 * 'last' = the last epoch; early stopping follows the same criterion, and a run resumed from its
 * state file keeps the same epoch as the uninterrupted run.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as T from '../../../src/index.js';
import { fit, type EpochRecord, type FitProgress } from '../../../src/search/train/fit.js';
import { TRAIN_SCHEMA, type TrainConfig } from '../../../src/nn/train/config.js';
import { resolveConfig } from '../../../src/util/schema.js';
import { loadTrainState, saveTrainState } from '../../../src/io/train-state.js';
import { Linear } from '../../../src/nn/layers/linear.js';
import { Flatten, ReLU } from '../../../src/nn/layers/simple.js';
import { Sequential } from '../../../src/nn/layers/containers.js';
import type { DatasetSplits } from '../../../src/data/types.js';
import type { Module } from '../../../src/nn/module.js';
import { separableSplits, weightsOf } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-select-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function config(over: Partial<TrainConfig>): TrainConfig {
  return resolveConfig(TRAIN_SCHEMA, [{ values: over as Record<string, unknown>, where: 'test' }]);
}

/** No dropout: every random draw of the loop is in FitProgress, so a resume is exact. */
function mlp(seed: number): Module {
  const r = new T.Rng(seed);
  return new Sequential(new Flatten(), new Linear(16, 8, { rng: r }), new ReLU(), new Linear(8, 2, { rng: r }));
}

/**
 * Every 4th validation label flipped: accuracy climbs to 75 % while the loss, after an early
 * minimum, rises as the model grows confident on the flipped rows — so the epoch of best
 * accuracy (5) and the epoch of lowest loss (2) differ.
 */
function noisyValSplits(): DatasetSplits {
  const s = separableSplits(2, 64, 32, 8);
  return { ...s, val: { ...s.val, y: Int32Array.from(s.val.y, (v, i) => (i % 4 === 0 ? 1 - v : v)) } };
}

const BASE: Partial<TrainConfig> = { epochs: 8, lr: 0.003, batchSize: 16, scheduler: 'none', seed: 0 };

const columns = (h: EpochRecord[]) => h.map(({ epoch, lr, trainLoss, trainMetric, valLoss, valMetric }) => [epoch, lr, trainLoss, trainMetric, valLoss, valMetric]);
const firstArgMin = (v: number[]) => v.reduce((b, x, i) => (x < v[b] ? i : b), 0) + 1;

describe("fit's select", () => {
  it("best-loss keeps the first epoch of lowest validation loss; best the epoch of best metric; last the last", () => {
    const runs = (['best', 'best-loss', 'last'] as const).map((select) => {
      const model = mlp(2);
      const perEpoch: Map<string, number[]>[] = [];
      const res = fit(model, noisyValSplits(), config({ ...BASE, select }), { onEpoch: () => perEpoch.push(weightsOf(model)) });
      return { res, perEpoch, final: weightsOf(model) };
    });
    const [best, bestLoss, last] = runs;
    // `select` only decides what is kept: the three runs train identically.
    expect(columns(bestLoss.res.history)).toEqual(columns(best.res.history));
    expect(columns(last.res.history)).toEqual(columns(best.res.history));
    const losses = best.res.history.map((r) => r.valLoss);
    const metrics = best.res.history.map((r) => r.valMetric);
    expect(bestLoss.res.bestEpoch).toBe(firstArgMin(losses));
    expect(metrics[best.res.bestEpoch - 1]).toBe(Math.max(...metrics));
    // The case this option is for: the two criteria disagree here.
    expect(bestLoss.res.bestEpoch).toBe(2);
    expect(best.res.bestEpoch).toBe(5);
    expect(bestLoss.final).toEqual(bestLoss.perEpoch[1]);
    expect(best.final).toEqual(best.perEpoch[4]);
    expect(last.res.bestEpoch).toBe(8);
    expect(last.final).toEqual(last.perEpoch[7]);
  });

  it('with best-loss, patience counts epochs without a lower validation loss', () => {
    // Epochs 3 and 4 raise the loss (while the accuracy improves): stopped after epoch 4.
    const byLoss = fit(mlp(2), noisyValSplits(), config({ ...BASE, select: 'best-loss', patience: 2 }));
    expect(byLoss.bestEpoch).toBe(2);
    expect(byLoss.history).toHaveLength(4);
    const byMetric = fit(mlp(2), noisyValSplits(), config({ ...BASE, select: 'best', patience: 2 }));
    expect(byMetric.history.length).toBeGreaterThan(4);
  });

  it('a best-loss run resumed from its state file keeps the same epoch and weights as the uninterrupted run', () => {
    const cfg = config({ ...BASE, select: 'best-loss' });
    const whole = mlp(2);
    const wholeRes = fit(whole, noisyValSplits(), cfg);

    // "Interrupted" after epoch 3 (past the loss minimum at 2): the state file as tsdnas train writes it.
    const path = join(tmp, 'train-state.safetensors');
    const first = mlp(2);
    let saved = false;
    fit(first, noisyValSplits(), config({ ...BASE, select: 'best-loss' }), {
      onEpochEnd: (p: FitProgress) => {
        if (p.epoch === 3) {
          saveTrainState(path, first, p, cfg as unknown as Record<string, unknown>);
          saved = true;
        }
      },
    });
    expect(saved).toBe(true);
    const resumed = mlp(99);
    const { progress } = loadTrainState(path, resumed);
    expect(progress.bestEpoch).toBe(2);
    const res = fit(resumed, noisyValSplits(), cfg, {}, progress);
    expect(res.bestEpoch).toBe(wholeRes.bestEpoch);
    expect(columns(res.history)).toEqual(columns(wholeRes.history));
    expect(weightsOf(resumed)).toEqual(weightsOf(whole));
  });
});
