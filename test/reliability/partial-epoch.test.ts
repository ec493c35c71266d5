/**
 * Interrupted mid-epoch (the Ctrl-C path, triggered here after a chosen batch): the loops save
 * where the epoch stopped, and resuming from the saved files finishes that epoch exactly as the
 * uninterrupted run did — same weights, same history — for `fit` (augmentation noise on the
 * loop's Rng, dropout on the global one) and for a sweep interrupted in the weights pass and in
 * the masks pass of a search epoch.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { fit, snapshot } from '../../src/search/train/fit.js';
import { TRAIN_SCHEMA, type TrainConfig } from '../../src/nn/train/config.js';
import { setInterruptCheck, TrainingInterruptedError } from '../../src/nn/train/interrupt.js';
import { getRng } from '../../src/tensor/rng.js';
import { loadTrainState, saveTrainState } from '../../src/io/train-state.js';
import { SweepStateDir } from '../../src/io/search-state.js';
import { resolveConfig } from '../../src/util/schema.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { Dropout, Flatten, ReLU } from '../../src/nn/layers/simple.js';
import { Sequential } from '../../src/nn/layers/containers.js';
import { loadDataset } from '../../src/data/index.js';
import { hasEcg200 } from './cli.js';
import { buildSeed } from '../../src/models/seeds.js';
import { pitConverter } from '../../src/nas/pit/convert.js';
import { SEARCH_SCHEMA } from '../../src/search/config.js';
import { runSweep, type SweepResult } from '../../src/search/run.js';
import { separableSplits } from '../nn/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-partial-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let uninstall: (() => void) | null = null;
afterEach(() => { uninstall?.(); uninstall = null; });

/** Interrupt at the `n`-th check from now (any loop; trainEpoch checks after every batch but an epoch's last). */
function interruptAfter(n: number): void {
  uninstall?.();
  let batches = 0;
  uninstall = setInterruptCheck(() => ++batches >= n);
}

function interrupted(f: () => unknown): TrainingInterruptedError {
  try {
    f();
  } catch (e) {
    if (e instanceof TrainingInterruptedError) return e;
    throw e;
  }
  throw new Error('expected an interruption');
}

const strip = (h: readonly { seconds: number }[]) => h.map(({ seconds: _s, ...r }) => r);

describe('resume an interrupted epoch', () => {
  it('fit: interrupted after batch 3 of epoch 2, resumed from the state file: same weights and history', () => {
    const build = () => {
      const r = new T.Rng(5);
      return new Sequential(new Flatten(), new Linear(16, 8, { rng: r }), new ReLU(), new Dropout(0.3), new Linear(8, 2, { rng: r }));
    };
    const cfg = resolveConfig(TRAIN_SCHEMA, [{ values: { epochs: 4, lr: 0.01, batchSize: 16, seed: 4, augNoise: 0.1 }, where: 'test' }]) as TrainConfig;
    const splits = separableSplits(2);
    getRng().setState(new T.Rng(1).getState());
    const a = build();
    const ra = fit(a, splits, cfg);
    getRng().setState(new T.Rng(1).getState());
    const path = join(tmp, 'fit.safetensors');
    interruptAfter(5 + 3);
    const b = build();
    const e = interrupted(() => fit(b, splits, cfg, { onEpochEnd: (p) => saveTrainState(path, b, p, {}) }));
    expect(e.step).toEqual({ epoch: 2, batch: 3, batches: 6 });
    uninstall?.();
    getRng().setState(new T.Rng(99).getState()); // another process: another global state
    const c = build();
    const { progress } = loadTrainState(path, c);
    expect(progress.epoch).toBe(1);
    expect(progress.partial?.batch).toBe(3);
    const rc = fit(c, splits, cfg, {}, progress);
    expect(strip(rc.history)).toEqual(strip(ra.history));
    expect(snapshot(c)).toEqual(snapshot(a));
  });


  it.skipIf(!hasEcg200)('sweep: interrupted in a search epoch (weights pass, then the third of four mask passes), resumed from the run directory: same front', () => {
    T.setBackend('js');
    const splits = loadDataset('ecg200', { seed: 0 });
    const cfg = resolveConfig(SEARCH_SCHEMA, [{ values: { warmupEpochs: 1, searchEpochs: 3, finetuneEpochs: 1, batchSize: 16, seed: 0, augNoise: 0.05 }, where: 'test' }]);
    const convert = pitConverter({ inputShape: splits.info.sampleShape });
    const run = (store?: SweepStateDir): SweepResult => {
      getRng().setState(new T.Rng(3).getState());
      const seed = buildSeed('tcn-ecg', { inputShape: splits.info.sampleShape, outputs: 2, rng: new T.Rng(0) });
      return runSweep(seed, splits, cfg, [1e-5], convert, {}, store);
    };
    const a = run();
    const store = new SweepStateDir(join(tmp, 'sweep'));
    store.begin('sweep', {});
    // ECG200: 5 training and 2 validation batches per epoch; the 20 validation samples are passed over 4 times (≥ 8 mask
    // updates), so 4 checks per warm-up epoch and 4 + 4 × 1 per search epoch.
    interruptAfter(4 + 8 + 2); // search epoch 2, weights pass, after batch 2
    const e1 = interrupted(() => run(store));
    expect(e1.step).toEqual({ epoch: 2, batch: 2, batches: 5 });
    interruptAfter(2 + 3); // the rest of that weights pass, mask passes 1 and 2, then batch 1 of 2 of mask pass 3
    const e2 = interrupted(() => run(store));
    expect(e2.step).toEqual({ epoch: 2, batch: 1, batches: 2 });
    uninstall?.();
    const b = run(store);
    const { model: ma, ...pa } = a.points[0];
    const { model: mb, ...pb } = b.points[0];
    expect(strip(pb.searchHistory)).toEqual(strip(pa.searchHistory));
    expect(strip(pb.finetuneHistory)).toEqual(strip(pa.finetuneHistory));
    expect({ ...pb, seconds: 0, phaseSeconds: null, searchHistory: [], finetuneHistory: [] }).toEqual({ ...pa, seconds: 0, phaseSeconds: null, searchHistory: [], finetuneHistory: [] });
    expect(snapshot(mb)).toEqual(snapshot(ma));
  });
});
