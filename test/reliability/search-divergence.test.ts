/**
 * NaN / Inf in the search phase: the error names the search epoch and batch, the model is
 * rolled back to the last finished search epoch, and the saved search state (the last good
 * state) is that epoch's, so nothing poisoned reaches the run directory.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import * as T from '../../src/index.js';
import { loadDataset } from '../../src/data/index.js';
import { hasEcg200 } from './cli.js';
import { buildSeed } from '../../src/models/seeds.js';
import { pitConverter } from '../../src/nas/pit/convert.js';
import { SEARCH_SCHEMA } from '../../src/search/config.js';
import { runSweep } from '../../src/search/run.js';
import { snapshot } from '../../src/search/train/fit.js';
import { TrainingDivergedError } from '../../src/nn/train/divergence.js';
import { SweepStateDir } from '../../src/io/search-state.js';
import { resolveConfig } from '../../src/util/schema.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsdnas-search-div-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!hasEcg200)('divergence in the search phase', () => {
  it('a weight poisoned in search epoch 2: error at epoch 2, batch 3; model and saved state are search epoch 1', () => {
    T.setBackend('js');
    const splits = loadDataset('ecg200', { seed: 0 });
    const cfg = resolveConfig(SEARCH_SCHEMA, [{ values: { warmupEpochs: 1, searchEpochs: 4, finetuneEpochs: 1, batchSize: 16, seed: 0 }, where: 'test' }]);
    const seed = buildSeed('tcn-ecg', { inputShape: splits.info.sampleShape, outputs: 2, rng: new T.Rng(0) });
    let model: T.Module | null = null;
    // The store keeps a handle on the model under search (what it saves), to poison and compare it.
    class Watched extends SweepStateDir {
      override search(i: number) {
        const ck = super.search(i);
        return { load: (m: T.Module) => { model = m; return ck.load(m); }, save: ck.save };
      }
    }
    const store = new Watched(tmp);
    store.begin('search', {});
    let atEpoch1: Map<string, Float32Array | Float64Array> | null = null;
    let err: unknown = null;
    try {
      runSweep(seed, splits, cfg, [1e-6], pitConverter({ inputShape: splits.info.sampleShape }), {
        onEpoch: (r) => { if (r.epoch === 1) atEpoch1 = snapshot(model!); },
        onBatch: (phase, epoch, done) => {
          if (phase === 'weights' && epoch === 2 && done === 2) model!.namedParameters().find(([k]) => k.endsWith('weight'))![1].data[0] = NaN;
        },
      }, store);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainingDivergedError);
    const d = err as TrainingDivergedError;
    expect(d.step).toEqual({ epoch: 2, batch: 3, batches: 5 });
    expect(d.message).toMatch(/epoch 2, batch 3\/5: gradient of '0\.0\.weight' is NaN/);
    expect(d.lastGoodEpoch).toBe(1);
    expect(d.history).toHaveLength(1);
    expect(atEpoch1).not.toBeNull();
    expect(snapshot(model!)).toEqual(atEpoch1);
    // The state on disk is the last good one: epoch 1, finite, and it loads.
    const m = model! as T.Module;
    const saved = store.search(0).load(m);
    expect(saved?.epoch).toBe(1);
    expect(snapshot(m)).toEqual(atEpoch1);
  });
});
