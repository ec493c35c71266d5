import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as T from '../../../src/index.js';
import { loadDataset } from '../../../src/data/index.js';
import { buildSeed } from '../../../src/models/seeds.js';
import { pitConverter } from '../../../src/nas/pit/convert.js';
import { SEARCH_SCHEMA } from '../../../src/search/config.js';
import { runSweep } from '../../../src/search/run.js';
import { resolveConfig } from '../../../src/util/schema.js';
import { loadModelCheckpoint } from '../../../src/io/checkpoint.js';
import { evaluate } from '../../../src/search/train/epoch.js';
import { taskContext } from '../../../src/search/train/fit.js';
import { runSearchCommand } from '../../../src/cli/commands/search.js';

const haveData = existsSync(join(process.cwd(), '..', 'shared', 'data', 'ucr', 'ECG200'));

describe.skipIf(!haveData)('PIT search protocol on ECG200', () => {
  it('a strong regulariser prunes, a zero one does not, and the front keeps the non-dominated points', () => {
    T.setBackend('js');
    const splits = loadDataset('ecg200', { seed: 0 });
    const cfg = resolveConfig(SEARCH_SCHEMA, [{ values: { warmupEpochs: 3, searchEpochs: 6, finetuneEpochs: 1, batchSize: 16, maskLr: 0.1, minMaskSteps: 1, searchObjective: 'validation', valOrder: 'shuffled', seed: 0 }, where: 'test' }]);
    const seed = buildSeed('tcn-ecg', { inputShape: splits.info.sampleShape, outputs: 2, rng: new T.Rng(0) });
    const convert = pitConverter({ inputShape: splits.info.sampleShape });
    const r = runSweep(seed, splits, cfg, [0, 1e-2], convert);
    expect(r.seed.params).toBe(7890);
    // λ = 0 with the eval-mode validation objective: the kept epoch is an unpruned one here (mask lr 0.1 lets noise alone prune later epochs).
    expect(r.points[0].params).toBe(r.seed.params);
    expect(r.points[1].params).toBeLessThan(r.seed.params / 4);
    expect(r.points[1].macs).toBeLessThan(r.seed.macs / 4);
    expect(r.points[1].searchHistory.length).toBe(6);
    for (const i of r.frontParams) expect(i).toBeLessThan(2);
    expect(new Set(r.frontParams).size).toBe(r.frontParams.length);
  });

  it('the CLI sweep writes the front and exported models that reload with the reported accuracy', () => {
    const out = mkdtempSync(join(tmpdir(), 'tsdnas-sweep-'));
    const log = console.log;
    const err = process.stderr.write.bind(process.stderr);
    console.log = () => {};
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      runSearchCommand(['--dataset', 'ecg200', '--backend', 'js', '--warmup-epochs', '2', '--search-epochs', '3', '--finetune-epochs', '1', '--batch-size', '16', '--mask-lr', '0.1', '--lambdas', '1e-3,1e-2', '--out', out], true);
    } finally {
      console.log = log;
      process.stderr.write = err;
    }
    const front = JSON.parse(readFileSync(join(out, 'front.json'), 'utf8'));
    expect(front.points).toHaveLength(2);
    expect(readFileSync(join(out, 'front.csv'), 'utf8').split('\n')[0]).toBe('point,strength,params,macs,val_accuracy,test_accuracy,seconds,front_params,front_macs,export_test_accuracy,search_seconds,finetune_seconds');
    const { model } = loadModelCheckpoint(join(out, 'point-1', 'model.safetensors'));
    const splits = loadDataset('ecg200', { seed: 0 });
    const te = evaluate(model, splits.test, taskContext(splits, { loss: undefined, labelSmoothing: 0, huberDelta: 1 } as never));
    expect(te.metric).toBeCloseTo(front.points[1].test_accuracy, 10);
    expect(model.numParameters()).toBeLessThan(7890);
  });
});
